using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace DiTPlugin.Training.Distributed;

/// <summary>
/// Averages gradients over ranks in a few large messages instead of one per parameter: the fp32 gradients are
/// flattened into ~25 MB buckets (parameters in reverse registration order, roughly the order backward produces
/// them, as PyTorch DDP does), each bucket is summed over ranks with a non-blocking all-reduce as soon as it is
/// filled (so filling bucket k+1 overlaps the transfer of bucket k), then divided by the world size and copied back
/// into the parameters' .grad.
/// <para>
/// Why not overlapped with backward: DDP starts a bucket's all-reduce from per-parameter gradient hooks while
/// backward is still running. TorchSharp 0.107 exposes no tensor gradient hooks (no Tensor.register_hook, no module
/// backward hooks: only forward and forward-pre hooks), so the buckets start right after backward. A custom
/// autograd function at each block boundary could approximate it, but the autograd engine does not promise that a
/// block's parameter gradients are accumulated when the gradient of its input is; see docs/distributed.md.
/// </para>
/// </summary>
public sealed class GradientBucketer
{
    public const long DefaultBucketBytes = 25L << 20;

    private readonly ICommunicator comm;
    private readonly List<Bucket> buckets = new();
    private readonly Stopwatch clock = new();

    /// <summary>Floats per bucket, in the order they are reduced.</summary>
    public IReadOnlyList<int> BucketSizes => buckets.Select(b => b.Buffer.Length).ToList();
    /// <summary>Wall time spent in <see cref="AverageGradients"/> (flatten, all-reduce, scale, copy back) so far.</summary>
    public TimeSpan TotalTime => clock.Elapsed;
    public long Calls { get; private set; }

    public GradientBucketer(IEnumerable<Tensor> parameters, ICommunicator comm, long bucketBytes = DefaultBucketBytes)
    {
        if (bucketBytes < sizeof(float)) throw new ArgumentOutOfRangeException(nameof(bucketBytes), $"A bucket must hold at least one float, got {bucketBytes} bytes.");
        this.comm = comm;
        long cap = Math.Min(bucketBytes / sizeof(float), 1 << 30);
        var current = new List<(Tensor, int)>();
        long filled = 0;
        foreach (var p in parameters.Where(p => p.requires_grad).Reverse())
        {
            if (p.dtype != ScalarType.Float32 || p.device.type != DeviceType.CPU)
                throw new ArgumentException($"Gradient buckets hold fp32 CPU parameters; got {p.dtype} on {p.device}.");
            long n = p.numel();
            if (filled > 0 && filled + n > cap) { buckets.Add(new Bucket(current, (int)filled)); current = new(); filled = 0; }
            current.Add((p, (int)filled));
            filled += n;
            if (filled > int.MaxValue) throw new ArgumentException($"A parameter of {n} elements does not fit one bucket.");
        }
        if (filled > 0) buckets.Add(new Bucket(current, (int)filled));
    }

    /// <summary>After backward: every parameter's .grad becomes the mean over ranks (a missing .grad counts as zeros).</summary>
    public void AverageGradients()
    {
        if (comm.Size == 1) return;
        clock.Start();
        try
        {
            var pending = new IPendingCollective[buckets.Count];
            for (int b = 0; b < buckets.Count; b++)
            {
                buckets[b].Flatten();
                pending[b] = comm.StartAllReduceSum(buckets[b].Buffer);
            }
            float scale = 1f / comm.Size;
            for (int b = 0; b < buckets.Count; b++)
            {
                pending[b].Wait();
                buckets[b].Unflatten(scale);
            }
            Calls++;
        }
        finally { clock.Stop(); }
    }

    /// <summary>The float32 elements of a contiguous CPU tensor, in place.</summary>
    internal static Span<float> Floats(Tensor t)
    {
        if (!t.is_contiguous()) throw new ArgumentException("Expected a contiguous tensor.");
        return MemoryMarshal.Cast<byte, float>(t.bytes);
    }

    private sealed class Bucket(List<(Tensor Param, int Offset)> slots, int length)
    {
        public readonly float[] Buffer = GC.AllocateArray<float>(length, pinned: true);

        public void Flatten()
        {
            foreach (var (p, off) in slots)
            {
                var dst = Buffer.AsSpan(off, (int)p.numel());
                var g = p.grad;
                if (g is null) { dst.Clear(); continue; }
                if (g.is_contiguous()) Floats(g).CopyTo(dst);
                else { using var c = g.contiguous(); Floats(c).CopyTo(dst); }
            }
        }

        public void Unflatten(float scale)
        {
            using var _ = no_grad();
            foreach (var (p, off) in slots)
            {
                var src = Buffer.AsSpan(off, (int)p.numel());
                if (p.grad is null || !p.grad.is_contiguous()) p.grad = zeros_like(p);
                var dst = Floats(p.grad!);
                for (int i = 0; i < src.Length; i++) dst[i] = src[i] * scale;
            }
        }
    }
}
