using System.Collections.Generic;
using System.Linq;
using DiT.Training.Export;
using DiT.Training.Model;
using Microsoft.ML.OnnxRuntime;
using NUnit.Framework;
using static DiT.Training.Tests.Export.OnnxTestUtil;

namespace DiT.Training.Tests.Export;

/// <summary>Class mixing in the graph: (1 − w)·E[y] + w·E[y_mix]; w = 0 is y and w = 1 is y_mix, bit for bit.</summary>
public class ClassMixGraphTests
{
    private static float[] Run(InferenceSession s, Inputs inp, long[] yMix, float w)
    {
        var b = inp.Y.Length;
        using var x = OrtValue.CreateTensorValueFromMemory(inp.X, inp.XShape);
        using var t = OrtValue.CreateTensorValueFromMemory(inp.T, new long[] { b });
        using var y = OrtValue.CreateTensorValueFromMemory(inp.Y, new long[] { b });
        using var c = OrtValue.CreateTensorValueFromMemory(new[] { 4f }, new long[] { 1 });
        using var u = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(inp.NullClass, b).ToArray(), new long[] { b });
        using var ym = OrtValue.CreateTensorValueFromMemory(yMix, new long[] { b });
        using var mw = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(w, b).ToArray(), new long[] { b });
        var inputs = new Dictionary<string, OrtValue> { ["x"] = x, ["t"] = t, ["y"] = y, ["cfg_scale"] = c, ["y_uncond"] = u, ["y_mix"] = ym, ["mix"] = mw };
        using var ro = new RunOptions();
        using var outs = s.Run(ro, inputs, new[] { "eps" });
        return outs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [TestCase(false)]
    [TestCase(true)]
    public void WeightZeroIsTheClassAndOneIsTheMixedInClass(bool fp16)
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        using var mixing = Session(DiTOnnxExporter.ToBytes(DiTOnnxExporter.Build(model, new DiTExportOptions { Batch = 2, Fp16 = fp16 })));
        using var plain = Session(DiTOnnxExporter.ToBytes(DiTOnnxExporter.Build(model, new DiTExportOptions { Batch = 2, Fp16 = fp16, ClassMixInput = false })));
        var inp = RandomInputs(model.Config, 2) with { Y = new long[] { 1, 3 } };
        long[] other = { 2, 0 };
        var a = RunOrt(plain, inp, 4f).Eps;
        var b = RunOrt(plain, inp with { Y = other }, 4f).Eps;
        Assert.That(Run(mixing, inp, other, 0f), Is.EqualTo(a), "w = 0: the requested class, as a graph without mixing");
        Assert.That(Run(mixing, inp, other, 1f), Is.EqualTo(b), "w = 1: the mixed-in class");
        var half = Run(mixing, inp, other, 0.5f);
        Assert.That(MaxAbs(half, a), Is.GreaterThan(1e-4));
        Assert.That(MaxAbs(half, b), Is.GreaterThan(1e-4));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AnOlderGraphUpgradedComputesWhatTheFreshExportDoes(bool fp16)
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var old = DiTOnnxExporter.Build(model, new DiTExportOptions { Batch = 2, Fp16 = fp16, UnconditionalLabelInput = false, ClassMixInput = false });
        var upgraded = GuidanceInputsUpgrade.TakeMixInputs(GuidanceInputsUpgrade.TakeLabelsAsInput(old, "dit.onnx"), "dit.onnx");
        using var a = Session(DiTOnnxExporter.ToBytes(upgraded));
        using var b = Session(DiTOnnxExporter.ToBytes(DiTOnnxExporter.Build(model, new DiTExportOptions { Batch = 2, Fp16 = fp16 })));
        var inp = RandomInputs(model.Config, 2) with { Y = new long[] { 1, 3 } };
        foreach (float w in new[] { 0f, 0.3f, 1f })
            Assert.That(Run(a, inp, new long[] { 2, 0 }, w), Is.EqualTo(Run(b, inp, new long[] { 2, 0 }, w)), $"w = {w}");
        Assert.That(a.InputMetadata.Keys, Is.EqualTo(b.InputMetadata.Keys));
        Assert.Throws<System.IO.InvalidDataException>(() => GuidanceInputsUpgrade.TakeMixInputs(upgraded, "dit.onnx"), "only once");
    }
}
