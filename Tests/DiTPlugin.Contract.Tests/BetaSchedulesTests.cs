using System;
using DiTPlugin.Contract.Schedules;
using NUnit.Framework;

namespace DiTPlugin.Contract.Tests;

/// <summary>Schedule arrays against values worked out by hand from the DDPM / Improved DDPM formulas.</summary>
public class BetaSchedulesTests
{
    [Test]
    public void LinearScheduleMatchesDdpmEndpointsAndStep()
    {
        var s = DiffusionSchedule.FromName("linear", 1000);
        double b1 = 1e-4 + (0.02 - 1e-4) / 999;
        Assert.Multiple(() =>
        {
            Assert.That(s.NumTimesteps, Is.EqualTo(1000));
            Assert.That(s.Betas[0], Is.EqualTo(1e-4).Within(1e-18));
            Assert.That(s.Betas[999], Is.EqualTo(0.02).Within(1e-18));
            Assert.That(s.Betas[1], Is.EqualTo(b1).Within(1e-15));
            Assert.That(s.Betas[500], Is.EqualTo(1e-4 + 500 * (0.02 - 1e-4) / 999).Within(1e-15));
            Assert.That(s.AlphasCumprod[0], Is.EqualTo(0.9999).Within(1e-15));
            Assert.That(s.AlphasCumprod[1], Is.EqualTo(0.9999 * (1 - b1)).Within(1e-15));
            Assert.That(s.AlphasCumprodPrev[0], Is.EqualTo(1.0));
            Assert.That(s.AlphasCumprodPrev[1], Is.EqualTo(0.9999).Within(1e-15));
        });
    }

    [Test]
    public void LinearScheduleScalesWithChainLength()
    {
        var betas = BetaSchedules.Linear(250);
        Assert.That(betas, Has.Length.EqualTo(250));
        Assert.That(betas[0], Is.EqualTo(4e-4).Within(1e-15));
        Assert.That(betas[249], Is.EqualTo(0.08).Within(1e-15));
    }

    [Test]
    public void DerivedArraysFollowTheirFormulas()
    {
        var s = DiffusionSchedule.FromName("linear", 1000);
        double b1 = 1e-4 + (0.02 - 1e-4) / 999;
        double ac0 = 0.9999, ac1 = 0.9999 * (1 - b1);
        double pv1 = b1 * (1 - ac0) / (1 - ac1);
        Assert.Multiple(() =>
        {
            Assert.That(s.PosteriorVariance[0], Is.EqualTo(0.0));
            Assert.That(s.PosteriorVariance[1], Is.EqualTo(pv1).Within(1e-18));
            Assert.That(s.PosteriorLogVarianceClipped[1], Is.EqualTo(Math.Log(pv1)).Within(1e-12));
            Assert.That(s.PosteriorLogVarianceClipped[0], Is.EqualTo(s.PosteriorLogVarianceClipped[1]));
            Assert.That(s.PosteriorMeanCoef1[1], Is.EqualTo(b1 * Math.Sqrt(ac0) / (1 - ac1)).Within(1e-12));
            Assert.That(s.PosteriorMeanCoef2[1], Is.EqualTo((1 - ac0) * Math.Sqrt(1 - b1) / (1 - ac1)).Within(1e-12));
            // At t=0 the posterior is a point mass on x_0.
            Assert.That(s.PosteriorMeanCoef1[0], Is.EqualTo(1.0).Within(1e-12));
            Assert.That(s.PosteriorMeanCoef2[0], Is.EqualTo(0.0));
            Assert.That(s.SqrtRecipAlphasCumprod[1], Is.EqualTo(1 / Math.Sqrt(ac1)).Within(1e-14));
            Assert.That(s.SqrtRecipm1AlphasCumprod[1], Is.EqualTo(Math.Sqrt(1 / ac1 - 1)).Within(1e-14));
            Assert.That(s.SqrtAlphasCumprod[1], Is.EqualTo(Math.Sqrt(ac1)).Within(1e-15));
            Assert.That(s.SqrtOneMinusAlphasCumprod[1], Is.EqualTo(Math.Sqrt(1 - ac1)).Within(1e-15));
            Assert.That(s.LogBetas[999], Is.EqualTo(Math.Log(0.02)).Within(1e-15));
            Assert.That(s.AlphasCumprodNext[999], Is.EqualTo(0.0));
        });
    }

