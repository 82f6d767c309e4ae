using DiTPlugin.Contract.Sampling;
using System;
using System.Linq;
using DiT.Training.Diffusion;
using DiT.Training.Model;
using DiT.Training.Trainer;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Diffusion;

/// <summary>ClassSampler samples over the chain the model was trained on (TrainOptions.DiffusionSteps), not a fixed 1000.</summary>
public class ClassSamplerTests
{
    internal static readonly DiTConfig Tiny = new() { Depth = 1, HiddenSize = 16, NumHeads = 2, PatchSize = 2, InputSize = 4, InChannels = 1, NumClasses = 2 };

    /// <summary>A tiny DiT with random weights everywhere (the adaLN-zero init would predict ε = 0 whatever the input).</summary>
    internal static DiTModel RandomModel()
    {
        var model = new DiTModel(Tiny);
        var g = new Generator(21);
        using (no_grad())
            foreach (var p in model.parameters())
                p.copy_(randn(p.shape, generator: g) * 0.2f);
        return model;
    }

    [TestCase("ddim10")]
    [TestCase("20")]
    [TestCase("dpm8")]
    public void SamplesWithTheGivenChainLength(string sampler)
    {
        using var model = RandomModel();
        int[] labels = { 0, 1, 1 };
        const long seed = 5;
        using var t100 = ClassSampler.Sample(model, labels, sampler, cfgScale: 1.0, seed, diffusionSteps: 100);
        using var t1000 = ClassSampler.Sample(model, labels, sampler, cfgScale: 1.0, seed, diffusionSteps: 1000);

        // The same chain by hand: a T = 100 linear schedule respaced by the spec, the same initial noise.
        var spec = SamplerSpec.Parse(sampler, 100);
        using var diffusion = GaussianDiffusion.Create(spec.Respacing, "linear", 100, Tiny.LearnSigma);
        model.eval();
        using var _ = no_grad();
        using var y = tensor(labels.Select(l => (long)l).ToArray());
        var fn = GuidedDenoiser.For(model, y);
        var shape = new long[] { labels.Length, 1, 4, 4 };
        using var g = new Generator(seed);
        using var z = randn(shape, generator: g);
        using var direct = spec.Family switch
        {
            SamplerFamily.Ddim => diffusion.DdimSampleLoop(fn, shape, eta: 0.0, generator: g, noise: z),
            SamplerFamily.DpmSolver => diffusion.DpmSolverSampleLoop(fn, shape, generator: g, noise: z),
            _ => diffusion.PSampleLoop(fn, shape, generator: g, noise: z),
        };
        using var expected = direct.clamp(-1, 1);

        Assert.That((t100 - expected).abs().max().item<float>(), Is.LessThan(1e-6f), "T = 100 samples the T = 100 chain");
        Assert.That((t100 - t1000).abs().max().item<float>(), Is.GreaterThan(1e-2f), "and T matters");
    }

    [Test]
    public void ValidatesTheSamplerAgainstTheChainLength()
    {
        using var model = RandomModel();
        Assert.Throws<ArgumentException>(() => ClassSampler.Sample(model, new[] { 0 }, "ddim150", 1.0, 0, diffusionSteps: 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassSampler.Sample(model, new[] { 0 }, "ddim10", 1.0, 0, diffusionSteps: 0));
        using var ok = ClassSampler.Sample(model, new[] { 0 }, "ddim100", 1.0, 0, diffusionSteps: 100);
        Assert.That(ok.shape, Is.EqualTo(new long[] { 1, 1, 4, 4 }));
    }
}
