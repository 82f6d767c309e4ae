using System.Collections.Generic;
using System;
using System.Linq;
using DiT.Training.Diffusion;
using NUnit.Framework;
using static TorchSharp.torch;
using static DiT.Training.Tests.Diffusion.TensorAssert;

namespace DiT.Training.Tests.Diffusion;

/// <summary>
/// The hybrid loss against an independent float64 computation written here from the papers' formulas (closed-form
/// Gaussian KL, and an exact normal CDF for the decoder term), plus the stop-gradient structure of L_vlb.
/// </summary>
public class TrainingLossTests
{
    private const int B = 4, C = 2, H = 3, W = 3;
    private static readonly long[] Timesteps = { 0, 1, 37, 999 };

    /// <summary>Pixel-valued x0 (k/127.5 - 1), including both edge bins, so the decoder's edge handling is exercised.</summary>
    private static float[] PixelData(Random rng, int n)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float)(rng.Next(0, 256) / 127.5 - 1.0);
        v[0] = -1f; v[1] = 1f; v[n - 1] = 1f; v[n - 2] = -1f;
        return v;
    }

    private static float[] Gaussian(Random rng, int n, double scale = 1.0)
    {
        var v = new float[n];
        for (int i = 0; i < n; i++)
            v[i] = (float)(scale * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return v;
    }

    /// <summary>erf by its everywhere-convergent positive series 2/sqrt(pi) e^{-z^2} sum 2^n z^{2n+1} / (2n+1)!!.</summary>
    private static double Erf(double z)
    {
        if (z < 0) return -Erf(-z);
        double term = z, sum = z;
        for (int n = 1; n < 500 && term > 1e-17 * sum; n++)
        {
            term *= 2 * z * z / (2 * n + 1);
            sum += term;
        }
        return Math.Min(1.0, 2 / Math.Sqrt(Math.PI) * Math.Exp(-z * z) * sum);
    }

    private static double Phi(double x) => 0.5 * (1 + Erf(x / Math.Sqrt(2)));

    [Test]
    public void ErfHelperIsAccurate()
    {
        Assert.That(Erf(0.5), Is.EqualTo(0.5204998778130465).Within(1e-14));
        Assert.That(Erf(2.0), Is.EqualTo(0.9953222650189527).Within(1e-14));
        Assert.That(Phi(1.0), Is.EqualTo(0.8413447460685429).Within(1e-13));
    }

    [Test]
    public void VbMatchesIndependentKlAndDecoderNll()
    {
        var rng = new Random(1234);
        int n = B * C * H * W;
        var x0 = PixelData(rng, n);
        var noise = Gaussian(rng, n);
        // eps near the true noise so the decoder mean lands within a few bins of x0 (where the tanh CDF is close).
        var epsErr = Gaussian(rng, n, 0.5);
        var vRaw = Gaussian(rng, n);
        var output = new float[B * 2 * C * H * W];
        int per = C * H * W;
        for (int b = 0; b < B; b++)
            for (int i = 0; i < per; i++)
            {
                output[b * 2 * per + i] = noise[b * per + i] + epsErr[b * per + i];
                output[b * 2 * per + per + i] = (float)Math.Tanh(vRaw[b * per + i]);
            }

        using var diff = GaussianDiffusion.Create();
        using var x0T = tensor(x0, new long[] { B, C, H, W });
        using var noiseT = tensor(noise, new long[] { B, C, H, W });
        using var outT = tensor(output, new long[] { B, 2 * C, H, W });
        using var tT = tensor(Timesteps);
        using var losses = diff.TrainingLosses((x, t) => outT.alias(), x0T, tT, noiseT);
        var vb = losses.Vb.data<float>().ToArray();
        var mse = losses.Mse.data<float>().ToArray();
        var loss = losses.Loss.data<float>().ToArray();

        var betas = Enumerable.Range(0, 1000).Select(i => 1e-4 + i * (0.02 - 1e-4) / 999).ToArray();
        betas[999] = 0.02;
        for (int b = 0; b < B; b++)
        {
            int t = (int)Timesteps[b];
            double ac = 1, acPrev = 1;
            for (int i = 0; i <= t; i++) { acPrev = ac; ac *= 1 - betas[i]; }
            double beta = betas[t];
            // Posterior variance, with its t=0 value replaced by t=1's (which is ((1-ac0)/(1-ac1)) beta_1).
            double ac0 = 1 - betas[0], ac1 = ac0 * (1 - betas[1]);
            double pvClipped = t == 0 ? betas[1] * (1 - ac0) / (1 - ac1) : beta * (1 - acPrev) / (1 - ac);
            double c1 = beta * Math.Sqrt(acPrev) / (1 - ac), c2 = (1 - acPrev) * Math.Sqrt(1 - beta) / (1 - ac);
            double klSum = 0, nllSum = 0, mseSum = 0;
            for (int i = 0; i < per; i++)
            {
                double x = x0[b * per + i], z = noise[b * per + i];
                double eps = output[b * 2 * per + i], v = output[b * 2 * per + per + i];
                double xt = Math.Sqrt(ac) * x + Math.Sqrt(1 - ac) * z;
                double predX0 = xt / Math.Sqrt(ac) - Math.Sqrt(1 / ac - 1) * eps;
                double trueMean = c1 * x + c2 * xt, modelMean = c1 * predX0 + c2 * xt;
                double frac = (v + 1) / 2;
                double lvModel = frac * Math.Log(beta) + (1 - frac) * Math.Log(pvClipped), lvTrue = Math.Log(pvClipped);
                klSum += 0.5 * (-1 + lvModel - lvTrue + Math.Exp(lvTrue - lvModel)
                                + (trueMean - modelMean) * (trueMean - modelMean) * Math.Exp(-lvModel));
                double sd = Math.Exp(0.5 * lvModel), d = x - modelMean;
                double p = x < -0.999 ? Phi((d + 1 / 255.0) / sd)
                    : x > 0.999 ? 1 - Phi((d - 1 / 255.0) / sd)
                    : Phi((d + 1 / 255.0) / sd) - Phi((d - 1 / 255.0) / sd);
                nllSum += -Math.Log(p);
                mseSum += (z - eps) * (z - eps);
            }
            double expectedMse = mseSum / per;
            Assert.That(mse[b], Is.EqualTo(expectedMse).Within(1e-5 * expectedMse), $"mse t={t}");
            Assert.That(loss[b], Is.EqualTo(mse[b] + vb[b]).Within(1e-5 * Math.Abs(loss[b])), $"loss t={t}");
            if (t == 0)
            {
                // ADM's tanh CDF differs from the exact one by up to ~2e-4 absolute, hence the looser tolerance.
                double expected = nllSum / per / Math.Log(2);
                Assert.That(vb[b], Is.EqualTo(expected).Within(2e-3 * expected), "decoder NLL at t=0");
            }
            else
            {
                double expected = klSum / per / Math.Log(2);
                Assert.That(expected, Is.GreaterThan(0));
                Assert.That(vb[b], Is.EqualTo(expected).Within(1e-4 * expected + 1e-7), $"KL t={t}");
            }
        }
    }

    [Test]
    public void VbOnlyTrainsVarianceAndMseOnlyTrainsEps()
    {
        var rng = new Random(7);
        int n = B * C * H * W;
        using var diff = GaussianDiffusion.Create();
        using var x0 = tensor(PixelData(rng, n), new long[] { B, C, H, W });
        using var noise = tensor(Gaussian(rng, n), new long[] { B, C, H, W });
        using var t = tensor(Timesteps);
        var init = Gaussian(rng, 2 * n, 0.5);

        using (var outVb = tensor(init, new long[] { B, 2 * C, H, W }).requires_grad_(true))
        {
            using var l = diff.TrainingLosses((x, tt) => outVb.alias(), x0, t, noise);
            l.Vb.sum().backward();
            var g = outVb.grad!;
            Assert.That(g.narrow(1, 0, C).abs().max().item<float>(), Is.EqualTo(0f), "vb must not reach the eps half");
            Assert.That(g.narrow(1, C, C).abs().max().item<float>(), Is.GreaterThan(0f), "vb trains the v half");
        }
        using (var outMse = tensor(init, new long[] { B, 2 * C, H, W }).requires_grad_(true))
        {
            using var l = diff.TrainingLosses((x, tt) => outMse.alias(), x0, t, noise);
            l.Mse.sum().backward();
            var g = outMse.grad!;
            Assert.That(g.narrow(1, C, C).abs().max().item<float>(), Is.EqualTo(0f), "mse must not reach the v half");
            Assert.That(g.narrow(1, 0, C).abs().max().item<float>(), Is.GreaterThan(0f), "mse trains the eps half");
        }
    }

    [Test]
    public void FixedVarianceHasNoVbAndUsesPosteriorOrBetaVariance()
    {
        using var small = GaussianDiffusion.Create(learnSigma: false, sigmaSmall: true);
        using var large = GaussianDiffusion.Create(learnSigma: false);
        Assert.That(small.VarianceType, Is.EqualTo(ModelVarianceType.FixedSmall));
        Assert.That(large.VarianceType, Is.EqualTo(ModelVarianceType.FixedLarge));
        using var x = ones(2, 1, 2, 2);
        using var t = tensor(new long[] { 0, 10 });
        DenoiseFn zero = (xx, tt) => zeros_like(xx);
        using var ps = small.PMeanVariance(zero, x, t);
        using var pl = large.PMeanVariance(zero, x, t);
        var s = small.Schedule;
        Assert.That(ps.Variance[1, 0, 0, 0].item<float>(), Is.EqualTo((float)s.PosteriorVariance[10]));
        Assert.That(ps.LogVariance[0, 0, 0, 0].item<float>(), Is.EqualTo((float)Math.Log(s.PosteriorVariance[1])));
        Assert.That(pl.Variance[1, 0, 0, 0].item<float>(), Is.EqualTo((float)s.Betas[10]));
        Assert.That(pl.Variance[0, 0, 0, 0].item<float>(), Is.EqualTo((float)s.PosteriorVariance[1]));

        using var l = small.TrainingLosses(zero, x, t, noise: ones(2, 1, 2, 2));
        Assert.That(l.Vb.abs().max().item<float>(), Is.EqualTo(0f));
        Assert.That(l.Loss.data<float>().ToArray(), Is.EqualTo(new[] { 1f, 1f }));
        Assert.Throws<ArgumentException>(() => GaussianDiffusion.Create().TrainingLosses(zero, x, t));
    }

    [Test]
    public void QSampleAndPosteriorFollowTheSchedule()
    {
        using var diff = GaussianDiffusion.Create();
        var s = diff.Schedule;
        using var x0 = full(new long[] { 1, 1, 1, 1 }, 0.5f);
        using var eps = full(new long[] { 1, 1, 1, 1 }, -2f);
        using var t = tensor(new long[] { 300 });
        using var xt = diff.QSample(x0, t, eps);
        double expected = Math.Sqrt(s.AlphasCumprod[300]) * 0.5 - 2 * Math.Sqrt(1 - s.AlphasCumprod[300]);
        Assert.That(xt.item<float>(), Is.EqualTo(expected).Within(1e-6));
        using var post = diff.QPosteriorMeanVariance(x0, xt, t);
        Assert.That(post.Mean.item<float>(), Is.EqualTo(s.PosteriorMeanCoef1[300] * 0.5 + s.PosteriorMeanCoef2[300] * expected).Within(1e-6));
        Assert.That(post.Variance.item<float>(), Is.EqualTo((float)s.PosteriorVariance[300]));
        using var back = diff.PredictXStartFromEps(xt, t, eps);
        Assert.That(back.item<float>(), Is.EqualTo(0.5f).Within(1e-5));
    }

    [Test]
    public void SampledTimestepsAreUniformInRangeAndReproducible()
    {
        using var diff = GaussianDiffusion.Create();
        using var a = diff.SampleTimesteps(4096, new Generator(5));
        using var b = diff.SampleTimesteps(4096, new Generator(5));
        Assert.That(a.dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(a.min().item<long>(), Is.GreaterThanOrEqualTo(0));
        Assert.That(a.max().item<long>(), Is.LessThan(1000));
        Assert.That(Same(a, b), Is.True);

        // Uniform over 0..999: a chi-square test on 20 bins of 50 timesteps. With 40,000 draws each bin expects 2000;
        // 19 degrees of freedom give χ² > 50 with probability ~1e-4 (a fixed seed, so this is not flaky either way).
        // A sampler stuck on one value, or on half the range, or favouring small t, gives χ² in the thousands.
        using var many = diff.SampleTimesteps(40_000, new Generator(6));
        var counts = new double[20];
        foreach (long t in many.data<long>()) counts[t / 50]++;
        double expected = 40_000 / 20.0, chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        TestContext.Out.WriteLine($"timestep chi-square over 20 bins: {chi2:F1}");
        Assert.That(chi2, Is.LessThan(50));
        // And every single timestep is reachable (each expects 40 draws; P(one is never drawn) ~ 1000·e^-40).
        Assert.That(new HashSet<long>(many.data<long>()).Count, Is.EqualTo(1000));
    }
}
