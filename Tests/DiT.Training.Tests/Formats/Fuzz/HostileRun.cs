using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NUnit.Framework;

namespace DiT.Training.Tests.Formats.Fuzz;

/// <summary>
/// Runs hostile inputs through a loader one at a time, each on its own thread with a time limit and a managed
/// allocation budget, and records what happened. Acceptable outcomes: a result, or an exception of a type the CLI
/// turns into one clear line (Program.cs) whose message names the input. Anything else (another exception type, a
/// message without the file name, a hang, a runaway allocation) is a failure; all failures are reported together.
/// </summary>
internal sealed class HostileRun
{
    /// <summary>What `dit` catches and prints as one line; everything else is a crash with a stack trace.</summary>
    public static readonly Type[] Documented =
    {
        typeof(InvalidDataException), typeof(ArgumentException), typeof(FileNotFoundException), typeof(DirectoryNotFoundException),
        typeof(NotSupportedException), typeof(UnauthorizedAccessException),
    };

    private readonly TimeSpan _limit;
    private readonly long _managedBudget;
    private readonly List<string> _failures = new();
    private readonly Dictionary<string, int> _outcomes = new();
    private readonly long _peakBefore;
    private TimeSpan _slowest;
    private string _slowestCase = "";

    public int Cases { get; private set; }

    /// <param name="limit">Per case. Generous against a loaded machine; real cases take milliseconds.</param>
    /// <param name="managedBudget">Managed bytes one case may allocate (the inputs are at most a few MB).</param>
    public HostileRun(TimeSpan? limit = null, long managedBudget = 256L << 20)
    {
        _limit = limit ?? TimeSpan.FromSeconds(20);
        _managedBudget = managedBudget;
        _peakBefore = PeakWorkingSet();
    }

    /// <summary>
    /// Runs <paramref name="load"/>; <paramref name="source"/> is the name the input was given (file path or
    /// in-memory source), which an InvalidDataException's message must contain.
    /// </summary>
    public void Case(string name, string source, Action load)
    {
        Cases++;
        long allocated = 0;
        var sw = Stopwatch.StartNew();
        // A dedicated thread: a hang must not block the test thread, and the allocation counter is per thread.
        var task = Task.Factory.StartNew(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try { load(); }
            finally { allocated = GC.GetAllocatedBytesForCurrentThread() - before; }
        }, TaskCreationOptions.LongRunning);
        bool finished;
        try { finished = task.Wait(_limit); }
        catch (AggregateException) { finished = true; }
        sw.Stop();
        if (sw.Elapsed > _slowest) (_slowest, _slowestCase) = (sw.Elapsed, name);
        if (!finished)
        {
            Fail(name, $"no result after {_limit.TotalSeconds:F0} s (hang or runaway work)");
            return;
        }
        var error = task.Exception?.InnerException;
        Count(error is null ? "loaded" : error.GetType().Name);
        if (error is not null && !Documented.Any(t => t.IsInstanceOfType(error)))
            Fail(name, $"{error.GetType().FullName} is not an error type the CLI reports: {error}");
        else if (error is InvalidDataException && !error.Message.Contains(source, StringComparison.Ordinal))
            Fail(name, $"the message does not name '{source}': {error.Message}");
        if (allocated > _managedBudget) Fail(name, $"allocated {allocated:N0} managed bytes (budget {_managedBudget:N0})");
    }

    private void Count(string key) => _outcomes[key] = _outcomes.GetValueOrDefault(key) + 1;

    private void Fail(string name, string what)
    {
        if (_failures.Count < 25) _failures.Add($"{name}: {what}");
        else if (_failures.Count == 25) _failures.Add("… (more failures not listed)");
    }

    /// <summary>
    /// Prints the tally and fails with every recorded failure. The process's peak working set must not have grown
    /// by more than <paramref name="nativeBudgetBytes"/>: native (torch) memory is not in the managed counter, and a
    /// loader that trusted a size from the file would show up here.
    /// </summary>
    public void AssertClean(int minimumRefused = 0, long nativeBudgetBytes = 1L << 30)
    {
        long growth = PeakWorkingSet() - _peakBefore;
        TestContext.Out.WriteLine($"{Cases} cases: {string.Join(", ", _outcomes.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}"))}; " +
                                  $"slowest {_slowest.TotalMilliseconds:F0} ms ({_slowestCase}); peak working set +{growth >> 20} MB");
        Assert.That(_failures, Is.Empty, string.Join(Environment.NewLine, _failures));
        Assert.That(growth, Is.LessThan(nativeBudgetBytes), "peak working set growth");
        int refused = Cases - _outcomes.GetValueOrDefault("loaded");
        Assert.That(refused, Is.GreaterThanOrEqualTo(minimumRefused), "the corpus should mostly be refused; otherwise the mutations are too weak to test anything");
    }

    private static long PeakWorkingSet()
    {
        using var p = Process.GetCurrentProcess();
        return p.PeakWorkingSet64;
    }
}
