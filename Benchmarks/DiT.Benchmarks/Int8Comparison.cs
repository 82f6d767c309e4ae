using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using DiT.Training.Export;
using DiT.Training.Export.Int8;
using DiT.Training.Export.Onnx;
using DiTPlugin.Contract.Package;
using Microsoft.ML.OnnxRuntime;

namespace DiTPlugin.Benchmarks;

/// <summary>
/// `DiT.Benchmarks int8 [package folder]`: the fp32 DiT graph against int8 variants of it, timed side by side in one
/// run (round robin, so machine noise falls on all of them alike), with each variant's relative max error against
/// fp32. Variants: both kernels (standard ONNX ops, com.microsoft DynamicQuantizeMatMul) with the default float
/// layers and with every linear layer quantized, the default without the FastGelu fusion, then one layer kind at a
/// time, which gives each kind's share of the error and of the speed-up. A package folder adds the same error table for its dit.onnx. Not BenchmarkDotNet:
/// the point is ratios from one sitting, not absolute timings.
/// </summary>
internal static class Int8Comparison
{
    public static int Run(string[] args)
    {
        int rounds = 12;
        using var model = BenchModel.Create();
        var ds2 = DiTOnnxExporter.Build(model, new DiTExportOptions { Batch = 1 });
        Console.WriteLine($"DiT-S/2, 4x32x32, batch 1 (2 rows with CFG), ORT {OrtEnv.Instance().GetVersionString()}, {Environment.ProcessorCount} cores, {DateTime.UtcNow:u}");
        Compare(ds2, rounds, perKind: true, torchReference: model);
        if (args.Length > 1)
        {
            var pkg = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(args[1], PackageFiles.DiT)));
            Console.WriteLine($"\n{args[1]}");
            Compare(pkg, rounds, perKind: true, torchReference: null);
        }
        return 0;
    }

    /// <summary>
    /// <paramref name="torchReference"/>: the same weights' fp32 forward with guidance in TorchSharp (libtorch, the
    /// backend of PyTorch), timed in the same round robin: a same-run stand-in for the official PyTorch code.
    /// </summary>
    private static void Compare(ModelProto fp32, int rounds, bool perKind, global::DiT.Training.Model.DiTModel? torchReference)
    {
        var variants = new List<(string Name, ModelProto Model)> { ("fp32", fp32) };
        var none = new HashSet<LinearKind>();
        foreach (var k in new[] { Int8Kernel.Standard, Int8Kernel.Microsoft })
        {
            variants.Add(($"int8 {k}, default float layers", Int8GraphRewriter.Quantize(fp32, new Int8Options { Kernel = k })));
            variants.Add(($"int8 {k}, all linear layers", Int8GraphRewriter.Quantize(fp32, new Int8Options { Kernel = k, KeepFloat = none })));
        }
        variants.Add(("int8 Standard, default, GELU not fused", Int8GraphRewriter.Quantize(fp32, new Int8Options { FuseGelu = false })));
        variants.Add(("int8 Standard, default + attention matmuls", Int8GraphRewriter.Quantize(fp32, new Int8Options { QuantizeAttention = true })));
        if (perKind)
            foreach (var kind in Enum.GetValues<LinearKind>())
            {
                var others = Enum.GetValues<LinearKind>().Where(o => o != kind).ToHashSet();
                try { variants.Add(($"only {kind} int8", Int8GraphRewriter.Quantize(fp32, new Int8Options { KeepFloat = others }))); }
                catch (InvalidDataException) { }   // the graph has no layer of this kind
            }

        var inputsOf = Inputs(fp32);
        var sessions = variants.Select(v => new InferenceSession(DiTOnnxExporter.ToBytes(v.Model))).ToList();
        try
        {
            // Error: over three timesteps (noisy, middle, nearly clean), the worst relative max error of eps and v.
            var err = new double[variants.Count];
            foreach (var t in new[] { 999f, 500f, 20f })
            {
                var reference = RunOnce(sessions[0], inputsOf(t));
                for (int i = 1; i < sessions.Count; i++)
                {
                    var o = RunOnce(sessions[i], inputsOf(t));
                    for (int k = 0; k < o.Length; k++)
                    {
                        double maxRef = reference[k].Max(Math.Abs);
                        double maxDiff = o[k].Zip(reference[k], (a, b) => Math.Abs(a - b)).Max();
                        if (maxRef > 0) err[i] = Math.Max(err[i], maxDiff / maxRef);
                    }
                }
            }
            var times = variants.Select(_ => new List<double>()).ToList();
            var torchTimes = new List<double>();
            var inp = inputsOf(500f);
            foreach (var s in sessions) RunOnce(s, inp);   // warm-up
            Action? torchForward = torchReference is null ? null : TorchForward(torchReference, inp);
            torchForward?.Invoke();
            for (int r = 0; r < rounds; r++)
            {
                for (int i = 0; i < sessions.Count; i++)
                {
                    var sw = Stopwatch.StartNew();
                    RunOnce(sessions[i], inp);
                    times[i].Add(sw.Elapsed.TotalMilliseconds);
                }
                if (torchForward is null) continue;
                var tw = Stopwatch.StartNew();
                torchForward();
                torchTimes.Add(tw.Elapsed.TotalMilliseconds);
            }
            double baseMs = Median(times[0]);
            if (torchTimes.Count > 0)
            {
                double torchMs = Median(torchTimes);
                Console.WriteLine($"TorchSharp fp32 ForwardWithCfg, same weights, same run: {torchMs:F1} ms; ONNX fp32 {baseMs / torchMs:F2}x of it, " +
                                  $"int8 (default) {Median(times[1]) / torchMs:F2}x of it");
            }
            Console.WriteLine($"| variant | graph MB | median ms / forward | vs fp32 | relative max error vs fp32 |");
            Console.WriteLine("|---|---|---|---|---|");
            for (int i = 0; i < variants.Count; i++)
            {
                double ms = Median(times[i]);
                double mb = variants[i].Model.CalculateSize() / 1e6;
                Console.WriteLine($"| {variants[i].Name} | {mb:F1} | {ms:F1} | {ms / baseMs:F2}x | {(i == 0 ? "-" : err[i].ToString("E2"))} |");
            }
        }
        finally
        {
            foreach (var s in sessions) s.Dispose();
        }
    }

    /// <summary>One fp32 forward with guidance, as TorchSharpForwardBenchmark runs it: [x, x], [t, t], [y, null].</summary>
    private static Action TorchForward(global::DiT.Training.Model.DiTModel model, Dictionary<string, (Array Data, long[] Shape)> inp)
    {
        var cfg = model.Config;
        var x = TorchSharp.torch.tensor((float[])inp[GraphTensors.X].Data, inp[GraphTensors.X].Shape);
        var x2 = TorchSharp.torch.cat(new[] { x, x }, 0);
        float t = ((float[])inp[GraphTensors.T].Data)[0];
        var t2 = TorchSharp.torch.tensor(new[] { t, t });
        var y2 = TorchSharp.torch.tensor(new long[] { ((long[])inp[GraphTensors.Y].Data)[0], cfg.NumClasses });
        return () =>
        {
            using var _ = TorchSharp.torch.no_grad();
            model.ForwardWithCfg(x2, t2, y2, 4.0).Dispose();
        };
    }

    private static double Median(List<double> xs)
    {
        var s = xs.OrderBy(x => x).ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    /// <summary>Seeded inputs for the graph's declared shapes: x ~ N(0, 1), the timestep given, class 1, cfg 4.</summary>
    private static Func<float, Dictionary<string, (Array Data, long[] Shape)>> Inputs(ModelProto m)
    {
        long[] ShapeOf(string name) => m.Graph.Input.First(i => i.Name == name).Type.TensorType.Shape.Dim.Select(d => d.DimValue).ToArray();
        var xs = ShapeOf(GraphTensors.X);
        var rng = new Random(3);
        var x = new float[xs.Aggregate(1L, (a, d) => a * d)];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        long b = xs[0];
        return t => new Dictionary<string, (Array, long[])>
        {
            [GraphTensors.X] = (x, xs),
            [GraphTensors.T] = (Enumerable.Repeat(t, (int)b).ToArray(), new[] { b }),
            [GraphTensors.Y] = (Enumerable.Repeat(1L, (int)b).ToArray(), new[] { b }),
            [GraphTensors.CfgScale] = (new[] { 4f }, new long[] { 1 }),
        };
    }

    private static float[][] RunOnce(InferenceSession s, Dictionary<string, (Array Data, long[] Shape)> inputs)
    {
        var names = inputs.Keys.ToArray();
        var values = names.Select(n => inputs[n].Data switch
        {
            float[] f => OrtValue.CreateTensorValueFromMemory(f, inputs[n].Shape),
            long[] l => OrtValue.CreateTensorValueFromMemory(l, inputs[n].Shape),
            _ => throw new ArgumentException(n),
        }).ToArray();
        try
        {
            using var ro = new RunOptions();
            var outNames = s.OutputMetadata.Keys.ToArray();
            using var results = s.Run(ro, names, values, outNames);
            return results.Select(r => r.GetTensorDataAsSpan<float>().ToArray()).ToArray();
        }
        finally { foreach (var v in values) v.Dispose(); }
    }
}
