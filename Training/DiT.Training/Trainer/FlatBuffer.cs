using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace DiT.Training.Trainer;

/// <summary>
/// One contiguous 1-D tensor whose consecutive slices are the given tensors' storage: each tensor becomes a view of
/// its slice (Tensor.set_, same handle, same shape), so one kernel over <see cref="Flat"/> updates them all. This is
/// what turns the optimizer, EMA and bf16 copies from a few kernels per parameter (hundreds per step) into a few per
/// step, and keeps every element's arithmetic exactly as before.
/// </summary>
public sealed class FlatBuffer : IDisposable
{
    public Tensor Flat { get; }
    public IReadOnlyList<Tensor> Views { get; }

    private FlatBuffer(Tensor flat, IReadOnlyList<Tensor> views) => (Flat, Views) = (flat, views);

    /// <summary>Moves <paramref name="tensors"/> (values kept, converted to <paramref name="dtype"/> when it differs) into one buffer.</summary>
    public static FlatBuffer Adopt(IReadOnlyList<Tensor> tensors, ScalarType? dtype = null)
    {
        var type = dtype ?? tensors[0].dtype;
        var flat = Allocate(tensors, type);
        using var _ = no_grad();
        var views = Slices(flat, tensors);
        for (int i = 0; i < tensors.Count; i++)
        {
            views[i].copy_(tensors[i]);
            tensors[i].set_(views[i]);
        }
        return new FlatBuffer(flat, views);
    }

    /// <summary>A zeroed buffer with one view per tensor, shaped like it (gradients, optimizer moments).</summary>
    public static FlatBuffer ZerosLike(IReadOnlyList<Tensor> tensors, ScalarType? dtype = null)
    {
        var flat = Allocate(tensors, dtype ?? tensors[0].dtype);
        return new FlatBuffer(flat, Slices(flat, tensors));
    }

    private static Tensor Allocate(IReadOnlyList<Tensor> tensors, ScalarType type)
    {
        if (tensors.Count == 0) throw new ArgumentException("No tensors to put in a flat buffer.");
        if (tensors.Any(t => t.device_type != TorchSharp.DeviceType.CPU || !t.is_contiguous()))
            throw new ArgumentException("Flat buffers hold contiguous CPU tensors only.");
        return zeros(tensors.Sum(t => t.numel()), dtype: type);
    }

    private static Tensor[] Slices(Tensor flat, IReadOnlyList<Tensor> tensors)
    {
        var views = new Tensor[tensors.Count];
        long offset = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            long n = tensors[i].numel();
            views[i] = flat.narrow(0, offset, n).view(tensors[i].shape);
            offset += n;
        }
        return views;
    }

    public void Dispose()
    {
        foreach (var v in Views) v.Dispose();
        Flat.Dispose();
    }
}
