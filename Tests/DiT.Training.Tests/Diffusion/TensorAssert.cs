using System;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Diffusion;

internal static class TensorAssert
{
    /// <summary>Same shape and bitwise-equal values (Tensor.equal is elementwise in TorchSharp).</summary>
    public static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.AsSpan().SequenceEqual(b.shape)) return false;
        using var eq = a.eq(b);
        using var all = eq.all();
        return all.item<bool>();
    }
}
