using System.Collections.Generic;
using System;
using System.Linq;
using System.Threading;
using DiTPlugin.Contract.Schedules;
using DiT.Training.Diffusion;
using NUnit.Framework;
using static TorchSharp.torch;
using static DiT.Training.Tests.Diffusion.TensorAssert;

namespace DiT.Training.Tests.Diffusion;

/// <summary>DDPM / DDIM / DPM-Solver loops with an oracle that knows x0 (checked at every step), plus reproducibility and cancellation.</summary>
public class SamplerTests
{
    private static readonly long[] Shape = { 2, 1, 4, 4 };

    private static Tensor KnownX0() =>
        tensor(Enumerable.Range(0, 32).Select(i => (float)(0.9 * Math.Sin(0.7 * i))).ToArray(), Shape);

    /// <summary>
    /// The ideal denoiser for a single known x0: eps = (x_t - sqrt(abar_t) x0) / sqrt(1 - abar_t), using the
    /// ORIGINAL timestep (from an unspaced schedule), with v = 0 appended when sigma is learned.
    /// </summary>
    private static DenoiseFn Oracle(Tensor x0, bool learnSigma)
    {
        var ac = DiffusionSchedule.FromName("linear", 1000).AlphasCumprod;
        return (x, t) =>
        {
            var ts = t.data<long>().ToArray();
            var a = tensor(ts.Select(k => Math.Sqrt(ac[(int)k])).ToArray()).reshape(-1, 1, 1, 1);
            var s = tensor(ts.Select(k => Math.Sqrt(1 - ac[(int)k])).ToArray()).reshape(-1, 1, 1, 1);
            var eps = ((x.to_type(ScalarType.Float64) - a * x0.to_type(ScalarType.Float64)) / s).to_type(ScalarType.Float32);
            return learnSigma ? cat(new[] { eps, zeros_like(eps) }, 1) : eps;
        };
    }

    /// <summary>Runs <paramref name="sample"/> from a known x_T, recording the state after every step (chain index i → x_{i−1}).</summary>
    private static (double[] XT, SortedDictionary<int, double[]> After) Record(Func<Tensor, SamplingHooks, Tensor> sample,
        Func<int, long[], Tensor>? stepNoise = null)
    {
        using var xT = randn(Shape, generator: new Generator(17));
        var after = new SortedDictionary<int, double[]>();
        var hooks = new SamplingHooks
        {
            StepNoise = stepNoise,
            OnStep = (i, x) => after.Add(i, x.to_type(ScalarType.Float64).data<double>().ToArray()),
        };
        using var final = sample(xT, hooks);
        Assert.That(final.to_type(ScalarType.Float64).data<double>().ToArray(), Is.EqualTo(after[0]), "the final state is the sample");
        return (xT.to_type(ScalarType.Float64).data<double>().ToArray(), after);
    }

    [Test]
    public void DdimWithOracleStaysOnTheDeterministicPathAtEveryStep()
    {
        // With the exact ε for a point mass at x0, DDIM (η = 0) keeps ε fixed: every step must land on
        // x_{t'} = √ᾱ_{t'}·x0 + √(1−ᾱ_{t'})·e with e = (x_T − √ᾱ_T·x0)/√(1−ᾱ_T), ᾱ of the ORIGINAL timesteps kept
        // (1 after the last step). A sampler that wandered off and only landed on x0 at the end fails here.
        using var x0 = KnownX0();
        using var diff = GaussianDiffusion.Create("ddim50");
        var ac = DiffusionSchedule.FromName("linear", 1000).AlphasCumprod;
        var map = diff.TimestepMap;
        int calls = 0;
        var (xT, after) = Record((noise, hooks) => diff.DdimSampleLoop(Oracle(x0, true), Shape, noise: noise, hooks: hooks,
            progress: (step, total) => { calls++; Assert.That(total, Is.EqualTo(50)); Assert.That(step, Is.EqualTo(calls)); }));
        Assert.That(calls, Is.EqualTo(50));
        Assert.That(after.Keys, Is.EqualTo(Enumerable.Range(0, 50)));
        var x0d = x0.to_type(ScalarType.Float64).data<double>().ToArray();
        double aT = ac[map[49]];
        var e = xT.Select((v, k) => (v - Math.Sqrt(aT) * x0d[k]) / Math.Sqrt(1 - aT)).ToArray();
        double worst = 0;
        foreach (var (i, x) in after)
        {
            double aPrev = i > 0 ? ac[map[i - 1]] : 1.0;
            for (int k = 0; k < x.Length; k++)
                worst = Math.Max(worst, Math.Abs(x[k] - (Math.Sqrt(aPrev) * x0d[k] + Math.Sqrt(1 - aPrev) * e[k])));
        }
        TestContext.Out.WriteLine($"DDIM oracle path: max deviation {worst:E2}");
        Assert.That(worst, Is.LessThan(1e-4));
    }

