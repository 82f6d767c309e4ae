using System.Linq;
using DiT.Training.Export;
using DiT.Training.Model;
using NUnit.Framework;
using static DiT.Training.Tests.Export.OnnxTestUtil;

namespace DiT.Training.Tests.Export;

/// <summary>The y_uncond input: ε = ε_B + s·(ε_y − ε_B) with B in the unconditional half, and the null class as before.</summary>
public class NegativeGuidanceGraphTests
{
    [Test]
    public void GuidanceAwayFromBIsEpsBPlusScaleTimesTheDifference()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var graph = DiTOnnxExporter.ToBytes(DiTOnnxExporter.Build(model, new DiTExportOptions { Batch = 2 }));
        using var session = Session(graph);
        var inp = RandomInputs(model.Config, 2) with { Y = new long[] { 1, 3 } };
        long[] b = { 2, 0 };
        // s = 1 returns the conditional half alone: ε_y, and with y := B, ε_B.
        var (epsY, _) = RunOrt(session, inp, 1f);
        var (epsB, _) = RunOrt(session, inp with { Y = b }, 1f);
        const float s = 3.5f;
        var (guided, _) = RunOrt(session, inp, s, yUncond: b);
        var expected = epsB.Zip(epsY, (u, c) => u + s * (c - u)).ToArray();
        Assert.That(MaxAbs(guided, expected) / MaxAbs(expected), Is.LessThan(1e-5));
        Assert.That(MaxAbs(guided, RunOrt(session, inp, s).Eps), Is.GreaterThan(1e-4), "not the null class's guidance");

        // Fed the null class, the input graph is the constant graph, bit for bit.
        using var old = Session(DiTOnnxExporter.ToBytes(DiTOnnxExporter.Build(model, new DiTExportOptions { Batch = 2, UnconditionalLabelInput = false, ClassMixInput = false })));
        Assert.That(RunOrt(session, inp, s).Eps, Is.EqualTo(RunOrt(old, inp, s).Eps));
        Assert.That(old.InputMetadata.Keys, Does.Not.Contain("y_uncond"));
    }

    [Test]
    public void AModelWithoutANullClassHasNoUnconditionalHalfAndNoInput()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero) with { ClassDropoutProb = 0 });
        using var session = Session(DiTOnnxExporter.ToBytes(DiTOnnxExporter.Build(model)));
        Assert.That(session.InputMetadata.Keys, Is.EqualTo(new[] { "x", "t", "y", "cfg_scale", "y_mix", "mix" }), "no y_uncond; mixing still applies");
    }
}
