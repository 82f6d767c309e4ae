using DiT.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace DiTPlugin.Benchmarks;

/// <summary>The model every network benchmark uses: a random-weight DiT-S/2 on 4×32×32 latents, 1000 classes.</summary>
internal static class BenchModel
{
    public const int ClassId = 207;
    public const float CfgScale = 4f;

    public static DiTConfig Config => DiTConfig.FromName("DiT-S/2", inputSize: 32, inChannels: 4, numClasses: 1000);

    /// <summary>
    /// A seeded random DiT-S/2 with small noise on every parameter: the paper's initialisation zeroes the adaLN-Zero
    /// modulations and the final layer, which would make every block the identity and the output exactly zero —
    /// not the work (nor the data-dependent kernel paths) of a trained model.
    /// </summary>
    public static DiTModel Create()
    {
        torch.manual_seed(0);
        var model = new DiTModel(Config);
        using (no_grad())
            foreach (var p in model.parameters())
                p.add_(randn_like(p) * 0.02);
        model.eval();
        return model;
    }
}
