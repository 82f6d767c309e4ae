using System;
using System.Diagnostics;
using System.Threading;

namespace DiTPlugin.Training.Distributed;

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
    private readonly long timeoutTicks;
    private long deadline;                 // Stopwatch ticks; 0 = nothing in flight
    private string what = "";
    private volatile bool stopped;
    private int fired;

    public TimeSpan Timeout { get; }

    /// <param name="who">Names this process in the message, e.g. "rank 1 of 2 (host a)".</param>
    public CollectiveWatchdog(TimeSpan timeout, string who, Action<string> onTimeout)
    {
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), $"The collective timeout must be positive, got {timeout.TotalSeconds} s.");
        Timeout = timeout;
        this.who = who;
        this.onTimeout = onTimeout;
        timeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        thread = new Thread(Watch) { IsBackground = true, Name = "collective watchdog" };
        thread.Start();
    }

    /// <summary>Marks a collective in flight until the returned scope is disposed.</summary>
    public Scope Enter(string operation)
    {
        what = operation;
        Volatile.Write(ref deadline, Stopwatch.GetTimestamp() + timeoutTicks);
        return new Scope(this);
    }

    public readonly struct Scope(CollectiveWatchdog owner) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref owner.deadline, 0);
    }

    private void Watch()
    {
        int pollMs = (int)Math.Clamp(Timeout.TotalMilliseconds / 10, 10, 500);
        while (!stopped)
        {
            Thread.Sleep(pollMs);
            long d = Volatile.Read(ref deadline);
            if (d != 0 && Stopwatch.GetTimestamp() > d && Interlocked.Exchange(ref fired, 1) == 0)
                onTimeout($"{who}: {what} did not complete within {Timeout.TotalSeconds:0.#} s (--dist-timeout); another rank has " +
                    "probably died or hangs. Aborting the job.");
        }
    }

    public void Dispose() => stopped = true;
}
