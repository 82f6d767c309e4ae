using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Contract.Package;
using DiT.Training.Export;
using DiT.Training.Model;
using NUnit.Framework;
using static DiT.Training.Tests.Export.OnnxTestUtil;

namespace DiT.Training.Tests.Export;

/// <summary>
/// The exporter refuses what the Plugin's reader would refuse (DiTPlugin.Contract's ManifestLimits, which both use),
/// before it builds any graph: a package it writes is one the game can load.
/// </summary>
public class PackageLimitsExportTests
{
    private static readonly DiTConfig Cfg = Tiny(BlockType.AdaLNZero);

    private static ModelPackageRequest Request(DiTModel model) => new()
    {
        Config = model.Config, Weights = model.state_dict(), ClassNames = Array.Empty<string>(), Name = "limits",
    };

    // The weights are never read when a limit is broken, so these requests carry none.
    private static IReadOnlyList<string> Problems(Func<ModelPackageRequest, ModelPackageRequest> change) =>
        ModelPackageWriter.LimitProblems(change(new ModelPackageRequest
        {
            Config = Cfg, Weights = new Dictionary<string, TorchSharp.torch.Tensor>(), ClassNames = Array.Empty<string>(), Name = "limits",
        }), Cfg);

    [Test]
    public void AnOrdinaryRequestIsWithinTheLimits() => Assert.That(Problems(r => r), Is.Empty);

    [Test]
    public void EachLimitReadersEnforceIsNamed()
    {
        Assert.That(Problems(r => r with { Batch = ManifestLimits.MaxBatch + 1 }), Has.One.Contains("dit.onnx: batch 65 is more than 64"));
        Assert.That(Problems(r => r with { Timesteps = ManifestLimits.MaxTimesteps + 1 }), Has.One.Contains("schedule.timesteps 100001 is outside"));
        Assert.That(Problems(r => r with { Timesteps = 10 }), Has.One.Contains("too few for the linear schedule"));
        Assert.That(Problems(r => r with { Timesteps = 10, ScheduleKind = ScheduleKind.Cosine }), Is.Empty, "the cosine schedule has no minimum");
        Assert.That(Problems(r => r with { Name = new string('n', ManifestLimits.MaxNameChars + 1) }), Has.One.EqualTo("model.json: name is 257 characters long, more than 256."));
        Assert.That(Problems(r => r with { License = r.License with { Id = " " } }), Has.One.Contains("license.id is missing"));
        Assert.That(Problems(r => r with { License = r.License with { Text = new string('t', ManifestLimits.MaxTextChars + 1) } }),
            Has.One.Contains("license.text"));
        Assert.That(Problems(r => r with { ClassNames = new[] { "a", "b", new string('c', 300), "d", "e" } }), Has.One.Contains("classes.names[2]"));
        Assert.That(Problems(r => r with { Synonyms = new Dictionary<string, int> { ["pebble"] = 5 } }), Has.One.Contains("is not a class id (0..4)"));
        Assert.That(Problems(r => r with { Synonyms = new Dictionary<string, int> { ["--"] = 1 } }),
            Has.One.EqualTo("model.json: classes.synonyms has the synonym '--' (for class 1), which has no letters or digits; no search could reach it."));
    }

    [Test]
    public void DecoderLimitsApplyToLatentPackagesOnly()
    {
        var decoder = new VaeDecoderGraph(new byte[1], Precision.Fp32, TileSize: 4);
        Assert.That(Problems(r => r with { LatentDownsample = 1000 }), Is.Empty, "no decoder: latent is not written");
        Assert.That(Problems(r => r with { VaeDecoders = new[] { decoder }, LatentDownsample = ManifestLimits.MaxDownsample + 1 }),
            Has.Some.Contains("latent.downsample 65"));
        Assert.That(Problems(r => r with { VaeDecoders = new[] { decoder }, TileOverlap = 4 }), Has.One.Contains("latent.tileOverlap 4"));
        Assert.That(Problems(r => r with { VaeDecoders = new[] { decoder }, TileOverlap = 1 }), Is.Empty);
        // 8 latent pixels × 64 = 512-pixel images, batch 64: 64·3·512² = 50M values, within 2^28 (268M).
        Assert.That(Problems(r => r with { VaeDecoders = new[] { decoder with { TileSize = null } }, LatentDownsample = 64, Batch = 64 }), Is.Empty);
        var big = Cfg with { InputSize = 128 };
        Assert.That(ModelPackageWriter.LimitProblems(new ModelPackageRequest
            {
                Config = big, Weights = new Dictionary<string, TorchSharp.torch.Tensor>(), ClassNames = Array.Empty<string>(), Name = "big",
                VaeDecoders = new[] { decoder with { TileSize = null } }, LatentDownsample = 32, Batch = 8,
            }, big), Has.One.Contains("vae_decoder.onnx: its tensor [8, 3, 4096, 4096] has 402653184 values, more than 268435456"));
    }

    [Test]
    public void BuildRefusesBeforeBuildingGraphs()
    {
        using var model = RandomModel(Cfg);
        var e = Assert.Throws<ArgumentException>(() => ModelPackageWriter.Build(Request(model) with { Batch = 100, Timesteps = 5 }, out _))!;
        Assert.That(e.Message, Does.StartWith("Package 'limits' would be refused by readers:").And.Contains("batch 100").And.Contains("linear schedule"));
        Assert.That(ModelPackageWriter.Build(Request(model), out var m).Select(f => f.Name), Does.Contain(PackageFiles.Manifest));
        Assert.That(m.Graphs.Single().File, Is.EqualTo(PackageFiles.DiT));
    }
}
