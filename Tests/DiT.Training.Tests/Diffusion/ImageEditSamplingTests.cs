using System;
using System.Collections.Generic;
using System.Linq;
using DiT.Training.Diffusion;
using DiT.Training.Model;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Diffusion;

/// <summary>
/// ClassSampler starting from an image (dit sample --init/--strength/--mask): the strength identities, the partial
/// DDIM chain against its closed form with the model's own ε at every step, and the kept region of inpainting.
/// </summary>
public class ImageEditSamplingTests
{
    // The tiny random-weight DiT of ClassSamplerTests.
    private static DiTConfig Tiny => ClassSamplerTests.Tiny;
    private static DiTModel RandomModel() => ClassSamplerTests.RandomModel();

    private static bool Same(Tensor a, Tensor b)
    {
        using var eq = a.eq(b).all();
        return eq.item<bool>();
    }

    private static Tensor Image() => linspace(-0.9, 0.9, 16).reshape(1, 4, 4);

    [Test]
    public void StrengthZeroIsTheImageAndStrengthOneIsTheGenerationOfTheSameSeed([Values("ddim10", "20", "dpm8")] string sampler)
    {
        using var model = RandomModel();
        using var image = Image();
        int[] labels = { 0, 1 };
        using var plain = ClassSampler.Sample(model, labels, sampler, 1.0, seed: 3, diffusionSteps: 100);
        using var full = ClassSampler.Sample(model, labels, sampler, 1.0, seed: 3, diffusionSteps: 100, edit: new ImageEdit(image, 1f));
        Assert.That(Same(full, plain), Is.True, "strength 1 starts from the same draw: the same samples");
        var steps = new List<int>();
        using var none = ClassSampler.Sample(model, labels, sampler, 1.0, seed: 3, diffusionSteps: 100, edit: new ImageEdit(image, 0f),
            progress: (done, total) => steps.Add(total));
        Assert.That(steps, Is.Empty, "strength 0 runs no step");
        using var expected = image.unsqueeze(0).expand(2, 1, 4, 4);
        Assert.That(Same(none, expected), Is.True);
    }

    [Test]
    public void APartialDdimChainFollowsTheClosedFormAtEveryStep()
    {
        using var model = RandomModel();
        using var image = Image();
        const float strength = 0.4f;   // 4 of 10 steps: chain indices 3..0
        var seen = new List<int>();
        using var got = ClassSampler.Sample(model, new[] { 1 }, "ddim10", 1.0, seed: 7, diffusionSteps: 100, edit: new ImageEdit(image, strength),
            progress: (done, total) => seen.Add(total));
        Assert.That(seen.Distinct(), Is.EqualTo(new[] { 4 }), "progress counts the 4 steps that run");

        // By hand: x_3 = √ᾱ_3·x0 + √(1−ᾱ_3)·z (z the seed's first draw), then DDIM (η = 0) with the model's ε, clipping x̂0.
        using var diffusion = GaussianDiffusion.Create(DiTPlugin.Contract.Sampling.SamplerSpec.Parse("ddim10", 100).Respacing, "linear", 100, Tiny.LearnSigma);
        var abar = diffusion.Schedule.AlphasCumprod.ToArray();
        model.eval();
        using var _ = no_grad();
        using var g = new Generator(7);
        using var z = randn(new long[] { 1, 1, 4, 4 }, generator: g);
        var x = Math.Sqrt(abar[3]) * image.unsqueeze(0) + Math.Sqrt(1 - abar[3]) * z;
        using var y = tensor(new long[] { 1 });
        for (int i = 3; i >= 0; i--)
        {
            using var t = full(new long[] { 1 }, (long)diffusion.TimestepMap[i], dtype: ScalarType.Int64);
            using var outp = model.forward(x, t, y);
            using var eps = outp[.., ..1];
            using var x0 = ((x - Math.Sqrt(1 - abar[i]) * eps) / Math.Sqrt(abar[i])).clamp(-1, 1);
            using var epsHat = (x - Math.Sqrt(abar[i]) * x0) / Math.Sqrt(1 - abar[i]);
            double prev = i > 0 ? abar[i - 1] : 1.0;
            var next = Math.Sqrt(prev) * x0 + Math.Sqrt(1 - prev) * epsHat;
            x.Dispose();
            x = next;
        }
        using var expected = x.clamp(-1, 1);
        x.Dispose();
        Assert.That((got - expected).abs().max().item<float>(), Is.LessThan(1e-5f));
    }

    [Test]
    public void InpaintingKeepsTheUnmaskedValuesExactly([Values("ddim10", "20", "dpm8")] string sampler)
    {
        using var model = RandomModel();
        using var image = Image();
        using var mask = zeros(4, 4);
        mask[.., ..2] = tensor(1f);   // regenerate the left half
        using var got = ClassSampler.Sample(model, new[] { 0, 1 }, sampler, 2.0, seed: 1, diffusionSteps: 100, edit: new ImageEdit(image, 1f, mask));
        using var kept = got[.., .., .., 2..];
        using var want = image[.., .., 2..].unsqueeze(0).expand(2, 1, 4, 2);
        Assert.That(Same(kept, want), Is.True, "the kept half is the image");
        using var changed = got[.., .., .., ..2] - image[.., .., ..2].unsqueeze(0);
        Assert.That(changed.abs().max().item<float>(), Is.GreaterThan(1e-2f), "the masked half is regenerated");
        Assert.Throws<ArgumentException>(() => ClassSampler.Sample(model, new[] { 0 }, sampler, 1.0, 1, diffusionSteps: 100, edit: new ImageEdit(zeros(1, 8, 8), 0.5f)));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassSampler.Sample(model, new[] { 0 }, sampler, 1.0, 1, diffusionSteps: 100, edit: new ImageEdit(image, 1.5f)));
    }
}
