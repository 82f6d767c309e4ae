using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Training.Diffusion;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiTPlugin.Training.Tests.Diffusion;

/// <summary>ADM's space_timesteps semantics and the spaced chain it builds.</summary>
public class RespacingTests
{
    [Test]
    public void TwentyFiveStepsHaveAdmIndices()
    {
        // stride 999/24 = 41.625, rounded half to even (Python round): 166.5 -> 166, 499.5 -> 500, 832.5 -> 832.
        var expected = new[] { 0, 42, 83, 125, 166, 208, 250, 291, 333, 375, 416, 458, 500, 541, 583, 624, 666, 708,
            749, 791, 832, 874, 916, 957, 999 };
        Assert.That(Respacing.SpaceTimesteps(1000, "25"), Is.EqualTo(expected));
    }

    [Test]
    public void DdimFiftyUsesIntegerStride()
    {
        Assert.That(Respacing.SpaceTimesteps(1000, "ddim50"), Is.EqualTo(Enumerable.Range(0, 50).Select(i => 20 * i).ToArray()));
        Assert.That(Respacing.SpaceTimesteps(1000, "ddim25").Last(), Is.EqualTo(960));
    }

    [Test]
    public void TwoHundredFiftyStepsSpanTheChain()
    {
        var steps = Respacing.SpaceTimesteps(1000, "250");
        Assert.That(steps, Has.Length.EqualTo(250));
        Assert.That(steps[0], Is.EqualTo(0));
        Assert.That(steps[^1], Is.EqualTo(999));
        Assert.That(steps, Is.Ordered.Ascending);
    }

    [Test]
    public void SectionCountsSplitTheChain()
    {
        // T=100, 3 sections of sizes 34, 33, 33 (the first takes the remainder).
        // Section 0 [0,34): 10 steps, stride 33/9 = 3.667 -> 0,4,7,11,15,18,22,26,29,33 (running sum, half to even).
        // Section 1 [34,67): 10 steps, stride 32/9 -> 34 + 0,4,7,11,14,18,21,25,28,32.
        // Section 2 [67,100): 5 steps, stride 8 -> 67,75,83,91,99.
        var expected = new[] { 0, 4, 7, 11, 15, 18, 22, 26, 29, 33, 34, 38, 41, 45, 48, 52, 55, 59, 62, 66, 67, 75, 83, 91, 99 };
        Assert.That(Respacing.SpaceTimesteps(100, "10,10,5"), Is.EqualTo(expected));
        Assert.Throws<System.ArgumentException>(() => Respacing.SpaceTimesteps(100, "60,10"));
        Assert.Throws<System.ArgumentException>(() => Respacing.SpaceTimesteps(1000, "ddim3000"));
    }

    [Test]
    public void SpacedChainKeepsAlphasCumprodAndMapsTimesteps()
    {
        using var baseDiff = GaussianDiffusion.Create();
        using var spaced = GaussianDiffusion.Create("ddim50");
        Assert.That(spaced.NumTimesteps, Is.EqualTo(50));
        Assert.That(spaced.TimestepMap, Is.EqualTo(Enumerable.Range(0, 50).Select(i => 20 * i).ToArray()));
        for (int i = 0; i < 50; i++)
            Assert.That(spaced.Schedule.AlphasCumprod[i], Is.EqualTo(baseDiff.Schedule.AlphasCumprod[20 * i]).Within(1e-13), $"i={i}");
        Assert.That(spaced.Schedule.Betas[0], Is.EqualTo(1e-4).Within(1e-15));
        Assert.That(spaced.Schedule.Betas[1], Is.EqualTo(1 - baseDiff.Schedule.AlphasCumprod[20] / baseDiff.Schedule.AlphasCumprod[0]).Within(1e-15));
    }

    [Test]
    public void ModelReceivesOriginalTimesteps()
    {
        using var spaced = GaussianDiffusion.Create("ddim10", learnSigma: false);
        var seen = new List<long>();
        DenoiseFn spy = (x, t) =>
        {
            var ts = t.data<long>().ToArray();
            Assert.That(ts.Distinct().Count(), Is.EqualTo(1));
            Assert.That(t.dtype, Is.EqualTo(ScalarType.Int64));
            seen.Add(ts[0]);
            return zeros_like(x);
        };
        using var sample = spaced.DdimSampleLoop(spy, new long[] { 2, 1, 2, 2 }, generator: new Generator(1));
        Assert.That(seen, Is.EqualTo(new long[] { 900, 800, 700, 600, 500, 400, 300, 200, 100, 0 }));

        seen.Clear();
        using var x0 = zeros(2, 1, 2, 2);
        using var idx = tensor(new long[] { 3, 3 });
        using var losses = spaced.TrainingLosses(spy, x0, idx, noise: zeros(2, 1, 2, 2));
        Assert.That(seen, Is.EqualTo(new long[] { 300 }));
    }
}
