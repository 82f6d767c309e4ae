using System;
using System.Linq;
using DiTPlugin.Sampling;
using NUnit.Framework;

namespace DiTPlugin.Tests;

public class ScheduleTests
{
    [Test]
    public void LinearBetasMatchAdm()
    {
        var b = NoiseSchedule.LinearBetas(1000);
        Assert.That(b[0], Is.EqualTo(1e-4).Within(1e-18));
        Assert.That(b[999], Is.EqualTo(0.02));
        Assert.That(b[1], Is.EqualTo(1e-4 + (0.02 - 1e-4) / 999).Within(1e-17));
        var b100 = NoiseSchedule.LinearBetas(100); // scaled by 1000/T
        Assert.That(b100[0], Is.EqualTo(1e-3).Within(1e-15));
        Assert.That(b100[99], Is.EqualTo(0.2).Within(1e-15));
    }

    [Test]
    public void CosineBetasByHand()
    {
        var b = NoiseSchedule.CosineBetas(1000);
        double F(double t) { double c = Math.Cos((t + 0.008) / 1.008 * Math.PI / 2); return c * c; }
        Assert.That(b[0], Is.EqualTo(1 - F(0.001) / F(0)).Within(1e-15));
        Assert.That(b[500], Is.EqualTo(1 - F(0.501) / F(0.5)).Within(1e-15));
        Assert.That(b[999], Is.EqualTo(0.999)); // clipped
    }

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

public class RespacingTests
{
    [Test]
    public void Adm25StepsUseRunningSumWithBankersRounding()
    {
        var r = Respacing.SpaceTimesteps(1000, "25");
        Assert.That(r.Length, Is.EqualTo(25));
        // stride 999/24 = 41.625: 0, 41.625→42, 83.25→83, 124.875→125, 166.5→166 (half to even), 208.125→208, …
        Assert.That(r.Take(6), Is.EqualTo(new[] { 0, 42, 83, 125, 166, 208 }));
        Assert.That(r[^1], Is.EqualTo(999));
        double cur = 0; // reference: Python's loop
        for (int k = 0; k < 25; k++, cur += 999.0 / 24) Assert.That(r[k], Is.EqualTo((int)Math.Round(cur, MidpointRounding.ToEven)));
    }

    [Test]
    public void DdimSpacing()
    {
        Assert.That(Respacing.SpaceTimesteps(1000, "ddim50"), Is.EqualTo(Enumerable.Range(0, 50).Select(k => k * 20)));
        Assert.Throws<ArgumentException>(() => Respacing.SpaceTimesteps(1000, "ddim7000"));
    }

    [Test]
    public void SectionsSplitTheChain()
    {
        // 300 steps in 3 sections of 100: 10 over [0,99], 15 over [100,199], 20 over [200,299].
        var r = Respacing.SpaceTimesteps(300, "10,15,20");
        Assert.That(r.Length, Is.EqualTo(45));
        Assert.That(r[0], Is.EqualTo(0));
        Assert.That(r[9], Is.EqualTo(99));
        Assert.That(r[10], Is.EqualTo(100));
        Assert.That(r[24], Is.EqualTo(199));
        Assert.That(r[^1], Is.EqualTo(299));
        Assert.Throws<ArgumentException>(() => Respacing.SpaceTimesteps(10, "11"));
        Assert.Throws<ArgumentException>(() => Respacing.SpaceTimesteps(10, "abc"));
    }

    [Test]
    public void AnyStepCountIsOneSection([Values(1, 2, 7, 250, 999, 1000)] int n)
    {
        var r = Respacing.SpaceTimesteps(1000, new[] { n });
        Assert.That(r.Length, Is.EqualTo(n));
        Assert.That(r[0], Is.EqualTo(0));
        if (n > 1) Assert.That(r[^1], Is.EqualTo(999));
    }
}