    [Test]
    public void DdpmWithOracleAndNoNoiseFollowsThePosteriorMeanAtEveryStep()
    {
        // Zero step noise: each step is the posterior mean μ̃(x_t, x0) = c1·x0 + c2·x_t with the respaced
        // β_t = 1 − ᾱ_t/ᾱ_{t'}, c1 = √ᾱ_{t'}·β_t/(1−ᾱ_t), c2 = √(1−β_t)·(1−ᾱ_{t'})/(1−ᾱ_t). Computed here in double
        // from x_T, and compared with the loop's state after every one of its 25 steps.
        using var x0 = KnownX0();
        using var diff = GaussianDiffusion.Create("25", learnSigma: false);
        var ac = DiffusionSchedule.FromName("linear", 1000).AlphasCumprod;
        var map = diff.TimestepMap;
        var (xT, after) = Record((noise, hooks) => diff.PSampleLoop(Oracle(x0, false), Shape, noise: noise, hooks: hooks),
            stepNoise: (_, shape) => zeros(shape));
        Assert.That(after.Keys, Is.EqualTo(Enumerable.Range(0, 25)));
        var x0d = x0.to_type(ScalarType.Float64).data<double>().ToArray();
        var expected = xT;
        double worst = 0, moved = 0;
        for (int i = 24; i >= 0; i--)
        {
            double a = ac[map[i]], aPrev = i > 0 ? ac[map[i - 1]] : 1.0, beta = 1 - a / aPrev;
            double c1 = Math.Sqrt(aPrev) * beta / (1 - a), c2 = Math.Sqrt(1 - beta) * (1 - aPrev) / (1 - a);
            var prev = expected;
            expected = prev.Select((v, k) => c1 * x0d[k] + c2 * v).ToArray();
            var got = after[i];
            for (int k = 0; k < got.Length; k++)
            {
                worst = Math.Max(worst, Math.Abs(got[k] - expected[k]));
                moved = Math.Max(moved, Math.Abs(expected[k] - prev[k]));
            }
        }
        TestContext.Out.WriteLine($"DDPM posterior-mean path: max deviation {worst:E2}");
        Assert.That(moved, Is.GreaterThan(0.1), "the steps do move the state");
        Assert.That(worst, Is.LessThan(1e-4));
        Assert.That(after[0].Zip(x0d, (g, w) => Math.Abs(g - w)).Max(), Is.LessThan(1e-4), "and the last lands on x0");
    }

    [Test]
    public void DpmSolverWithOracleStaysOnTheExactOdePath()
    {
        // For a point mass at x0 the probability-flow ODE's solution is x_t = alpha_t x0 + sigma_t e with e fixed by
        // x_T; DPM-Solver++ with the exact x0 must follow it at every step (first and second order alike).
        using var x0 = KnownX0();
        using var diff = (SpacedDiffusion)GaussianDiffusion.Create("20");
        var ac = DiffusionSchedule.FromName("linear", 1000).AlphasCumprod;
        var seen = new List<(int T, double[] X)>();
        var oracle = Oracle(x0, true);
        DenoiseFn recording = (x, t) => { seen.Add(((int)t.data<long>()[0], x.to_type(ScalarType.Float64).data<double>().ToArray())); return oracle(x, t); };
        using var sample = diff.DpmSolverSampleLoop(recording, Shape, generator: new Generator(4));
        Assert.That(seen.Select(v => v.T), Is.EqualTo(diff.UseTimesteps.Reverse()));
        var x0d = x0.to_type(ScalarType.Float64).data<double>().ToArray();
        double aT = Math.Sqrt(ac[seen[0].T]), sT = Math.Sqrt(1 - ac[seen[0].T]);
        var e = seen[0].X.Select((v, i) => (v - aT * x0d[i]) / sT).ToArray();
        double worst = 0;
        foreach (var (t, x) in seen.Skip(1))
        {
            double a = Math.Sqrt(ac[t]), sg = Math.Sqrt(1 - ac[t]);
            for (int i = 0; i < x.Length; i++) worst = Math.Max(worst, Math.Abs(x[i] - (a * x0d[i] + sg * e[i])));
        }
        TestContext.Out.WriteLine($"DPM-Solver++ oracle path: max deviation {worst:E2}");
        Assert.That(worst, Is.LessThan(1e-4));
        Assert.That((sample - x0).abs().max().item<float>(), Is.LessThan(1e-5f));
    }