    [Test]
    public void CosineAlphasCumprodIsClosedFormRatioUntilClipping()
    {
        const int T = 1000;
        var s = DiffusionSchedule.FromName("cosine", T);
        static double F(double u) { double c = Math.Cos((u + 0.008) / 1.008 * Math.PI / 2); return c * c; }
        int checkedSteps = 0;
        for (int t = 0; t < T; t++)
        {
            if (s.Betas[t] >= 0.999) break; // from here on the clip makes the product diverge from the ratio
            Assert.That(s.AlphasCumprod[t], Is.EqualTo(F((t + 1.0) / T) / F(0)).Within(1e-12), $"t={t}");
            checkedSteps++;
        }
        Assert.That(checkedSteps, Is.GreaterThan(990));
        Assert.That(s.Betas[T - 1], Is.EqualTo(0.999), "the last cosine beta is clipped");
        Assert.That(s.Betas[0], Is.EqualTo(1 - F(1.0 / T) / F(0)).Within(1e-15));
    }

    [Test]
    public void UnknownScheduleIsRejected()
    {
        Assert.Throws<ArgumentException>(() => BetaSchedules.Get("quadratic"));
    }

    [Test]
    public void LinearBetasMatchAdmForOtherChainLengths()
    {
        var b = BetaSchedules.Linear(1000);
        Assert.That(b[0], Is.EqualTo(1e-4).Within(1e-18));
        Assert.That(b[999], Is.EqualTo(0.02));
        Assert.That(b[1], Is.EqualTo(1e-4 + (0.02 - 1e-4) / 999).Within(1e-17));
        var b100 = BetaSchedules.Linear(100); // scaled by 1000/T
        Assert.That(b100[0], Is.EqualTo(1e-3).Within(1e-15));
        Assert.That(b100[99], Is.EqualTo(0.2).Within(1e-15));
        Assert.That(BetaSchedules.Linear(1), Is.EqualTo(new[] { 0.1 }).Within(1e-15));
    }

    [Test]
    public void CosineBetasByHand()
    {
        var b = BetaSchedules.Cosine(1000);
        double F(double t) { double c = Math.Cos((t + 0.008) / 1.008 * Math.PI / 2); return c * c; }
        Assert.That(b[0], Is.EqualTo(1 - F(0.001) / F(0)).Within(1e-15));
        Assert.That(b[500], Is.EqualTo(1 - F(0.501) / F(0.5)).Within(1e-15));
        Assert.That(b[999], Is.EqualTo(0.999)); // clipped
    }

    [Test]
    public void ExplicitBetasWinAndMustMatchTheLength()
    {
        var explicitBetas = new[] { 0.1, 0.2, 0.3 };
        var b = BetaSchedules.Get("linear", 3, explicitBetas);
        Assert.That(b, Is.EqualTo(explicitBetas));
        Assert.That(b, Is.Not.SameAs(explicitBetas), "copied");
        Assert.That(BetaSchedules.Get("cosine", 3, null), Is.EqualTo(BetaSchedules.Cosine(3)));
        Assert.That(BetaSchedules.Get("cosine", 3, new double[0]), Is.EqualTo(BetaSchedules.Cosine(3)));
        Assert.Throws<ArgumentException>(() => BetaSchedules.Get("linear", 4, explicitBetas));
        Assert.Throws<ArgumentException>(() => BetaSchedules.Get("sigmoid", 4, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => BetaSchedules.Linear(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => BetaSchedules.Cosine(0));
    }
}
