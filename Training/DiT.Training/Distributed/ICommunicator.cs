using System;

namespace DiT.Training.Distributed;

/// <summary>
/// The collectives data-parallel training needs, over one group of ranks. MPI implements it
/// (<see cref="MpiCommunicator"/>); <see cref="SingleProcessCommunicator"/> is the size-1 group of a run that is not
/// distributed. An NCCL backend (GPU buffers on CUDA streams) would be a third implementation: see docs/distributed.md.
/// Every rank must call the collectives in the same order with the same sizes, as MPI requires.
/// </summary>
public interface ICommunicator : IDisposable
{
    /// <summary>This process's index in the group, 0 .. Size-1. Rank 0 is the root (EMA, checkpoints, logs).</summary>
    int Rank { get; }
    int Size { get; }
    /// <summary>For logs: "mpi", "single".</summary>
    string Backend { get; }

    /// <summary>Overwrites <paramref name="data"/> on every rank with the root's values.</summary>
    void Broadcast(Span<float> data, int root = 0);

    /// <summary>In place: element-wise sum over all ranks; every rank gets the result.</summary>
    void AllReduceSum(Span<float> data);

    /// <summary>
    /// Starts an in-place sum over ranks on pinned memory and returns at once; the buffer must not be touched until
    /// <see cref="IPendingCollective.Wait"/> returns. Lets several buckets be in flight together.
    /// </summary>
    IPendingCollective StartAllReduceSum(Memory<float> data);

    /// <summary>Every rank's <paramref name="mine"/> (all of the same length), concatenated in rank order.</summary>
    long[] AllGather(ReadOnlySpan<long> mine);

    void Barrier();

    /// <summary>Ends the whole job (every rank) after printing <paramref name="message"/>; does not return.</summary>
    void Abort(string message, int errorCode = 1);
}

/// <summary>A collective in flight.</summary>
public interface IPendingCollective
{
    /// <summary>Blocks until the collective has completed on this rank.</summary>
    void Wait();

    /// <summary>Lets the collective advance without blocking (MPI progresses non-blocking collectives only inside MPI calls).</summary>
    void Progress();
}

public static class CommunicatorExtensions
{
    public static bool IsRoot(this ICommunicator comm) => comm.Rank == 0;

    /// <summary>In place: the mean over ranks.</summary>
    public static void AllReduceAverage(this ICommunicator comm, Span<float> data)
    {
        comm.AllReduceSum(data);
        if (comm.Size == 1) return;
        float inv = 1f / comm.Size;
        for (int i = 0; i < data.Length; i++) data[i] *= inv;
    }
}
