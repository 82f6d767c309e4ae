using System;
using DiT.Training.Data;

namespace DiT.Training.Distributed;

/// <summary>
/// Each rank's share of the global batch. Every epoch all ranks shuffle the dataset identically from (seed, epoch)
/// (<see cref="BatchSampler.EpochPermutation"/>); rank r of N owns the positions r, r+N, r+2N, ... of that
/// permutation, so the shards are disjoint and together cover the epoch. Step k's local batch is the next
/// GlobalBatch/N of the rank's shard, which makes the union of all ranks' step-k batches exactly step k's batch of
/// a single process with the global batch size: position N*i + r of that global batch is rank r's i-th example.
/// The epoch's tail that does not fill a global batch is dropped, as in the one-process sampler.
/// </summary>
public sealed class DistributedSampler
{
    private readonly BatchSampler epochs;

    public int Rank { get; }
    public int WorldSize { get; }
    public int GlobalBatch { get; }
    public int LocalBatch { get; }
    public int StepsPerEpoch => epochs.BatchesPerEpoch;

    public DistributedSampler(int datasetSize, int globalBatch, int rank, int worldSize, ulong seed)
    {
        if (worldSize < 1) throw new ArgumentOutOfRangeException(nameof(worldSize), $"World size must be >= 1, got {worldSize}.");
        if (rank < 0 || rank >= worldSize) throw new ArgumentOutOfRangeException(nameof(rank), $"Rank {rank} is outside 0..{worldSize - 1}.");
        if (globalBatch < 1) throw new ArgumentException($"The batch size must be >= 1, got {globalBatch}.");
        if (globalBatch % worldSize != 0)
            throw new ArgumentException($"The global batch {globalBatch} does not split evenly over {worldSize} ranks; use a multiple of {worldSize}.");
        if (globalBatch > datasetSize)
            throw new ArgumentException($"The global batch {globalBatch} is larger than the dataset ({datasetSize} examples).");
        epochs = new BatchSampler(datasetSize, globalBatch, seed);
        Rank = rank;
        WorldSize = worldSize;
        GlobalBatch = globalBatch;
        LocalBatch = globalBatch / worldSize;
    }

    /// <summary>This rank's dataset indices for a global step, and each one's position in the global batch.</summary>
    public (int[] Indices, int[] GlobalPositions) BatchAt(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step));
        int epoch = checked((int)(step / StepsPerEpoch));
        long start = step % StepsPerEpoch * GlobalBatch;
        var perm = epochs.EpochPermutation(epoch);
        var indices = new int[LocalBatch];
        var positions = new int[LocalBatch];
        for (int i = 0; i < LocalBatch; i++)
        {
            positions[i] = WorldSize * i + Rank;
            indices[i] = perm[start + positions[i]];
        }
        return (indices, positions);
    }

    /// <summary>This rank's whole shard of an epoch, in the order it trains on it.</summary>
    public int[] Shard(int epoch)
    {
        var perm = epochs.EpochPermutation(epoch);
        int n = StepsPerEpoch * LocalBatch;
        var shard = new int[n];
        for (int k = 0; k < n; k++) shard[k] = perm[(long)k * WorldSize + Rank];
        return shard;
    }
}
