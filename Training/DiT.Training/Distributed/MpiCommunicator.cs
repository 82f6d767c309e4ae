using System;
using System.Buffers;
using System.Runtime.InteropServices;

namespace DiT.Training.Distributed;

/// <summary>
/// <see cref="ICommunicator"/> over MPI_COMM_WORLD of Open MPI, through P/Invoke. Started by
/// <c>mpirun -np N dit train --distributed ...</c> (one host or many with a hostfile). MPI is initialised with
/// MPI_Init_thread (MPI_THREAD_MULTIPLE requested: the watchdog may call MPI_Abort while the main thread is inside a
/// collective), errors return codes (MPI_ERRORS_RETURN) that become <see cref="MpiException"/>s with
/// MPI_Error_string's text, and every blocking call is bounded by a <see cref="CollectiveWatchdog"/>.
/// </summary>
public sealed unsafe class MpiCommunicator : ICommunicator
{
    /// <summary>The exit status of a job ended by the collective watchdog (MPI_Abort's error code).</summary>
    public const int TimeoutExitCode = 14;

    /// <summary>MPI counts are ints: longer buffers go in chunks of this many elements.</summary>
    private const int MaxChunk = 1 << 30;

    private readonly MpiLibrary mpi;
    private readonly CollectiveWatchdog watchdog;
    private bool disposed;

    public int Rank { get; }
    public int Size { get; }
    public string Backend => "mpi";
    /// <summary>The thread support level MPI granted (3 = MPI_THREAD_MULTIPLE).</summary>
    public int ThreadLevel { get; }
    /// <summary>How long one collective may block before the job is aborted; may be changed between collectives.</summary>
    public TimeSpan Timeout { get => watchdog.Timeout; set => watchdog.Timeout = value; }

    /// <summary>True when this process was started by an MPI launcher (mpirun/mpiexec/srun with PMIx).</summary>
    public static bool LaunchedByMpirun =>
        Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null || Environment.GetEnvironmentVariable("PMIX_RANK") is not null;

    /// <param name="timeout">How long any one collective may block before the job is aborted (--dist-timeout).</param>
    public MpiCommunicator(TimeSpan timeout)
    {
        mpi = MpiLibrary.Load();
        int initialized = 0, provided = 0, rank = 0, size = 0;
        Check(mpi.Initialized(&initialized), "MPI_Initialized");
        if (initialized == 0) Check(mpi.InitThread(null, null, MpiLibrary.ThreadMultiple, &provided), "MPI_Init_thread");
        ThreadLevel = provided;
        Check(mpi.CommSetErrhandler(mpi.CommWorld, mpi.ErrorsReturn), "MPI_Comm_set_errhandler");
        Check(mpi.CommRank(mpi.CommWorld, &rank), "MPI_Comm_rank");
        Check(mpi.CommSize(mpi.CommWorld, &size), "MPI_Comm_size");
        Rank = rank;
        Size = size;
        watchdog = new CollectiveWatchdog(timeout, $"rank {rank} of {size} ({Environment.MachineName}, pid {Environment.ProcessId})",
            message => Abort(message, TimeoutExitCode));
    }

    public void Broadcast(Span<float> data, int root = 0)
    {
        if (root < 0 || root >= Size) throw new ArgumentOutOfRangeException(nameof(root), $"Root {root} is not a rank of this group of {Size}.");
        using var _ = watchdog.Enter($"broadcast of {data.Length} floats from rank {root}");
        fixed (float* p = data)
            for (long off = 0; off < data.Length; off += MaxChunk)
                Check(mpi.Bcast(p + off, (int)Math.Min(MaxChunk, data.Length - off), mpi.Float, root, mpi.CommWorld), "MPI_Bcast");
    }

    public void AllReduceSum(Span<float> data)
    {
        using var _ = watchdog.Enter($"all-reduce of {data.Length} floats");
        fixed (float* p = data)
            for (long off = 0; off < data.Length; off += MaxChunk)
                Check(mpi.Allreduce((void*)MpiLibrary.InPlace, p + off, (int)Math.Min(MaxChunk, data.Length - off), mpi.Float, mpi.OpSum, mpi.CommWorld), "MPI_Allreduce");
    }

    public IPendingCollective StartAllReduceSum(Memory<float> data)
    {
        if (data.Length > MaxChunk) throw new ArgumentException($"A non-blocking all-reduce takes at most {MaxChunk} floats; got {data.Length}.");
        var pin = data.Pin();
        IntPtr request = mpi.RequestNull;
        int rc = mpi.Iallreduce((void*)MpiLibrary.InPlace, pin.Pointer, data.Length, mpi.Float, mpi.OpSum, mpi.CommWorld, &request);
        if (rc != 0) { pin.Dispose(); Check(rc, "MPI_Iallreduce"); }
        return new Pending(this, request, pin, data.Length);
    }

    public long[] AllGather(ReadOnlySpan<long> mine)
    {
        var all = new long[mine.Length * Size];
        using var _ = watchdog.Enter($"all-gather of {mine.Length} values");
        fixed (long* s = mine)
        fixed (long* r = all)
            Check(mpi.Allgather(s, mine.Length, mpi.LongLong, r, mine.Length, mpi.LongLong, mpi.CommWorld), "MPI_Allgather");
        return all;
    }

    public void Barrier()
    {
        using var _ = watchdog.Enter("barrier");
        Check(mpi.Barrier(mpi.CommWorld), "MPI_Barrier");
    }

    public void Abort(string message, int errorCode = 1)
    {
        Console.Error.WriteLine(message);
        Console.Error.Flush();
        Console.Out.Flush();
        mpi.Abort(mpi.CommWorld, errorCode);
        Environment.Exit(errorCode);                         // MPI_Abort does not return; this is belt and braces
    }

    /// <summary>MPI_Finalize (collective: every rank must get here). Safe to call twice.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        watchdog.Dispose();
        int finalized = 0;
        if (mpi.Finalized(&finalized) == 0 && finalized == 0) mpi.Finalize();
    }

    private void Check(int rc, string call)
    {
        if (rc != 0) throw new MpiException($"{call} failed on rank {Rank}: {mpi.Describe(rc)} (MPI error {rc}).", rc);
    }

    private sealed class Pending(MpiCommunicator owner, IntPtr request, MemoryHandle pin, int count) : IPendingCollective
    {
        private IntPtr request = request;
        private bool done;

        public void Progress()
        {
            if (done) return;
            int flag = 0;
            fixed (IntPtr* r = &request) owner.Check(owner.mpi.Test(r, &flag, null), "MPI_Test");
            // A completed request is now MPI_REQUEST_NULL; Wait() returns at once on it and releases the pin.
        }

        public void Wait()
        {
            if (done) return;
            done = true;
            try
            {
                using var _ = owner.watchdog.Enter($"all-reduce of a {count}-float gradient bucket");
                fixed (IntPtr* r = &request) owner.Check(owner.mpi.Wait(r, null), "MPI_Wait");
            }
            finally { pin.Dispose(); }
        }
    }
}

/// <summary>An MPI call returned an error code; the message is MPI_Error_string's.</summary>
public sealed class MpiException(string message, int code) : Exception(message)
{
    public int ErrorCode { get; } = code;
}
