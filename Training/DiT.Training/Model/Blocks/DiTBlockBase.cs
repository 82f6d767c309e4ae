using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Model.Blocks;

/// <summary>
/// One transformer block of any conditioning design: forward(x (B,T,D), condition) → (B,T,D). Each design reads the
/// form of the <see cref="Conditioning"/> it needs.
/// </summary>
public abstract class DiTBlockBase : Module<Tensor, Conditioning, Tensor>
{
    protected DiTBlockBase(string name) : base(name) { }

    /// <summary>The block for the config's design: modulated designs are adaLN blocks, the others pre-norm ViT blocks.</summary>
    public static DiTBlockBase Create(DiTConfig cfg)
    {
        var design = BlockDesign.For(cfg.Block);
        return design.ModulationChunks > 0
            ? new AdaLNBlock(cfg.HiddenSize, cfg.NumHeads, cfg.MlpHidden, design)
            : new PreNormBlock(cfg.HiddenSize, cfg.NumHeads, cfg.MlpHidden, design);
    }
}