    [Test]
    public void DpmSolverMatchesAlgorithm2ByHandForALinearModel()
    {
        // eps(x) = 0.5 x, no clipping: three steps of Lu et al. (2022) Algorithm 2 computed here in double.
        using var diff = (SpacedDiffusion)GaussianDiffusion.Create("3", learnSigma: false);
        var ac = DiffusionSchedule.FromName("linear", 1000).AlphasCumprod;
        using var xT = randn(Shape, generator: new Generator(9));
        using var sample = diff.DpmSolverSampleLoop((x, t) => 0.5 * x, Shape, noise: xT, clipDenoised: false);

        var ts = diff.UseTimesteps.Reverse().ToArray();                 // original timesteps, high to low
        double[] x = xT.to_type(ScalarType.Float64).data<double>().ToArray();
        double[]? prevX0 = null;
        double prevLambda = 0;
        for (int k = 0; k < ts.Length; k++)
        {
            double abarS = ac[ts[k]], abarT = k + 1 < ts.Length ? ac[ts[k + 1]] : 1.0;
            double aS = Math.Sqrt(abarS), sS = Math.Sqrt(1 - abarS), lambdaS = Math.Log(aS / sS);
            var x0 = x.Select(v => (v - sS * 0.5 * v) / aS).ToArray();
            if (abarT >= 1.0) { x = x0; break; }
            double aT = Math.Sqrt(abarT), sT = Math.Sqrt(1 - abarT), h = Math.Log(aT / sT) - lambdaS;
            var d = x0;
            if (prevX0 != null)
            {
                double r = (lambdaS - prevLambda) / h;
                d = x0.Select((v, i) => (1 + 1 / (2 * r)) * v - 1 / (2 * r) * prevX0[i]).ToArray();
            }
            x = x.Select((v, i) => sT / sS * v - aT * (Math.Exp(-h) - 1) * d[i]).ToArray();
            prevX0 = x0;
            prevLambda = lambdaS;
        }
        var got = sample.to_type(ScalarType.Float64).data<double>().ToArray();
        double err = got.Zip(x, (a, b) => Math.Abs(a - b) / Math.Max(1, Math.Abs(b))).Max();
        Assert.That(err, Is.LessThan(1e-4));
    }

    [Test]
    public void SamplesAreReproducibleWithTheSameSeed()
    {
        using var diff = GaussianDiffusion.Create("25");
        // A deliberately imperfect model, so the result actually depends on the noise drawn at every step.
        DenoiseFn model = (x, t) => cat(new[] { 0.5f * x, full_like(x, 0.3f) }, 1);
        using var a = diff.PSampleLoop(model, Shape, generator: new Generator(11));
        using var b = diff.PSampleLoop(model, Shape, generator: new Generator(11));
        using var c = diff.PSampleLoop(model, Shape, generator: new Generator(12));
        Assert.That(Same(a, b), Is.True);
        Assert.That(Same(a, c), Is.False);
        using var d1 = diff.DdimSampleLoop(model, Shape, eta: 1.0, generator: new Generator(11));
        using var d2 = diff.DdimSampleLoop(model, Shape, eta: 1.0, generator: new Generator(11));
        Assert.That(Same(d1, d2), Is.True);

        // Given the same initial noise, deterministic DDIM gives the same sample whatever the generator.
        using var x0 = randn(Shape, generator: new Generator(99));
        using var e1 = diff.DdimSampleLoop(model, Shape, noise: x0, generator: new Generator(1));
        using var e2 = diff.DdimSampleLoop(model, Shape, noise: x0, generator: new Generator(2));
        Assert.That(Same(e1, e2), Is.True);
        Assert.That(Same(x0, randn(Shape, generator: new Generator(99))), Is.True, "initial noise is not modified");
    }

    [Test]
    public void CancellationStopsBetweenSteps()
    {
        using var diff = GaussianDiffusion.Create("25");
        DenoiseFn model = (x, t) => cat(new[] { zeros_like(x), zeros_like(x) }, 1);
        using var cts = new CancellationTokenSource();
        int steps = 0;
        Assert.Throws<OperationCanceledException>(() => diff.PSampleLoop(model, Shape, progress: (s, n) =>
        {
            steps = s;
            if (s == 3) cts.Cancel();
        }, cancellationToken: cts.Token));
        Assert.That(steps, Is.EqualTo(3));
        Assert.Throws<OperationCanceledException>(() => diff.DdimSampleLoop(model, Shape, cancellationToken: cts.Token));
    }

    [Test]
    public void SamplingDoesNotRecordGradients()
    {
        using var diff = GaussianDiffusion.Create("10");
        using var w = tensor(0.1f).requires_grad_(true);
        DenoiseFn model = (x, t) => cat(new[] { w * x, zeros_like(x) }, 1);
        using var s = diff.DdimSampleLoop(model, Shape);
        Assert.That(s.requires_grad, Is.False);
    }

    [Test]
    public void SamplingLoopsDoNotLeakTensors()
    {
        using var diff = GaussianDiffusion.Create("25");
        DenoiseFn model = (x, t) => cat(new[] { 0.5f * x, full_like(x, 0.3f) }, 1);
        // Warm-up: the schedule tables are created lazily and cached for the lifetime of the diffusion.
        diff.PSampleLoop(model, Shape, generator: new Generator(1)).Dispose();
        diff.DdimSampleLoop(model, Shape, eta: 0.5, generator: new Generator(1)).Dispose();
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        diff.PSampleLoop(model, Shape, generator: new Generator(1)).Dispose();
        diff.DdimSampleLoop(model, Shape, eta: 0.5, generator: new Generator(1)).Dispose();
        Assert.That(TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before));
    }
}
