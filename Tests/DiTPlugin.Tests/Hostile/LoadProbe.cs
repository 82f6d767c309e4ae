using System;
using System.Diagnostics;
using System.Threading.Tasks;
using DiTPlugin.Runtime;

namespace DiTPlugin.Tests.Hostile;

/// <summary>
/// Runs one load the way a game would (DiT.Load on a worker thread) and judges it: it must finish within
/// <see cref="Timeout"/>, allocate at most <see cref="AllocationCap"/> managed bytes, and end in a loaded model or a
/// <see cref="ModelPackageException"/> whose message is one line that starts with the file it names and is not the
/// last-resort "unexpected" wrapper. Anything else is reported as a problem (the test collects them).
/// </summary>
public static class LoadProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The tiny packages load with well under a megabyte; the largest hostile read allowed is the 16 MiB manifest cap.</summary>
    public const long AllocationCap = 48L << 20;

    public sealed record Result(bool Loaded, ModelPackageException? Error, long Allocated, TimeSpan Elapsed, string? Problem)
    {
        public string Message => Error?.Message ?? "(loaded)";
    }

    public static Result Run(string path, Action? onTimeout = null) => Run(() => DiT.Load(path), onTimeout);

    public static Result Run(Func<IDisposable> load, Action? onTimeout = null)
    {
        long before = GC.GetTotalAllocatedBytes(true);
        var clock = Stopwatch.StartNew();
        var task = Task.Run(load);
        if (Task.WaitAny(new Task[] { task }, Timeout) < 0)
        {
            onTimeout?.Invoke();
            return new Result(false, null, 0, clock.Elapsed, $"did not finish within {Timeout.TotalSeconds} s (hang)");
        }
        clock.Stop();
        long allocated = GC.GetTotalAllocatedBytes(true) - before;
        string? memory = allocated > AllocationCap ? $"allocated {allocated >> 20} MiB (cap {AllocationCap >> 20} MiB)" : null;
        if (task.Status == TaskStatus.RanToCompletion)
        {
            task.Result.Dispose();
            return new Result(true, null, allocated, clock.Elapsed, memory);
        }
        var e = task.Exception!.InnerException!;
        if (e is not ModelPackageException mpe)
            return new Result(false, null, allocated, clock.Elapsed, $"threw {e.GetType().FullName}: {e.Message}");
        string? problem = memory
            ?? (mpe.Message.IndexOfAny(new[] { '\r', '\n' }) >= 0 ? "message spans lines" : null)
            ?? (!mpe.Message.StartsWith(mpe.File + ": ", StringComparison.Ordinal) ? "message does not start with the file it names" : null)
            ?? (mpe.Message.Contains("unexpected", StringComparison.Ordinal) ? "reached the last-resort wrapper (no specific check)" : null);
        return new Result(false, mpe, allocated, clock.Elapsed, problem);
    }
}
