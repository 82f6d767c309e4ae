using static TorchSharp.torch;

namespace DiTPlugin.Training.Model;

/// <summary>Adaptive LayerNorm helpers shared by the adaLN block designs and the final layer.</summary>
internal static class Modulation
{
    /// <summary>x * (1 + scale) + shift, with (B,D) shift/scale broadcast over the tokens of (B,T,D) x.</summary>
    public static Tensor Modulate(Tensor x, Tensor shift, Tensor scale)
    {
        using var s = scale.unsqueeze(1) + 1;
        using var xs = x * s;
        return xs + shift.unsqueeze(1);
    }

    /// <summary>x + gate * y with a (B,D) gate broadcast over tokens.</summary>
    public static Tensor GatedResidual(Tensor x, Tensor gate, Tensor y)
    {
        using var gy = gate.unsqueeze(1) * y;
        return x + gy;
    }
}
