using DiT.Training.Bench;
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using DiTPlugin.Contract.Package;
using Microsoft.ML.OnnxRuntime;

namespace DiTPlugin.Benchmarks.PluginRun;

/// <summary>
/// `plugin-one`: one generation through the Plugin's public API, as a game does it (DiT.Load, CreateJob, Step until
/// done), in a process of its own so that VmHWM is this run's peak alone. Prints one RESULT line of JSON for the
/// `plugin` driver. Nothing here touches TorchSharp, so libtorch is never loaded into this process.
/// </summary>
internal static class PluginGeneration
{
    public sealed record Result(string Package, string Precision, string Graph, long GraphBytes, string? Decoder, long DecoderBytes,
        int Steps, int Images, double LoadSeconds, double FirstStepMs, double MedianStepMs, double DecodeMs, double TotalSeconds,
        double ImagesPerSecond, long BaselineRssBytes, long PeakAfterLoadBytes, long PeakBytes);

    public static int Run(string[] args)
    {
        string package = BenchPackageMaker.Arg(args, "--package") ?? throw new ArgumentException("plugin-one needs --package PKG.");
        string precision = BenchPackageMaker.Arg(args, "--precision") ?? "fp32";
        int steps = int.Parse(BenchPackageMaker.Arg(args, "--steps") ?? "25");
        int images = int.Parse(BenchPackageMaker.Arg(args, "--images") ?? "1");
        var wanted = Precisions.Parse(precision);
        bool fp16 = wanted == Precision.Fp16;

        // The runtime before any package: .NET plus ONNX Runtime's native library and environment.
        _ = OrtEnv.Instance().GetAvailableProviders();
        long baseline = ProcStatus.RssBytes;

        var load = Stopwatch.StartNew();
        using var dit = DiT.Load(package, new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu, Precision = wanted });
        double loadSeconds = load.Elapsed.TotalSeconds;
        long peakAfterLoad = ProcStatus.PeakRssBytes;

        var m = dit.Manifest;
        // The graph that runs (DiT.Precision), not the one asked for: a package without it runs another.
        var g = m.Graphs.First(x => x.Role == GraphRole.DiT && x.Precision == dit.Precision);
        // The decoder the Plugin runs: the preferred precision when the package has it (as LatentDecoder chooses).
        var decoders = m.Input.Space == InputSpace.Latent ? m.DecoderGraphs(false) : new List<GraphInfo>();
        var want = fp16 ? Precision.Fp16 : Precision.Fp32;
        var decoder = (decoders.FirstOrDefault(d => d.Precision == want) ?? decoders.FirstOrDefault())?.File;
        long Size(string? f) => f is null ? 0 : new FileInfo(Path.Combine(package, f)).Length;

        var job = dit.CreateJob(new GenerationOptions
        {
            ClassIds = Enumerable.Range(0, images).Select(i => (207 + i) % dit.Classes.Count).ToArray(),
            Steps = steps,
            Sampler = SamplerKind.DpmSolverPlusPlus2M,
            CfgScale = 4f,
            Seed = 1,
        });
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (!job.IsCompleted)
        {
            var s = Stopwatch.StartNew();
            job.Step();
            times.Add(s.Elapsed.TotalMilliseconds);
        }
        double totalSeconds = total.Elapsed.TotalSeconds;
        // Each image's last step also decodes it; the steps in between are pure graph runs plus the sampler update.
        var plain = times.Where((_, i) => i > 0 && (i + 1) % steps != 0).OrderBy(t => t).ToList();
        double median = plain.Count > 0 ? plain[plain.Count / 2] : times[0];
        double decode = times.Where((_, i) => (i + 1) % steps == 0).Average() - median;

        // The graph's weights: its file plus its external data file when it has one.
        var r = new Result(package, g.Precision.ToString().ToLowerInvariant(), g.File, Size(g.File) + Size(g.DataFile), decoder, Size(decoder), steps, images, loadSeconds,
            times[0], median, decode, totalSeconds, images / totalSeconds, baseline, peakAfterLoad, ProcStatus.PeakRssBytes);
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(r));
        return 0;
    }
}
