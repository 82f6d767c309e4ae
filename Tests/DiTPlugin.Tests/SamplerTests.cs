using System;
using System.Linq;
using DiTPlugin.Random;
using DiTPlugin.Sampling;
using NUnit.Framework;

namespace DiTPlugin.Tests;

public class SamplerTests
{
    private static float[] KnownX0(int n)
    {
        var x0 = new float[n];
        for (int k = 0; k < n; k++) x0[k] = (float)(0.9 * Math.Sin(0.37 * k + 0.1));
        return x0;
    }

    /// <summary>Runs a sampler with the exact eps for <paramref name="x0"/> (the oracle) and returns the sample.</summary>
    private static float[] SampleWithOracle(ISampler sampler, float[] x0, ulong seed = 7)
    {
        var s = sampler.Schedule;
        int n = x0.Length;
        var x = new float[n];
        GaussianNoise.Fill(seed, 0, GaussianNoise.InitialDraw, x);
        var eps = new float[n];
        var v = new float[n];
        var noise = new float[n];
        for (int i = s.Steps - 1; i >= 0; i--)
        {
            double ab = s.AlphasCumprod[i];
            for (int k = 0; k < n; k++) eps[k] = (float)((x[k] - Math.Sqrt(ab) * x0[k]) / Math.Sqrt(1 - ab));
            ReadOnlySpan<float> z = default;
            if (sampler.NeedsNoise(i)) { GaussianNoise.Fill(seed, 0, (uint)i + 1, noise); z = noise; }
            sampler.Step(x, eps, v, i, z, x);
        }
        return x;
    }

    private static double MaxErr(float[] a, float[] b) => a.Zip(b, (p, q) => Math.Abs(p - q)).Max();

    [Test]
    public void DdimRecoversX0In20Steps()
    {
        var x0 = KnownX0(64);
        var r = SampleWithOracle(new DdimSampler(NoiseSchedule.Linear(1000).Respace(20)), x0);
        Assert.That(MaxErr(r, x0), Is.LessThan(1e-4));
    }

    [Test]
    public void DpmSolverRecoversX0In20Steps([Values("linear", "cosine")] string kind)
    {
        var x0 = KnownX0(64);
        var r = SampleWithOracle(new DpmSolverPlusPlus2MSampler(NoiseSchedule.Create(kind, 1000).Respace(20)), x0);
        Assert.That(MaxErr(r, x0), Is.LessThan(1e-4));
    }

    [Test]
    public void DdpmRecoversX0In250Steps()
    {
        var x0 = KnownX0(64);
        var r = SampleWithOracle(new DdpmSampler(NoiseSchedule.Linear(1000).Respace(250)), x0);
        Assert.That(MaxErr(r, x0), Is.LessThan(1e-3));
    }

    [Test]
    public void DdpmLearnedRangeVarianceByHand()
    {
        var s = NoiseSchedule.Linear(1000).Respace(10);
        var sampler = new DdpmSampler(s);
        int i = 5;
        float[] x = { 0.3f }, eps = { 0.2f }, v = { 0.5f }, z = { 1.0f }, outp = new float[1];
        sampler.Step(x, eps, v, i, z, outp);
        double x0 = Math.Clamp(Math.Sqrt(1 / s.AlphasCumprod[i]) * 0.3 - Math.Sqrt(1 / s.AlphasCumprod[i] - 1) * 0.2, -1, 1);
        double mean = s.Betas[i] * Math.Sqrt(s.AlphasCumprodPrev[i]) / (1 - s.AlphasCumprod[i]) * x0
                      + (1 - s.AlphasCumprodPrev[i]) * Math.Sqrt(1 - s.Betas[i]) / (1 - s.AlphasCumprod[i]) * 0.3;
        double tilde = s.Betas[i] * (1 - s.AlphasCumprodPrev[i]) / (1 - s.AlphasCumprod[i]);
        double frac = 0.75;
        double logVar = frac * Math.Log(s.Betas[i]) + (1 - frac) * Math.Log(tilde);
        Assert.That(outp[0], Is.EqualTo(mean + Math.Exp(0.5 * logVar)).Within(1e-6));
        Assert.That(sampler.NeedsNoise(0), Is.False);
        sampler.Step(x, eps, v, 0, default, outp); // last step: the mean, no noise
        Assert.That(float.IsFinite(outp[0]));
    }

