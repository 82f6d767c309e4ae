using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Distributed;

/// <summary>
/// Averages gradients over ranks in a few large messages instead of one per parameter: the fp32 gradients are
/// flattened into ~25 MB buckets (parameters in reverse registration order, roughly the order backward produces
/// them, as PyTorch DDP does), each bucket is summed over ranks with a non-blocking all-reduce, then divided by the
/// world size and copied back into the parameters' .grad.
/// <para>
/// Overlap with backward: TorchSharp 0.107 has no tensor gradient hooks (no Tensor.register_hook, no module backward
/// hooks), so the trainer marks block boundaries instead (<see cref="BackwardSignal"/> on each block's input, put
/// there by Trainer.TrainingBlockRunner) and calls <see cref="MarkReady"/> with the block's parameter names when backward has gone
/// through it. A bucket starts its all-reduce as soon as all its parameters are ready, while backward continues
/// with the earlier blocks; buckets always start in the same order on every rank (bucket k waits for k-1), as MPI
/// requires. <see cref="Finish"/> (after backward) starts what is left, waits for all and writes the means back.
/// Without marks (<see cref="AverageGradients"/>) every bucket starts after backward, each while the next is filled.
/// </para>
/// </summary>
public sealed class GradientBucketer
{
    public const long DefaultBucketBytes = 25L << 20;

    private readonly ICommunicator comm;
    private readonly List<Bucket> buckets = new();
    private readonly Dictionary<string, (int Bucket, int Slot)> byName = new();
    private readonly Stopwatch clock = new();
    private readonly IPendingCollective?[] pending;
    private int launched;                                  // buckets started this step, in order

    /// <summary>Floats per bucket, in the order they are reduced.</summary>
    public IReadOnlyList<int> BucketSizes => buckets.Select(b => b.Buffer.Length).ToList();
    /// <summary>Wall time spent on the exchange so far: in <see cref="MarkReady"/> during backward and in <see cref="Finish"/> after it.</summary>
    public TimeSpan TotalTime => clock.Elapsed;
    public long Calls { get; private set; }
    /// <summary>Buckets started during backward (before <see cref="Finish"/>) over all steps: the overlapped ones.</summary>
    public long StartedDuringBackward { get; private set; }
    /// <summary>True from the first bucket started in a step until <see cref="Finish"/>: the step can no longer be retried alone.</summary>
    public bool InFlight => launched > 0;

    public GradientBucketer(IEnumerable<Tensor> parameters, ICommunicator comm, long bucketBytes = DefaultBucketBytes)
        : this(parameters.Select((p, i) => ($"#{i}", p)), comm, bucketBytes) { }

    /// <param name="parameters">Named parameters in registration order (names as <see cref="MarkReady"/> will use them).</param>
    public GradientBucketer(IEnumerable<(string Name, Tensor Param)> parameters, ICommunicator comm, long bucketBytes = DefaultBucketBytes)
    {
        if (bucketBytes < sizeof(float)) throw new ArgumentOutOfRangeException(nameof(bucketBytes), $"A bucket must hold at least one float, got {bucketBytes} bytes.");
        this.comm = comm;
        long cap = Math.Min(bucketBytes / sizeof(float), 1 << 30);
        var current = new List<Slot>();
        long filled = 0;
        foreach (var (name, p) in parameters.Where(np => np.Param.requires_grad).Reverse())
        {
            if (p.dtype != ScalarType.Float32 || p.device.type != DeviceType.CPU)
                throw new ArgumentException($"Gradient buckets hold fp32 CPU parameters; got {p.dtype} on {p.device} ({name}).");
            long n = p.numel();
            if (filled > 0 && filled + n > cap) { buckets.Add(new Bucket(current, (int)filled)); current = new(); filled = 0; }
            byName[name] = (buckets.Count, current.Count);
            current.Add(new Slot(name, p, (int)filled));
            filled += n;
            if (filled > int.MaxValue) throw new ArgumentException($"A parameter of {n} elements does not fit one bucket.");
        }
        if (filled > 0) buckets.Add(new Bucket(current, (int)filled));
        pending = new IPendingCollective?[buckets.Count];
    }

