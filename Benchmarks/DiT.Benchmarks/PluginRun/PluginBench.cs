using DiT.Training.Bench;
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using DiTPlugin.Contract.Package;

namespace DiTPlugin.Benchmarks.PluginRun;

/// <summary>
/// `plugin --package PKG`: the Plugin benchmark. Runs one generation per graph precision the package has, each in a
/// child process (`plugin-one`) so that each peak resident memory is its own, and with `--torch-weights FILE` times
/// an independent PyTorch forward (Benchmarks/torch_reference/dit_forward_bench.py, python3-torch) on the same
/// weights in the same run, so the ratio is measured side by side under the same machine load.
/// </summary>
internal static class PluginBench
{
    public static int Run(string[] args)
    {
        string package = BenchPackageMaker.Arg(args, "--package") ?? throw new ArgumentException("plugin needs --package PKG (a package folder).");
        string steps = BenchPackageMaker.Arg(args, "--steps") ?? "25";
        string images = BenchPackageMaker.Arg(args, "--images") ?? "1";
        string? torchWeights = BenchPackageMaker.Arg(args, "--torch-weights");
        string torchIters = BenchPackageMaker.Arg(args, "--torch-iters") ?? "3";
        var manifest = DiTPlugin.Runtime.ModelPackage.ReadManifest(package);
        var precisions = (BenchPackageMaker.Arg(args, "--precision")?.Split(',') ??
                          manifest.Graphs.Where(g => g.Role == GraphRole.DiT).Select(g => g.Precision.ToString().ToLowerInvariant()).Distinct()).ToList();

        Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} logical CPUs, {CpuName()}");
        Console.WriteLine($"package {package}: {manifest.Name}, {manifest.Input.Size}x{manifest.Input.Size} input, precisions {string.Join(", ", precisions)}");
        var results = new List<PluginGeneration.Result>();
        foreach (var p in precisions)
        {
            var line = ResultChild.Run(SelfCommand().Concat(new[] { "plugin-one", "--package", package, "--precision", p, "--steps", steps, "--images", images }).ToList(), Echo);
            var r = JsonSerializer.Deserialize<PluginGeneration.Result>(line)!;
            results.Add(r);
            long weights = r.GraphBytes + r.DecoderBytes;
            double overhead = r.BaselineRssBytes;
            Console.WriteLine($"  {p}: load {r.LoadSeconds:F2} s; first step {r.FirstStepMs:F0} ms, median step {r.MedianStepMs:F0} ms, {(r.Decoder is null ? "no decode" : $"decode {r.DecodeMs:F0} ms")}; " +
                              $"{r.TotalSeconds:F1} s for {r.Images} image(s) of {r.Steps} steps = {r.ImagesPerSecond:F4} images/s");
            Console.WriteLine($"       weights run: {r.Graph} {r.GraphBytes / 1e6:F0} MB + {r.Decoder ?? "no decoder"} {r.DecoderBytes / 1e6:F0} MB; " +
                              $"runtime before load {ProcStatus.Mb(r.BaselineRssBytes)}; peak after load {ProcStatus.Mb(r.PeakAfterLoadBytes)}; " +
                              $"peak {ProcStatus.Mb(r.PeakBytes)} = {(r.PeakBytes - overhead) / weights:F2}x weights + the runtime");
        }
        if (torchWeights != null)
        {
            var line = TorchReference.Run("dit_forward_bench.py",
                new[] { "--weights", torchWeights, "--iters", torchIters, "--threads", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture) }, Echo);
            using var doc = JsonDocument.Parse(line);
            double ms = doc.RootElement.GetProperty("ms_per_cfg_forward").GetDouble();
            Console.WriteLine($"  PyTorch {doc.RootElement.GetProperty("torch").GetString()} fp32 reference forward (batch 2, CFG): {ms:F0} ms " +
                              $"(median of {torchIters}; peak {ProcStatus.Mb(doc.RootElement.GetProperty("peak_rss_bytes").GetInt64())})");
            foreach (var r in results)
                Console.WriteLine($"  Plugin {r.Precision} step / PyTorch fp32 forward = {r.MedianStepMs / ms:F2}x");
        }
        return 0;
    }

    /// <summary>How to start this program again: its apphost, or `dotnet DiT.Benchmarks.dll`.</summary>
    private static string[] SelfCommand()
    {
        string exe = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(exe) == "dotnet" ? new[] { exe, Assembly.GetExecutingAssembly().Location } : new[] { exe };
    }

    /// <summary>A child's own output lines, indented under the report.</summary>
    private static void Echo(string line) => Console.WriteLine("    | " + line);

    private static string CpuName()
    {
        try { return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown CPU"; }
        catch (IOException) { return "unknown CPU"; }
    }
}
