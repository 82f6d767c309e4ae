using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using DiT.Training.Export;
using DiT.Training.Export.Int8;
using DiT.Training.Export.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace DiTPlugin.Benchmarks;

/// <summary>
/// `DiT.Benchmarks int8-profile`: where a DiT-S/2 forward's time goes, by op type (ONNX Runtime's own profiler, 10
/// forwards after a warm-up), in the fp32 graph and in the int8 graph of either kernel: it shows what int8 leaves in
/// float, and the op names show what ONNX Runtime fused the standard ops into.
/// </summary>
internal static class Int8Profile
{
    public static int Run(string[] args)
    {
        var fp32 = DiTOnnxExporter.Build(BenchModel.Create(), new DiTExportOptions { Batch = 1 });
        foreach (var (name, model) in new[]
        {
            ("fp32", fp32),
            ("int8, standard ops", Int8GraphRewriter.Quantize(fp32, new Int8Options { Kernel = Int8Kernel.Standard })),
            ("int8, com.microsoft DynamicQuantizeMatMul", Int8GraphRewriter.Quantize(fp32, new Int8Options { Kernel = Int8Kernel.Microsoft })),
        })
        {
            var byOp = Profile(model, 10);
            double total = byOp.Values.Sum();
            Console.WriteLine($"\n{name}: {total / 10 / 1000:F1} ms of kernel time per forward");
            Console.WriteLine("| op | ms / forward | share |");
            Console.WriteLine("|---|---|---|");
            foreach (var (op, us) in byOp.OrderByDescending(kv => kv.Value).Take(12))
                Console.WriteLine($"| {op} | {us / 10 / 1000:F2} | {us / total:P0} |");
        }
        return 0;
    }

    private static Dictionary<string, double> Profile(ModelProto model, int runs)
    {
        string prefix = Path.Combine(Path.GetTempPath(), $"dit-int8-profile-{Guid.NewGuid():N}");
        using var so = new SessionOptions { EnableProfiling = true, ProfileOutputPathPrefix = prefix };
        using var session = new InferenceSession(DiTOnnxExporter.ToBytes(model), so);
        var x = new float[1 * 4 * 32 * 32];
        var rng = new Random(3);
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        using var xv = OrtValue.CreateTensorValueFromMemory(x, new long[] { 1, 4, 32, 32 });
        using var tv = OrtValue.CreateTensorValueFromMemory(new[] { 500f }, new long[] { 1 });
        using var yv = OrtValue.CreateTensorValueFromMemory(new[] { 1L }, new long[] { 1 });
        using var sv = OrtValue.CreateTensorValueFromMemory(new[] { 4f }, new long[] { 1 });
        var inputs = new Dictionary<string, OrtValue> { ["x"] = xv, ["t"] = tv, ["y"] = yv, ["cfg_scale"] = sv };
        using var ro = new RunOptions();
        session.Run(ro, inputs, new[] { "eps" }).Dispose();   // warm-up, dropped below
        for (int i = 0; i < runs; i++) session.Run(ro, inputs, new[] { "eps" }).Dispose();
        string file = session.EndProfiling();
        var byOp = new Dictionary<string, double>();
        using (var doc = JsonDocument.Parse(File.ReadAllText(file)))
        {
            var nodes = doc.RootElement.EnumerateArray()
                .Where(e => e.GetProperty("cat").GetString() == "Node" && e.GetProperty("name").GetString()!.EndsWith("_kernel_time"))
                .ToList();
            int perRun = nodes.Count / (runs + 1);
            foreach (var e in nodes.Skip(perRun))
            {
                string op = e.GetProperty("args").GetProperty("op_name").GetString()!;
                byOp[op] = byOp.GetValueOrDefault(op) + e.GetProperty("dur").GetDouble();
            }
        }
        File.Delete(file);
        return byOp;
    }
}
