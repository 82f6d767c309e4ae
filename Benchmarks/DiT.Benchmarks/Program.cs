using System;
using System.IO;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace DiTPlugin.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        // Side-by-side int8 tables (ratios from one sitting), not BenchmarkDotNet runs.
        if (args.Length > 0 && args[0] == "int8") return Int8Comparison.Run(args);
        if (args.Length > 0 && args[0] == "int8-quality") return Int8Quality.Run(args);
        if (args.Length > 0 && args[0] == "int8-profile") return Int8Profile.Run(args);
        // Plugin runs outside BenchmarkDotNet: one generation per process, so peak memory is that run's own.
        if (args.Length > 0 && args[0] == "plugin") return PluginRun.PluginBench.Run(args[1..]);
        if (args.Length > 0 && args[0] == "plugin-one") return PluginRun.PluginGeneration.Run(args[1..]);
        if (args.Length > 0 && args[0] == "make-package") return PluginRun.BenchPackageMaker.Run(args[1..]);
        if (args.Length > 0 && args[0] == "profile") return PluginRun.OrtOpProfile.Run(args[1..]);
        // In-process toolchain as a *mutator* job: it is applied to every job, the default one and any given on the
        // command line (--job dry, --job short, ...). BenchmarkDotNet's usual out-of-process toolchain would rebuild
        // this project in a child without the TorchSharp settings of this csproj (linux-x64 RuntimeIdentifier,
        // SelfContained=false, the libLibTorchSharp.so patch of Directory.Build.targets). An [InProcess] attribute
        // would instead add a second, full job next to a command-line --job, so it is not used.
        // The 30-minute timeout covers a slow benchmark case (the executor's default is 5 minutes).
        var inProcess = Job.Default
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: true))
            .AsMutator();
        var config = DefaultConfig.Instance
            .AddJob(inProcess)
            .WithArtifactsPath(ArtifactsPath());
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        foreach (var s in summaries)
            if (s.HasCriticalValidationErrors || s.Reports.Length == 0 || !AllSucceeded(s)) return 1;
        return 0;
    }

    private static bool AllSucceeded(BenchmarkDotNet.Reports.Summary s)
    {
        foreach (var r in s.Reports) if (!r.Success) return false;
        return true;
    }

    /// <summary>Benchmarks/BenchmarkDotNet.Artifacts in a checkout (ignored by git), else BenchmarkDotNet's default.</summary>
    private static string ArtifactsPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DiTPlugin.sln")) && Directory.Exists(Path.Combine(dir.FullName, "Benchmarks")))
                return Path.Combine(dir.FullName, "Benchmarks", "BenchmarkDotNet.Artifacts");
        return Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkDotNet.Artifacts");
    }
}
