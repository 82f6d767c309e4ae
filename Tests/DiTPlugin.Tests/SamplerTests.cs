using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Noise;
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

    /// <summary>
    /// The oracle run with zero step noise, recording every state: [x_T, x after index Steps−1, …, x after index 0].
    /// </summary>
    private static List<float[]> OracleTrajectory(ISampler sampler, float[] x0, ulong seed = 7)
    {
        var s = sampler.Schedule;
        int n = x0.Length;
        var x = new float[n];
        GaussianNoise.Fill(seed, 0, GaussianNoise.InitialDraw, x);
        var path = new List<float[]> { x.ToArray() };
        var eps = new float[n];
        var zeros = new float[n];
        for (int i = s.Steps - 1; i >= 0; i--)
        {
            double ab = s.AlphasCumprod[i];
            for (int k = 0; k < n; k++) eps[k] = (float)((x[k] - Math.Sqrt(ab) * x0[k]) / Math.Sqrt(1 - ab));
            sampler.Step(x, eps, zeros, i, sampler.NeedsNoise(i) ? zeros : default, x);
            path.Add(x.ToArray());
        }
        return path;
    }

    /// <summary>
    /// The largest distance of a recorded trajectory from its closed form. With the exact ε for a point mass at x0 and
    /// no step noise, every sampler keeps x_t = √ᾱ_t·x0 + r_t and only shrinks the residual r per step (t → t′):
    /// DDIM (η = 0) and DPM-Solver++ follow the probability-flow ODE, r_{t′} = √((1−ᾱ_{t′})/(1−ᾱ_t))·r_t (ε stays
    /// fixed); DDPM takes the posterior mean μ̃ = c1·x0 + c2·x_t, i.e. r_{t′} = c2·r_t with
    /// c2 = √(1−β_t)(1−ᾱ_{t′})/(1−ᾱ_t), β_t = 1 − ᾱ_t/ᾱ_{t′}. ᾱ after the last step is 1 (r = 0: x0 itself).
    /// Computed here in double from x_T and the schedule's ᾱ alone.
    /// </summary>
    private static double DeviationFromClosedForm(ISampler sampler, float[] x0, List<float[]> path)
    {
        var s = sampler.Schedule;
        Assert.That(path, Has.Count.EqualTo(s.Steps + 1));
        var r = path[0].Select((v, k) => v - Math.Sqrt(s.AlphasCumprod[s.Steps - 1]) * x0[k]).ToArray();
        double worst = 0;
        for (int i = s.Steps - 1, step = 1; i >= 0; i--, step++)
        {
            double ab = s.AlphasCumprod[i], abPrev = i > 0 ? s.AlphasCumprod[i - 1] : 1.0, beta = 1 - ab / abPrev;
            double c = sampler.Kind == SamplerKind.Ddpm ? Math.Sqrt(1 - beta) * (1 - abPrev) / (1 - ab) : Math.Sqrt((1 - abPrev) / (1 - ab));
            for (int k = 0; k < r.Length; k++)
            {
                r[k] *= c;
                worst = Math.Max(worst, Math.Abs(path[step][k] - (Math.Sqrt(abPrev) * x0[k] + r[k])));
            }
        }
        return worst;
    }

    /// <summary>Checks every step of the oracle run against the closed form, and that the steps move the state at all.</summary>
    private static void AssertOnClosedFormPath(ISampler sampler, float[] x0, double tolerance)
    {
        var path = OracleTrajectory(sampler, x0);
        double worst = DeviationFromClosedForm(sampler, x0, path);
        TestContext.Out.WriteLine($"{sampler.Kind} over {sampler.Schedule.Steps} steps: max deviation from the closed form {worst:E2}");
        Assert.That(worst, Is.LessThan(tolerance));
        int mid = sampler.Schedule.Steps / 2;
        Assert.That(MaxErr(path[mid], path[0]), Is.GreaterThan(0.1), "the state moves away from x_T");
        Assert.That(MaxErr(path[mid], x0), Is.GreaterThan(0.05), "and is not x0 yet halfway");
        Assert.That(MaxErr(path[^1], x0), Is.LessThan(tolerance), "the last step lands on x0");
    }

    [Test]
    public void DdimWithOracleFollowsTheClosedFormAtEveryStep() =>
        AssertOnClosedFormPath(new DdimSampler(NoiseSchedule.Linear(1000).Respace(20)), KnownX0(64), 1e-5);

    /// <remarks>
    /// The cosine chain starts at √ᾱ_T ≈ 5e-5, where x0 = (x − σε)/α magnifies the float32 rounding of the oracle's ε
    /// ~2e4-fold; the first x0 then enters the second-order update, so the cosine path is held to 5e-4, not 1e-5
    /// (observed: 1.9e-4 cosine, 3e-7 linear).
    /// </remarks>
    [Test]
    public void DpmSolverWithOracleFollowsTheClosedFormAtEveryStep([Values("linear", "cosine")] string kind) =>
        AssertOnClosedFormPath(new DpmSolverPlusPlus2MSampler(NoiseSchedule.Create(kind, 1000).Respace(20)), KnownX0(64), kind == "cosine" ? 5e-4 : 1e-5);

    [Test]
    public void DdpmWithOracleAndNoNoiseFollowsThePosteriorMeanAtEveryStep() =>
        AssertOnClosedFormPath(new DdpmSampler(NoiseSchedule.Linear(1000).Respace(250)), KnownX0(64), 1e-5);

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
        // Every step on the closed-form path of the unclipped x0, values beyond ±1 included.
        AssertOnClosedFormPath(sampler, x0, 1e-4);
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
