using System;
using System.Linq;
using DiTPlugin.Sampling;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>
/// The Plugin's schedule objects over the shared chain constants (the betas, respacing and constants themselves are
/// tested in DiTPlugin.Contract.Tests).
/// </summary>
public class ScheduleTests
{
    // The full chain is a SpacedDiffusion keeping every step (as DiT builds it): betas come back from ratios of
    // alphas_cumprod, so derived values agree with the hand formulas to ~1e-12 relative, not to the last bit.
    [Test]
    public void FullChainConstantsByHand()
    {
        var s = NoiseSchedule.Linear(1000).Full;
        double b0 = 1e-4, b1 = 1e-4 + (0.02 - 1e-4) / 999;
        double ac0 = 1 - b0, ac1 = ac0 * (1 - b1);
        Assert.That(s.AlphasCumprod[1], Is.EqualTo(ac1).Within(1e-15));
        Assert.That(s.AlphasCumprodPrev[0], Is.EqualTo(1.0));
        Assert.That(s.PosteriorVariance[0], Is.EqualTo(0.0));
        Assert.That(s.PosteriorVariance[1], Is.EqualTo(b1 * (1 - ac0) / (1 - ac1)).Within(1e-9).Percent);
        Assert.That(s.PosteriorLogVarianceClipped[0], Is.EqualTo(Math.Log(s.PosteriorVariance[1])).Within(1e-12));
        Assert.That(s.PosteriorMeanCoef1[1], Is.EqualTo(b1 * Math.Sqrt(ac0) / (1 - ac1)).Within(1e-9).Percent);
        Assert.That(s.PosteriorMeanCoef2[1], Is.EqualTo((1 - ac0) * Math.Sqrt(1 - b1) / (1 - ac1)).Within(1e-9).Percent);
        Assert.That(s.TimestepMap, Is.EqualTo(Enumerable.Range(0, 1000)));
    }

    [Test]
    public void RespacedChainKeepsAlphasCumprodAndRecomputesBetas()
    {
        var sched = NoiseSchedule.Linear(1000);
        var full = sched.Full;
        var spaced = sched.Respace("ddim50");
        Assert.That(spaced.Steps, Is.EqualTo(50));
        for (int i = 0; i < 50; i++)
            Assert.That(spaced.AlphasCumprod[i], Is.EqualTo(full.AlphasCumprod[spaced.TimestepMap[i]]).Within(1e-12));
        Assert.That(spaced.Betas[0], Is.EqualTo(1e-4).Within(1e-15));
        Assert.That(spaced.Betas[1], Is.EqualTo(1 - full.AlphasCumprod[20] / full.AlphasCumprod[0]).Within(1e-14));
        Assert.That(sched.Respace(1000), Is.SameAs(sched.Full));
        Assert.Throws<ArgumentOutOfRangeException>(() => sched.Respace(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => sched.Respace(1001));
    }

    [Test]
    public void ExplicitBetasWin()
    {
        var s = NoiseSchedule.Create("linear", 3, new[] { 0.1, 0.2, 0.3 });
        Assert.That(s.Betas, Is.EqualTo(new[] { 0.1, 0.2, 0.3 }));
        Assert.Throws<ArgumentException>(() => NoiseSchedule.Create("linear", 4, new[] { 0.1, 0.2, 0.3 }));
        Assert.Throws<ArgumentException>(() => NoiseSchedule.Create("sigmoid", 4));
    }
}
