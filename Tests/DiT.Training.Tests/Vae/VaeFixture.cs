using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.TestSupport;
using DiT.Training.Formats;
using DiT.Training.Vae;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Vae;

/// <summary>The checked-in tiny VAE reference (Tests/fixtures/vae_tiny_reference.safetensors) and helpers.</summary>
internal static class VaeFixture
{
    public const string RelativePath = "Tests/fixtures/vae_tiny_reference.safetensors";

    /// <summary>The fixture's config (its metadata says the same; VaeReferenceFixtureTests checks).</summary>
    public static readonly VaeConfig TinyConfig = new()
    {
        BlockOutChannels = new[] { 16, 32 }, LayersPerBlock = 1, NormGroups = 8, NormEps = 1e-6, LatentChannels = 4,
    };

    public static SafetensorsFile Open() => Safetensors.Load(RepoPaths.Find(RelativePath,
        "Regenerate it with '/usr/bin/python3 Tests/fixtures/make_vae_fixture.py' (see Tests/fixtures/README.md)."));

    /// <summary>The weights under their diffusers names (the "weights." prefix removed).</summary>
    public static Dictionary<string, Tensor> Weights(SafetensorsFile f) => f.Names
        .Where(n => n.StartsWith("weights.", StringComparison.Ordinal))
        .ToDictionary(n => n["weights.".Length..], n => f[n]);

    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape))
            throw new ArgumentException($"shape [{string.Join(",", a.shape)}] vs [{string.Join(",", b.shape)}]");
        using var scope = NewDisposeScope();
        return (a.to(float64) - b.to(float64)).abs().max().item<double>();
    }

    /// <summary>A VAE with every parameter random and non-zero (GroupNorm affines perturbed around 1 and 0).</summary>
    public static AutoencoderKL RandomModel(VaeConfig cfg, ulong seed = 3)
    {
        var model = new AutoencoderKL(cfg);
        model.eval();
        var gen = new Generator(seed);
        using var _ = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            using var noise = randn(p.shape, generator: gen);
            if (p.ndim == 1) p.add_(noise * 0.1);     // biases and GroupNorm affines
        }
        return model;
    }
}
