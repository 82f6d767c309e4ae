using static TorchSharp.torch;

namespace DiT.Training.Model;

/// <summary>Adaptive LayerNorm helpers shared by the adaLN block designs and the final layer.</summary>
internal static class Modulation
{
    /// <summary>x * (1 + scale) + shift, with (B,D) shift/scale broadcast over the tokens of (B,T,D) x.</summary>
    public static Tensor Modulate(Tensor x, Tensor shift, Tensor scale)
    {
        using var scope = NewDisposeScope();
        return (x * (scale.unsqueeze(1) + 1) + shift.unsqueeze(1)).MoveToOuterDisposeScope();
    }

    /// <summary>x + gate * y with a (B,D) gate broadcast over tokens.</summary>
    public static Tensor GatedResidual(Tensor x, Tensor gate, Tensor y)
    {
        using var scope = NewDisposeScope();
        return (x + gate.unsqueeze(1) * y).MoveToOuterDisposeScope();
    }
}
