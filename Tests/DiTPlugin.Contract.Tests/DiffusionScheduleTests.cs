using System;
using System.Linq;
using DiTPlugin.Contract.Schedules;
using NUnit.Framework;

namespace DiTPlugin.Contract.Tests;

/// <summary>The respaced chain: ADM's SpacedDiffusion betas and the constants derived from them.</summary>
public class DiffusionScheduleTests
{
    [Test]
    public void RespacedChainKeepsAlphasCumprodAndRecomputesBetas()
    {
        var baseBetas = BetaSchedules.Linear(1000);
        var full = new DiffusionSchedule(baseBetas);
        var kept = Respacing.SpaceTimesteps(1000, "ddim50");
        var spaced = DiffusionSchedule.Respaced(baseBetas, kept);
        Assert.That(spaced.NumTimesteps, Is.EqualTo(50));
        for (int i = 0; i < 50; i++)
            Assert.That(spaced.AlphasCumprod[i], Is.EqualTo(full.AlphasCumprod[kept[i]]).Within(1e-13), $"i={i}");
        Assert.That(spaced.Betas[0], Is.EqualTo(1e-4).Within(1e-15));
        Assert.That(spaced.Betas[1], Is.EqualTo(1 - full.AlphasCumprod[20] / full.AlphasCumprod[0]).Within(1e-15));
        Assert.That(spaced.Betas, Is.EqualTo(DiffusionSchedule.RespacedBetas(baseBetas, kept)));
    }

    // Keeping every step reproduces the base betas only up to rounding of the ratios: that is what ADM samples,
    // and what Training and the Plugin must both use.
    [Test]
    public void KeepingEveryStepGivesTheBaseChainToRounding()
    {
        var baseBetas = BetaSchedules.Cosine(200);
        var spaced = DiffusionSchedule.Respaced(baseBetas, Enumerable.Range(0, 200).ToArray());
        for (int i = 0; i < 200; i++) Assert.That(spaced.Betas[i], Is.EqualTo(baseBetas[i]).Within(1e-9).Percent, $"i={i}");
    }

    [Test]
    public void ASingleStepBorrowsLogBetaForTheClippedLogVariance()
    {
        var s = new DiffusionSchedule(new[] { 0.5 });
        Assert.That(s.PosteriorVariance[0], Is.EqualTo(0.0));
        Assert.That(s.PosteriorLogVarianceClipped[0], Is.EqualTo(Math.Log(0.5)));
        Assert.That(s.AlphasCumprodNext[0], Is.EqualTo(0.0));
    }

    [Test]
    public void BadInputIsRefused()
    {
        var betas = BetaSchedules.Linear(10);
        Assert.Throws<ArgumentException>(() => new DiffusionSchedule(new double[0]));
        Assert.Throws<ArgumentException>(() => new DiffusionSchedule(new[] { 0.1, 0.0 }));
        Assert.Throws<ArgumentException>(() => new DiffusionSchedule(new[] { 0.1, 1.5 }));
        Assert.Throws<ArgumentException>(() => new DiffusionSchedule(new[] { 0.1, double.NaN }));
        Assert.Throws<ArgumentException>(() => DiffusionSchedule.RespacedBetas(betas, new int[0]));
        Assert.Throws<ArgumentException>(() => DiffusionSchedule.RespacedBetas(betas, new[] { 0, 10 }));
        Assert.Throws<ArgumentException>(() => DiffusionSchedule.RespacedBetas(betas, new[] { -1, 3 }));
        Assert.Throws<ArgumentException>(() => DiffusionSchedule.RespacedBetas(betas, new[] { 3, 3 }));
        Assert.Throws<ArgumentException>(() => DiffusionSchedule.RespacedBetas(betas, new[] { 5, 3 }));
    }
}
