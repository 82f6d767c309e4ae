using System;
using System.Diagnostics;
using System.Threading;

namespace DiT.Training.Distributed;

/// <summary>
/// Bounds the time a collective may block. MPI has no timeout of its own: when a peer rank hangs (deadlock, stuck
/// I/O, a host that vanished without its TCP connections closing) the others would wait forever. Each collective
/// runs inside <see cref="Enter"/>; a background thread calls <c>onTimeout</c> (MPI_Abort, which ends every rank)
/// with a message naming the rank and the operation if it has not returned in time. A rank that dies outright is
/// caught sooner by mpirun itself, which ends the job when a process exits non-zero.
/// </summary>
public sealed class CollectiveWatchdog : IDisposable
{
    private readonly Action<string> onTimeout;
    private readonly string who;
    private readonly Thread thread;
    private long deadline;                 // Stopwatch ticks; 0 = nothing in flight
    private string what = "";
    private TimeSpan limit;                // the timeout of the collective in flight
    private volatile bool stopped;
    private int fired;

    private TimeSpan timeout;

    /// <summary>How long one collective may take; may change between collectives (e.g. longer for the start).</summary>
    public TimeSpan Timeout
    {
        get => timeout;
        set => timeout = value > TimeSpan.Zero ? value
            : throw new ArgumentOutOfRangeException(nameof(value), $"The collective timeout must be positive, got {value.TotalSeconds} s.");
    }

    /// <param name="who">Names this process in the message, e.g. "rank 1 of 2 (host a)".</param>
    public CollectiveWatchdog(TimeSpan timeout, string who, Action<string> onTimeout)
    {
        Timeout = timeout;
        this.who = who;
        this.onTimeout = onTimeout;
        thread = new Thread(Watch) { IsBackground = true, Name = "collective watchdog" };
        thread.Start();
    }

    /// <summary>Marks a collective in flight until the returned scope is disposed.</summary>
    public Scope Enter(string operation)
    {
        what = operation;
        limit = Timeout;
        Volatile.Write(ref deadline, Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency));
        return new Scope(this);
    }

    public readonly struct Scope(CollectiveWatchdog owner) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref owner.deadline, 0);
    }

    private void Watch()
    {
        while (!stopped)
        {
            Thread.Sleep((int)Math.Clamp(Timeout.TotalMilliseconds / 10, 10, 500));
            long d = Volatile.Read(ref deadline);
            if (d != 0 && Stopwatch.GetTimestamp() > d && Interlocked.Exchange(ref fired, 1) == 0)
                onTimeout($"{who}: {what} did not complete within {limit.TotalSeconds:0.#} s (--dist-timeout); another rank has " +
                    "probably died or hangs. Aborting the job.");
        }
    }

    public void Dispose() => stopped = true;
}
