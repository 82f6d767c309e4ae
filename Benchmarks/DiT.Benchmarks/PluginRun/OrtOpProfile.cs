using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace DiTPlugin.Benchmarks.PluginRun;

/// <summary>
/// `profile --graph FILE`: where a graph's time goes on the CPU, per operator type, from ONNX Runtime's own profiler.
/// The session is set up as the Plugin sets up a CPU session (prepacking off), the graph is read by path (so external
/// data resolves beside it), inputs are random with the graph's shapes, and the last of --runs runs is reported.
/// </summary>
internal static class OrtOpProfile
{
    public static int Run(string[] args)
    {
        string graph = BenchPackageMaker.Arg(args, "--graph") ?? throw new ArgumentException("profile needs --graph FILE.onnx.");
        int runs = int.Parse(BenchPackageMaker.Arg(args, "--runs") ?? "2");
        using var options = new SessionOptions { EnableProfiling = true, ProfileOutputPathPrefix = Path.Combine(Path.GetTempPath(), "dit-ort-profile") };
        options.AddSessionConfigEntry("session.disable_prepacking", "1");
        using var session = new InferenceSession(graph, options);
        var rng = new Random(0);
        var inputs = session.InputMetadata.Select(kv =>
        {
            var shape = kv.Value.Dimensions.Select(d => (long)d).ToArray();
            long n = shape.Aggregate(1L, (a, b) => a * b);
            if (kv.Value.ElementType == typeof(long))
                return (kv.Key, Value: OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(207L, (int)n).ToArray(), shape));
            var f = new float[n];
            for (long i = 0; i < n; i++) f[i] = kv.Key == "t" ? 500f : kv.Key == "cfg_scale" ? 4f : (float)(rng.NextDouble() * 2 - 1);
            return (kv.Key, Value: OrtValue.CreateTensorValueFromMemory(f, shape));
        }).ToList();
        var outputs = session.OutputMetadata.Keys.ToArray();
        var times = new List<double>();
        using (var ro = new RunOptions())
            for (int r = 0; r < runs; r++)
            {
                var s = Stopwatch.StartNew();
                using var res = session.Run(ro, inputs.Select(i => i.Key).ToArray(), inputs.Select(i => i.Value).ToArray(), outputs);
                times.Add(s.Elapsed.TotalMilliseconds);
            }
        string file = session.EndProfiling();
        foreach (var i in inputs) i.Value.Dispose();

        // Node events in run order: the last run is the last 1/runs of them (the first run also plans and allocates).
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var nodes = doc.RootElement.EnumerateArray()
            .Where(e => e.GetProperty("cat").GetString() == "Node" && e.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal))
            .Select(e => (Op: e.GetProperty("args").GetProperty("op_name").GetString()!, Us: e.GetProperty("dur").GetInt64()))
            .ToList();
        int perRun = nodes.Count / Math.Max(1, runs);
        var last = nodes.Skip(nodes.Count - perRun).ToList();
        double total = last.Sum(n => n.Us) / 1000.0;
        Console.WriteLine($"{graph}: runs {string.Join(", ", times.Select(t => $"{t:F0} ms"))}; last run's kernels {total:F0} ms over {perRun} nodes");
        foreach (var g in last.GroupBy(n => n.Op).Select(g => (Op: g.Key, Ms: g.Sum(n => n.Us) / 1000.0, Count: g.Count())).OrderByDescending(g => g.Ms).Take(12))
            Console.WriteLine($"  {g.Op,-28} {g.Ms,9:F1} ms  {100 * g.Ms / total,5:F1}%  ({g.Count} nodes)");
        File.Delete(file);
        return 0;
    }
}