    /// <summary>
    /// During backward: the parameters whose names start with <paramref name="prefix"/> have their final gradients;
    /// starts every bucket that is now complete (in bucket order) and lets those in flight progress.
    /// </summary>
    public void MarkReady(string prefix)
    {
        if (comm.Size == 1) return;
        clock.Start();
        try
        {
            foreach (var (name, (b, s)) in byName)
                if (name.StartsWith(prefix, StringComparison.Ordinal) && !buckets[b].Ready[s]) { buckets[b].Ready[s] = true; buckets[b].Missing--; }
            int before = launched;
            LaunchCompleteBuckets();
            StartedDuringBackward += launched - before;
            for (int b = 0; b < launched; b++) pending[b]!.Progress();
        }
        finally { clock.Stop(); }
    }

    /// <summary>After backward: every parameter's .grad becomes the mean over ranks (a missing .grad counts as zeros).</summary>
    public void Finish()
    {
        if (comm.Size == 1) return;
        clock.Start();
        try
        {
            foreach (var bucket in buckets) bucket.MarkAll();
            LaunchCompleteBuckets();
            float scale = 1f / comm.Size;
            for (int b = 0; b < buckets.Count; b++)
            {
                pending[b]!.Wait();
                buckets[b].Unflatten(scale);
            }
            Calls++;
        }
        finally
        {
            Reset();
            clock.Stop();
        }
    }

    /// <summary>All buckets after backward, without marks: <see cref="Finish"/>.</summary>
    public void AverageGradients() => Finish();

    /// <summary>Forgets this step's marks (a step that failed before any bucket started is computed again).</summary>
    public void Reset()
    {
        foreach (var bucket in buckets) bucket.Clear();
        Array.Clear(pending);
        launched = 0;
    }

    private void LaunchCompleteBuckets()
    {
        while (launched < buckets.Count && buckets[launched].Missing == 0)
        {
            buckets[launched].Flatten();
            pending[launched] = comm.StartAllReduceSum(buckets[launched].Buffer);
            launched++;
        }
    }

    /// <summary>The float32 elements of a contiguous CPU tensor, in place.</summary>
    internal static Span<float> Floats(Tensor t)
    {
        if (!t.is_contiguous()) throw new ArgumentException("Expected a contiguous tensor.");
        return MemoryMarshal.Cast<byte, float>(t.bytes);
    }

    private sealed record Slot(string Name, Tensor Param, int Offset);

    private sealed class Bucket
    {
        private readonly List<Slot> slots;
        public readonly float[] Buffer;
        public readonly bool[] Ready;
        public int Missing;

        public Bucket(List<Slot> slots, int length)
        {
            this.slots = slots;
            Buffer = GC.AllocateArray<float>(length, pinned: true);
            Ready = new bool[slots.Count];
            Missing = slots.Count;
        }

        public void MarkAll() { Array.Fill(Ready, true); Missing = 0; }
        public void Clear() { Array.Clear(Ready); Missing = slots.Count; }

        public void Flatten()
        {
            foreach (var (_, p, off) in slots)
            {
                var dst = Buffer.AsSpan(off, (int)p.numel());
                using var g = p.grad;
                if (g is null) { dst.Clear(); continue; }
                if (g.is_contiguous()) Floats(g).CopyTo(dst);
                else { using var c = g.contiguous(); Floats(c).CopyTo(dst); }
            }
        }

        public void Unflatten(float scale)
        {
            using var _ = no_grad();
            foreach (var (_, p, off) in slots)
            {
                var src = Buffer.AsSpan(off, (int)p.numel());
                if (p.grad is null || !p.grad.is_contiguous()) p.grad = zeros_like(p);
                using var g = p.grad!;
                var dst = Floats(g);
                for (int i = 0; i < src.Length; i++) dst[i] = src[i] * scale;
            }
        }
    }
}
