using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using NUnit.Framework;

namespace DiT.Training.Tests.Distributed;

/// <summary>
/// Starts this test assembly's <see cref="DistributedTestHost"/> under mpirun on this machine, over loopback only,
/// with one torch thread per rank, bounded by a timeout. Ignores the calling test when Open MPI is not installed.
/// </summary>
internal static class MpiLauncher
{
    public sealed record Result(int ExitCode, string Output, TimeSpan Elapsed);

    public static string RequireMpirun()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "mpirun");
            if (File.Exists(candidate)) return candidate;
        }
        const string reason = "mpirun is not installed (apt-get install openmpi-bin libopenmpi-dev); the 2-rank tests run in CI, where .ci/run installs it.";
        TestContext.Out.WriteLine(reason);
        Assert.Ignore(reason);
        return "";
    }

    public static Result Run(int ranks, string hostArgs, TimeSpan timeout)
    {
        var mpirun = RequireMpirun();
        var dll = Path.Combine(AppContext.BaseDirectory, "DiT.Training.Tests.dll");
        string program = $"\"{DotnetHost()}\" \"{dll}\"";
        var psi = new ProcessStartInfo(mpirun,
            $"-np {ranks} --oversubscribe --mca btl self,tcp --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo " +
            $"-x OMP_NUM_THREADS=1 {program} dist-host {hostArgs}")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["OMP_NUM_THREADS"] = "1";
        psi.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";             // CI runs as root
        psi.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        var output = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            Assert.Fail($"mpirun did not finish within {timeout.TotalSeconds} s (the job hangs). Output:\n{output}");
        }
        p.WaitForExit();                                               // drains the redirected streams
        string text;
        lock (output) text = output.ToString();
        TestContext.Out.WriteLine($"mpirun -np {ranks} ... dist-host {hostArgs}: exit {p.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s\n{text}");
        return new Result(p.ExitCode, text, clock.Elapsed);
    }

    /// <summary>The dotnet executable running these tests (the test host runs under it), else the one on PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h && File.Exists(h)) return h;
        if (Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet") return p;
        return "dotnet";
    }

    public static float[] ReadParams(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var floats = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, floats, 0, bytes.Length);
        return floats;
    }
}
