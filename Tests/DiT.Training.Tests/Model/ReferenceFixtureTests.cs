using DiTPlugin.TestSupport;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiT.Training.Formats;
using DiT.Training.Model;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Model;

/// <summary>
/// Compares our DiT with an independent plain-PyTorch forward pass written from the paper
/// (Tests/fixtures/make_dit_fixture.py): random non-zero weights under the official state_dict names,
/// inputs, and the reference outputs of forward and classifier-free guidance (scale 4, 3 guided channels).
/// The fixture is checked in; torch (Python) is needed only to regenerate it.
/// </summary>
public class ReferenceFixtureTests
{
    private const string FixtureRelativePath = "Tests/fixtures/dit_tiny_reference.safetensors";
    private const double OutputTolerance = 1e-5;
    private const double PosEmbedTolerance = 1e-6;

    private static readonly DiTConfig TinyConfig = new()
    {
        Depth = 2, HiddenSize = 64, NumHeads = 4, PatchSize = 2, InputSize = 8, InChannels = 4, NumClasses = 10,
        LearnSigma = true,
    };

    private static string FixturePath() => RepoPaths.Find(FixtureRelativePath,
        "Regenerate it with '/usr/bin/python3 Tests/fixtures/make_dit_fixture.py' (see Tests/fixtures/README.md).");

    private static double MaxAbsDiff(Tensor a, Tensor b)
    {
        Assert.That(a.shape, Is.EqualTo(b.shape), "shape");
        using var d = (a.to(float64) - b.to(float64)).abs().max();
        return d.item<double>();
    }

    /// <summary>Our model with the fixture's weights copied in by name (the key sets must match exactly).</summary>
    private static DiTModel LoadModel(SafetensorsFile fixture)
    {
        var model = new DiTModel(TinyConfig);
        var sd = model.state_dict();
        var fixtureKeys = fixture.Names.Where(n => n.StartsWith("weights.", StringComparison.Ordinal))
            .Select(n => n["weights.".Length..]).ToList();
        Assert.That(sd.Keys, Is.EquivalentTo(fixtureKeys), "state_dict keys vs the official checkpoint names");
        using (no_grad())
            foreach (var k in fixtureKeys)
            {
                var w = fixture.Tensors["weights." + k];
                Assert.That(sd[k].shape, Is.EqualTo(w.shape), k);
                sd[k].copy_(w);
            }
        model.eval();
        return model;
    }

    [Test]
    public void ForwardMatchesTheReference()
    {
        using var fixture = Safetensors.Load(FixturePath());
        using var model = LoadModel(fixture);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var outp = model.forward(fixture["input.x"], fixture["input.t"], fixture["input.y"]);
        var err = MaxAbsDiff(outp, fixture["output.forward"]);
        TestContext.Out.WriteLine($"forward: max abs error {err:E3} (torch {fixture.Metadata.GetValueOrDefault("torch_version")})");
        Assert.That(err, Is.LessThanOrEqualTo(OutputTolerance));
    }

    [Test]
    public void ClassifierFreeGuidanceMatchesTheReference()
    {
        using var fixture = Safetensors.Load(FixturePath());
        Assert.That(fixture.Metadata["cfg_scale"], Is.EqualTo("4.0"));
        Assert.That(fixture.Metadata["cfg_guided_channels"], Is.EqualTo("3"));
        using var model = LoadModel(fixture);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var outp = model.ForwardWithCfg(fixture["input.cfg_x"], fixture["input.cfg_t"], fixture["input.cfg_y"], 4.0, guidedChannels: 3);
        var err = MaxAbsDiff(outp, fixture["output.cfg4"]);
        TestContext.Out.WriteLine($"cfg 4.0: max abs error {err:E3}");
        Assert.That(err, Is.LessThanOrEqualTo(OutputTolerance));
    }

    [Test]
    public void SinCosPositionEmbeddingMatchesTheReference()
    {
        using var fixture = Safetensors.Load(FixturePath());
        using var scope = NewDisposeScope();
        var ours = tensor(PositionEmbedding.SinCos2D(64, 4), new long[] { 1, 16, 64 });
        var err = MaxAbsDiff(ours, fixture["weights.pos_embed"]);
        TestContext.Out.WriteLine($"pos_embed: max abs error {err:E3}");
        Assert.That(err, Is.LessThanOrEqualTo(PosEmbedTolerance));
    }

    [Test]
    public void FixtureDescribesTheTinyConfig()
    {
        using var fixture = Safetensors.Load(FixturePath());
        var meta = fixture.Metadata;
        Assert.That(meta.ContainsKey("torch_version"), "metadata names the torch version");
        var cfg = System.Text.Json.JsonDocument.Parse(meta["config"]).RootElement;
        Assert.That(cfg.GetProperty("depth").GetInt32(), Is.EqualTo(TinyConfig.Depth));
        Assert.That(cfg.GetProperty("hidden_size").GetInt32(), Is.EqualTo(TinyConfig.HiddenSize));
        Assert.That(cfg.GetProperty("num_heads").GetInt32(), Is.EqualTo(TinyConfig.NumHeads));
        Assert.That(cfg.GetProperty("patch_size").GetInt32(), Is.EqualTo(TinyConfig.PatchSize));
        Assert.That(cfg.GetProperty("input_size").GetInt32(), Is.EqualTo(TinyConfig.InputSize));
        Assert.That(cfg.GetProperty("in_channels").GetInt32(), Is.EqualTo(TinyConfig.InChannels));
        Assert.That(cfg.GetProperty("num_classes").GetInt32(), Is.EqualTo(TinyConfig.NumClasses));
        Assert.That(cfg.GetProperty("learn_sigma").GetBoolean(), Is.EqualTo(TinyConfig.LearnSigma));
        // The weights are random and non-zero everywhere, so the comparison is not trivially 0 == 0.
        using var scope = NewDisposeScope();
        foreach (var name in fixture.Names.Where(n => n.StartsWith("weights.", StringComparison.Ordinal)))
            Assert.That(fixture[name].abs().max().item<float>(), Is.GreaterThan(0f), name);
        Assert.That(fixture["output.forward"].abs().max().item<float>(), Is.GreaterThan(0.1f));
        Assert.That(fixture["input.y"].max().item<long>(), Is.EqualTo(TinyConfig.NumClasses), "the null class is exercised");
    }
}
