using DiTPlugin.Contract.Package;
using System;
using System.Collections.Generic;
using System.Linq;
using DiT.Training.Export;
using DiT.Training.Export.Onnx;
using DiT.Training.Model;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Export;

/// <summary>Tiny DiTs with every weight non-zero, ORT runs of exported graphs, and the TorchSharp reference.</summary>
internal static class OnnxTestUtil
{
    public static DiTConfig Tiny(BlockType block, int patch = 2, int size = 8, int channels = 4, bool learnSigma = true,
        double dropout = 0.1) => new()
    {
        Depth = 2, HiddenSize = 32, NumHeads = 4, PatchSize = patch, InputSize = size, InChannels = channels, NumClasses = 5,
        LearnSigma = learnSigma, Block = block, ClassDropoutProb = dropout,
    };

    /// <summary>A model whose zero-initialised layers (adaLN-Zero modulations, final layer) are perturbed too.</summary>
    public static DiTModel RandomModel(DiTConfig cfg, ulong seed = 1)
    {
        var model = new DiTModel(cfg);
        model.eval();
        var gen = new Generator(seed);
        using var _ = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            using var noise = randn(p.shape, generator: gen) * 0.05;
            p.add_(noise);
        }
        return model;
    }

    /// <summary>A graph's inputs; <paramref name="NullClass"/> feeds y_uncond (graphs that take it) for plain guidance.</summary>
    public sealed record Inputs(float[] X, float[] T, long[] Y, long[] XShape, long NullClass = -1);

    public static Inputs RandomInputs(DiTConfig cfg, int batch, ulong seed = 7)
    {
        var gen = new Generator(seed);
        using var x = randn(new long[] { batch, cfg.InChannels, cfg.InputSize, cfg.InputSize }, generator: gen);
        using var t = randint(0, 1000, new long[] { batch }, generator: gen, dtype: float32);
        // Include the largest timestep, where the sinusoid's argument is largest.
        var tArr = t.data<float>().ToArray();
        tArr[0] = 999;
        using var y = randint(0, cfg.NumClasses, new long[] { batch }, generator: gen, dtype: int64);
        return new Inputs(x.data<float>().ToArray(), tArr, y.data<long>().ToArray(), x.shape, cfg.NumClasses);
    }

    /// <summary>TorchSharp reference: (eps, v) as the package defines them, from DiTModel.ForwardWithCfg.</summary>
    public static (float[] Eps, float[] V) Reference(DiTModel model, Inputs inp, double cfgScale, int? guidedChannels)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var cfg = model.Config;
        int b = inp.T.Length, c = cfg.InChannels;
        var x = tensor(inp.X, inp.XShape);
        var t = tensor(inp.T);
        var y = tensor(inp.Y);
        Tensor outp;
        if (cfg.ClassDropoutProb > 0)
        {
            var x2 = cat(new[] { x, x }, 0);
            var t2 = cat(new[] { t, t }, 0);
            var y2 = cat(new[] { y, full(b, model.Labels.NullClass, dtype: int64) }, 0);
            outp = model.ForwardWithCfg(x2, t2, y2, cfgScale, guidedChannels)[..b];
        }
        else outp = model.forward(x, t, y);
        var eps = outp[.., ..c].contiguous().data<float>().ToArray();
        var v = cfg.LearnSigma ? outp[.., c..(2 * c)].contiguous().data<float>().ToArray() : new float[eps.Length];
        return (eps, v);
    }

    /// <param name="yUncond">The unconditional half's labels for graphs that take them; null: the null class (plain guidance).</param>
    public static (float[] Eps, float[] V) RunOrt(InferenceSession session, Inputs inp, float cfgScale, long[]? yUncond = null)
    {
        using var x = OrtValue.CreateTensorValueFromMemory(inp.X, inp.XShape);
        using var t = OrtValue.CreateTensorValueFromMemory(inp.T, new long[] { inp.T.Length });
        using var y = OrtValue.CreateTensorValueFromMemory(inp.Y, new long[] { inp.Y.Length });
        using var s = OrtValue.CreateTensorValueFromMemory(new[] { cfgScale }, new long[] { 1 });
        var inputs = new Dictionary<string, OrtValue> { ["x"] = x, ["t"] = t, ["y"] = y, ["cfg_scale"] = s };
        using var u = session.InputMetadata.ContainsKey(GraphTensors.YUncond)
            ? OrtValue.CreateTensorValueFromMemory(yUncond ?? Enumerable.Repeat(inp.NullClass, inp.Y.Length).ToArray(), new long[] { inp.Y.Length })
            : null;
        if (u != null) inputs[GraphTensors.YUncond] = u;
        // Class mixing off: y_mix = y with weight 0 (the graph then computes E[y] exactly).
        using var ym = session.InputMetadata.ContainsKey(GraphTensors.YMix) ? OrtValue.CreateTensorValueFromMemory(inp.Y.ToArray(), new long[] { inp.Y.Length }) : null;
        using var mw = session.InputMetadata.ContainsKey(GraphTensors.Mix) ? OrtValue.CreateTensorValueFromMemory(new float[inp.Y.Length], new long[] { inp.Y.Length }) : null;
        if (ym != null) { inputs[GraphTensors.YMix] = ym; inputs[GraphTensors.Mix] = mw!; }
        using var ro = new RunOptions();
        using var outs = session.Run(ro, inputs, new[] { "eps", "v" });
        return (outs[0].GetTensorDataAsSpan<float>().ToArray(), outs[1].GetTensorDataAsSpan<float>().ToArray());
    }

    /// <summary>
    /// Two graphs of one model (e.g. an fp32 graph and its rewrite) run on the same random inputs (batch 2, cfg 4):
    /// max |other − reference| / max |reference| over eps and over v.
    /// </summary>
    public static (double Eps, double V) RelativeForwardError(ModelProto reference, ModelProto other, DiTConfig cfg)
    {
        var inp = RandomInputs(cfg, 2);
        using var a = Session(DiTOnnxExporter.ToBytes(reference));
        using var b = Session(DiTOnnxExporter.ToBytes(other));
        var (ea, va) = RunOrt(a, inp, 4f);
        var (eb, vb) = RunOrt(b, inp, 4f);
        return (MaxAbs(eb, ea) / MaxAbs(ea), MaxAbs(vb, va) / MaxAbs(va));
    }

    public static InferenceSession Session(byte[] onnx)
    {
        using var so = new SessionOptions { IntraOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        return new InferenceSession(onnx, so);
    }

    public static double MaxAbs(float[] a, float[] b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"length {a.Length} vs {b.Length}");
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs((double)a[i] - b[i]));
        return m;
    }

    /// <summary>Same graph input or output: name, element type and static shape.</summary>
    public static bool SameSpec(OnnxValue a, OnnxValue b) => a.Name == b.Name && a.Type == b.Type && a.Shape.SequenceEqual(b.Shape);

    public static double MaxAbs(float[] a) => a.Length == 0 ? 0 : a.Max(v => Math.Abs((double)v));
}
