using System;
using System.Linq;
using System.Threading;
using DiTPlugin.Training.Diffusion;
using NUnit.Framework;
using static TorchSharp.torch;
using static DiTPlugin.Training.Tests.Diffusion.TensorAssert;

namespace DiTPlugin.Training.Tests.Diffusion;

/// <summary>DDPM / DDIM loops with an oracle that knows x0, plus reproducibility and cancellation.</summary>
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

    [Test]
    public void DdimWithOracleRecoversX0()
    {
        using var x0 = KnownX0();
        using var diff = GaussianDiffusion.Create("ddim50");
        int calls = 0;
        using var sample = diff.DdimSampleLoop(Oracle(x0, true), Shape, generator: new Generator(3),
            progress: (step, total) => { calls++; Assert.That(total, Is.EqualTo(50)); Assert.That(step, Is.EqualTo(calls)); });
        Assert.That(calls, Is.EqualTo(50));
        Assert.That((sample - x0).abs().max().item<float>(), Is.LessThan(1e-4f));
    }

    [Test]
    public void DdpmWithOracleLandsOnX0()
    {
        using var x0 = KnownX0();
        using var diff = GaussianDiffusion.Create("250", learnSigma: false);
        using var sample = diff.PSampleLoop(Oracle(x0, false), Shape, generator: new Generator(3));
        Assert.That((sample - x0).abs().max().item<float>(), Is.LessThan(1e-3f));
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
