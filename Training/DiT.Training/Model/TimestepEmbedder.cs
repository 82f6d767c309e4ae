using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Model;

/// <summary>Embeds scalar timesteps: 256 sinusoidal frequencies in [cos, sin] order, then Linear-SiLU-Linear.</summary>
public sealed class TimestepEmbedder : Module<Tensor, Tensor>
{
    public const int FrequencySize = 256;
    private readonly Sequential mlp;

    public TimestepEmbedder(int hiddenSize) : base(nameof(TimestepEmbedder))
    {
        mlp = Sequential(("0", Linear(FrequencySize, hiddenSize)), ("1", SiLU()), ("2", Linear(hiddenSize, hiddenSize)));
        RegisterComponents();
    }

    /// <summary>The sinusoidal features: [cos(t*f_k), sin(t*f_k)] with f_k = exp(-ln(maxPeriod) k / half).</summary>
    public static Tensor Sinusoidal(Tensor t, int dim = FrequencySize, double maxPeriod = 10000)
    {
        using var scope = NewDisposeScope();
        int half = dim / 2;
        var freqs = exp(arange(half, dtype: float32, device: t.device) * (-Math.Log(maxPeriod) / half));
        var args = t.to(float32).unsqueeze(1) * freqs.unsqueeze(0);
        return cat(new[] { cos(args), sin(args) }, dim: -1).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor t)
    {
        using var scope = NewDisposeScope();
        return mlp.forward(Sinusoidal(t).to(FrequencyProjection.weight!.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>The MLP's first linear layer (mlp.0): the 256 sinusoidal features → hidden size, before the SiLU.</summary>
    internal Linear FrequencyProjection => (Linear)mlp[0];
    /// <summary>The MLP's second linear layer (mlp.2): hidden → hidden, after the SiLU; its output is the embedding.</summary>
    internal Linear OutputProjection => (Linear)mlp[2];
}
