using System;
using System.Collections.Generic;

namespace DiT.Training.Data;

/// <summary>
/// Yields shuffled index batches, epoch after epoch, as a pure function of (seed, epoch): the same seed and epoch always
/// give the same permutation (own SplitMix64 generator, so no dependence on System.Random's implementation), which lets
/// a resumed run continue at exactly the batch it stopped at via <see cref="BatchAt"/> / <see cref="From"/>.
/// With <see cref="DropLast"/> (default, as DiT's loader) every batch is full and the epoch's tail is dropped.
/// </summary>
public sealed class BatchSampler
{
    public int DatasetSize { get; }
    public int BatchSize { get; }
    public ulong Seed { get; }
    public bool DropLast { get; }
    public int BatchesPerEpoch { get; }

    private int _cachedEpoch = -1;
    private int[]? _cachedPerm;
    private readonly object _lock = new();

    public BatchSampler(int datasetSize, int batchSize, ulong seed, bool dropLast = true)
    {
        if (datasetSize <= 0) throw new ArgumentOutOfRangeException(nameof(datasetSize));
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize));
        if (dropLast && batchSize > datasetSize) throw new ArgumentException($"batch size {batchSize} exceeds dataset size {datasetSize} with dropLast.");
        DatasetSize = datasetSize;
        BatchSize = batchSize;
        Seed = seed;
        DropLast = dropLast;
        BatchesPerEpoch = dropLast ? datasetSize / batchSize : (datasetSize + batchSize - 1) / batchSize;
    }

    /// <summary>The shuffled order of all indices for an epoch (Fisher-Yates with an unbiased bounded draw).</summary>
    public int[] EpochPermutation(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch));
        lock (_lock)
        {
            if (_cachedEpoch == epoch) return (int[])_cachedPerm!.Clone();
        }
        var perm = new int[DatasetSize];
        for (int i = 0; i < perm.Length; i++) perm[i] = i;
        // Mix seed and epoch so neighbouring epochs/seeds give unrelated streams.
        ulong state = Mix(Seed ^ Mix((ulong)epoch + 0x632BE59BD9B4E019UL));
        for (int i = perm.Length - 1; i > 0; i--)
        {
            int j = (int)Bounded(ref state, (ulong)(i + 1));
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        lock (_lock)
        {
            _cachedEpoch = epoch;
            _cachedPerm = perm;
        }
        return (int[])perm.Clone();
    }

    public IEnumerable<int[]> EpochBatches(int epoch)
    {
        var perm = EpochPermutation(epoch);
        for (int b = 0; b < BatchesPerEpoch; b++)
        {
            int start = b * BatchSize;
            int len = Math.Min(BatchSize, DatasetSize - start);
            yield return perm.AsSpan(start, len).ToArray();
        }
    }

    /// <summary>The batch trained at a global step (step 0 = first batch of epoch 0).</summary>
    public int[] BatchAt(long globalStep)
    {
        if (globalStep < 0) throw new ArgumentOutOfRangeException(nameof(globalStep));
        int epoch = checked((int)(globalStep / BatchesPerEpoch));
        int b = (int)(globalStep % BatchesPerEpoch);
        var perm = EpochPermutation(epoch);
        int start = b * BatchSize;
        return perm.AsSpan(start, Math.Min(BatchSize, DatasetSize - start)).ToArray();
    }

    /// <summary>An endless stream of batches starting at <paramref name="globalStep"/>, for resuming.</summary>
    public IEnumerable<(long Step, int Epoch, int[] Indices)> From(long globalStep)
    {
        for (long step = globalStep; ; step++)
            yield return (step, (int)(step / BatchesPerEpoch), BatchAt(step));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Next(ref ulong state) => Mix(state += 0x9E3779B97F4A7C15UL);

    /// <summary>Uniform in [0, n) by rejection, avoiding the modulo bias of Next() % n.</summary>
    private static ulong Bounded(ref ulong state, ulong n)
    {
        ulong limit = ulong.MaxValue - ulong.MaxValue % n;
        ulong r;
        do r = Next(ref state); while (r >= limit);
        return r % n;
    }
}
