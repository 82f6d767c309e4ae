using System;
using System.Linq;
using DiTPlugin.Sampling;
using DiTPlugin.TestSupport;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>Seamless tiling: the roll itself, its recipe, and the seam of real textures from the shipped model.</summary>
public class SeamlessTests
{
    [Test]
    public void RollMatchesTheDefinitionAndUndoesItself()
    {
        // 1 channel 3x3: 0 1 2 / 3 4 5 / 6 7 8; rolled by (dy 1, dx 2): dest[y, x] = src[(y+1)%3, (x+2)%3].
        var src = Enumerable.Range(0, 9).Select(i => (float)i).ToArray();
        var dst = new float[9];
        SeamlessRoll.Roll(src, dst, 1, 3, 1, 2);
        Assert.That(dst, Is.EqualTo(new float[] { 5, 3, 4, 8, 6, 7, 2, 0, 1 }));
        var back = new float[9];
        SeamlessRoll.Roll(dst, back, 1, 3, -1, -2);
        Assert.That(back, Is.EqualTo(src));

        var rng = new System.Random(3);
        var big = Enumerable.Range(0, 3 * 16 * 16).Select(_ => (float)rng.NextDouble()).ToArray();
        var rolled = new float[big.Length];
        var restored = new float[big.Length];
        SeamlessRoll.Roll(big, rolled, 3, 16, 7, 13);
        SeamlessRoll.Roll(rolled, restored, 3, 16, -7, -13);
        Assert.That(restored, Is.EqualTo(big));
        Assert.That(rolled[(2 * 16 + 0) * 16 + 0], Is.EqualTo(big[(2 * 16 + 7) * 16 + 13]), "channel planes roll independently");
        Assert.Throws<ArgumentException>(() => SeamlessRoll.Roll(big, big, 3, 16, 1, 1));
        Assert.Throws<ArgumentException>(() => SeamlessRoll.Roll(big, new float[10], 3, 16, 1, 1));
    }

    [Test]
    public void OffsetsArePerImageAndStepAndCoverTheImage()
    {
        var offsets = Enumerable.Range(0, 400).Select(i => SeamlessRoll.Offset(9, 0, i, 32)).ToArray();
        Assert.That(offsets.All(o => o.Dy is >= 0 and < 32 && o.Dx is >= 0 and < 32), Is.True);
        Assert.That(offsets.Select(o => o.Dx).Distinct().Count(), Is.EqualTo(32), "400 draws reach every column offset");
        Assert.That(SeamlessRoll.Offset(9, 0, 5, 32), Is.EqualTo(SeamlessRoll.Offset(9, 0, 5, 32)));
        Assert.That(Enumerable.Range(0, 8).Select(k => SeamlessRoll.Offset(9, (uint)k, 5, 32)).Distinct().Count(), Is.GreaterThan(1));
    }

    [Test]
    public void ShippedModelTexturesTileWithoutSeams()
    {
        using var dit = DiT.Load(RepoPaths.Find("models/openarena-textures/package"));
        var classes = Enumerable.Range(0, dit.Classes.Count).SelectMany(c => new[] { c, c, c }).ToArray();
        var plain = dit.Generate(new GenerationOptions { ClassIds = classes, Seed = 21 });
        var seamless = dit.Generate(new GenerationOptions { ClassIds = classes, Seed = 21, Seamless = true });
        var (pSeam, pInside) = SeamMetric.Measure(plain);
        var (sSeam, sInside) = SeamMetric.Measure(seamless);
        TestContext.Out.WriteLine($"{classes.Length} textures, mean |Δ| in 8-bit levels: plain seam {pSeam:F1} vs inside {pInside:F1}; " +
                                  $"seamless seam {sSeam:F1} vs inside {sInside:F1}");
        Assert.That(sSeam, Is.LessThanOrEqualTo(sInside), "across the wrap edge no worse than between neighbours inside");
        Assert.That(pSeam, Is.GreaterThan(pInside), "the metric sees the seam of textures generated without rolling");
        Assert.That(seamless.All(i => i.Recipe.Seamless), Is.True);
    }
}