    [Test]
    public void DpmSolverFirstTwoUpdatesMatchHandReference()
    {
        var s = NoiseSchedule.Linear(1000).Respace(10);
        var sampler = new DpmSolverPlusPlus2MSampler(s);
        // A non-oracle model whose x0 prediction is 0.5·tanh(x) (inside [-1, 1], so no clipping).
        double Alpha(double ab) => Math.Sqrt(ab);
        double Sigma(double ab) => Math.Sqrt(1 - ab);
        double Lam(double ab) => Math.Log(Alpha(ab) / Sigma(ab));
        float EpsOf(double xv, double ab) => (float)((xv - Alpha(ab) * 0.5 * Math.Tanh(xv)) / Sigma(ab));
        double X0(double xv, double ab) => (xv - Sigma(ab) * EpsOf(xv, ab)) / Alpha(ab);
        double xRef = 0.8;
        float[] x = { 0.8f }, eps = new float[1];

        // Step 1 (index 9 → 8): first order. x_t = σ_t/σ_s x_s − α_t (e^{−h} − 1) x0_s.
        double abS = s.AlphasCumprod[9], abT = s.AlphasCumprod[8];
        double h1 = Lam(abT) - Lam(abS);
        double x0a = X0(xRef, abS);
        double x1 = Sigma(abT) / Sigma(abS) * xRef - Alpha(abT) * (Math.Exp(-h1) - 1) * x0a;
        eps[0] = EpsOf(x[0], abS);
        sampler.Step(x, eps, default, 9, default, x);
        Assert.That(x[0], Is.EqualTo(x1).Within(1e-5));

        // Step 2 (index 8 → 7): second order, r = h1/h2, D = (1 + 1/2r) x0_8 − 1/2r x0_9.
        double abU = s.AlphasCumprod[7];
        double h2 = Lam(abU) - Lam(abT);
        double r = h1 / h2;
        double x0b = X0(x[0], abT);
        double d = (1 + 1 / (2 * r)) * x0b - 1 / (2 * r) * x0a;
        double x2 = Sigma(abU) / Sigma(abT) * x[0] - Alpha(abU) * (Math.Exp(-h2) - 1) * d;
        eps[0] = EpsOf(x[0], abT);
        sampler.Step(x, eps, default, 8, default, x);
        Assert.That(x[0], Is.EqualTo(x2).Within(1e-5));
        Assert.That(r, Is.Not.EqualTo(1.0).Within(1e-3)); // the second-order weights matter
    }

    [Test]
    public void PredictedX0IsClippedForPreviews()
    {
        var s = NoiseSchedule.Linear(1000).Respace(10);
        float[] x = { 5f, 0.1f }, eps = { 0f, 0f }, x0 = new float[2];
        s.PredictX0(x, eps, 0, x0);
        Assert.That(x0[0], Is.EqualTo(1f));
        Assert.That(x0[1], Is.EqualTo(0.1 / Math.Sqrt(s.AlphasCumprod[0])).Within(1e-6));
        s.PredictX0(x, eps, 0, x0, clip: false);
        Assert.That(x0[0], Is.GreaterThan(1f));
    }

    /// <summary>Latent-like data: x₀ up to ±3, where clamping to [−1, 1] loses most of the signal.</summary>
    private static float[] LatentLikeX0(int n) => KnownX0(n).Select(v => v * 3.3f).ToArray();

    private static ISampler Make(SamplerKind kind, bool clip) =>
        Samplers.Create(kind, NoiseSchedule.Linear(1000).Respace(kind == SamplerKind.Ddpm ? 250 : 20), learnSigma: false, clipDenoised: clip);

    [Test]
    public void UnclippedSamplersRecoverDataBeyondOne([Values] SamplerKind kind)
    {
        var x0 = LatentLikeX0(64);
        var sampler = Make(kind, clip: false);
        Assert.That(sampler.ClipDenoised, Is.False);
        var r = SampleWithOracle(sampler, x0);
        Assert.That(MaxErr(r, x0), Is.LessThan(kind == SamplerKind.Ddpm ? 3e-3 : 3e-4), "the oracle's x0 comes back, values beyond ±1 included");
    }

    [Test]
    public void ClippedSamplersClampDataBeyondOne([Values] SamplerKind kind)
    {
        var x0 = LatentLikeX0(64);
        var sampler = Make(kind, clip: true);
        Assert.That(sampler.ClipDenoised, Is.True);
        var r = SampleWithOracle(sampler, x0);
        Assert.That(r.Max(), Is.LessThanOrEqualTo(1.0001f));
        Assert.That(r.Min(), Is.GreaterThanOrEqualTo(-1.0001f));
        Assert.That(MaxErr(r, x0), Is.GreaterThan(1.5), "ADM's pixel-space clip cannot represent latents");
    }

    [Test]
    public void SamplersClipByDefault()
    {
        var s = NoiseSchedule.Linear(1000).Respace(10);
        Assert.That(new DdpmSampler(s).ClipDenoised && new DdimSampler(s).ClipDenoised && new DpmSolverPlusPlus2MSampler(s).ClipDenoised, Is.True,
            "the sampler classes keep ADM's default; a package's space decides through DiT.ClipDenoised");
    }
}
