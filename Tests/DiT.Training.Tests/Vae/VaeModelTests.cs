using System;
using System.Linq;
using DiT.Training.Vae;
using NUnit.Framework;
using static TorchSharp.torch;
using static DiT.Training.Tests.Vae.VaeFixture;

namespace DiT.Training.Tests.Vae;

/// <summary>A freshly built VAE (not loaded): sane initial parameters, shapes, and input checks.</summary>
public class VaeModelTests
{
    [Test]
    public void FreshModelHasIdentityGroupNormsAndFiniteOutputs()
    {
        // TorchSharp 0.107 leaves GroupNorm's affine uninitialised; we set it to PyTorch's (1, 0).
        using var vae = new AutoencoderKL(TinyConfig);
        var norms = vae.named_parameters().Where(p => p.name.Contains("norm")).ToList();
        Assert.That(norms.Count, Is.EqualTo(2 * 24), "weight + bias of the tiny VAE's 24 GroupNorms (encoder 10, decoder 14)");
        foreach (var (name, p) in norms)
        {
            float expected = name.EndsWith(".weight", StringComparison.Ordinal) ? 1f : 0f;
            Assert.That(p.eq(expected).all().item<bool>(), name);
        }
        Assert.That(vae.parameters().All(p => p.isfinite().all().item<bool>()));

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var image = rand(1, 3, 8, 8) * 2 - 1;
        var (mean, logvar) = vae.Encode(image);
        Assert.That(mean.shape, Is.EqualTo(new long[] { 1, 4, 4, 4 }));
        Assert.That(logvar.shape, Is.EqualTo(new long[] { 1, 4, 4, 4 }));
        var recon = vae.forward(image);
        Assert.That(recon.shape, Is.EqualTo(image.shape));
        Assert.That(recon.isfinite().all().item<bool>());
    }

    [Test]
    public void BadInputShapesAreExplained()
    {
        using var vae = new AutoencoderKL(TinyConfig);
        using var scope = NewDisposeScope();
        Assert.That(() => vae.Encode(zeros(1, 3, 9, 8)), Throws.ArgumentException.With.Message.Contains("multiples of 2"));
        Assert.That(() => vae.Encode(zeros(1, 1, 8, 8)), Throws.ArgumentException.With.Message.Contains("(B, 3, H, W)"));
        Assert.That(() => vae.Decode(zeros(1, 3, 4, 4)), Throws.ArgumentException.With.Message.Contains("(B, 4, h, w)"));
    }
}
