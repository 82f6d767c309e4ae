using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Contract.Classes;
using DiTPlugin.Contract.Package;
using NUnit.Framework;
using static DiTPlugin.Contract.Tests.Manifest.SampleManifests;

namespace DiTPlugin.Contract.Tests.Manifest;

/// <summary>
/// The rules every reader applies and the exporter checks what it writes against (docs/model-package.md, "Limits
/// and rules for readers"): each names the field, its value and what is valid. The Plugin's hostile-package tests
/// drive the same rules through whole packages.
/// </summary>
public class ManifestValidationTests
{
    private static string Refused(ModelManifest m) =>
        Assert.Throws<PackageFormatException>(() => m.Validate())!.Message;

    private static ModelManifest WithGraph(ModelManifest m, int index, Func<GraphInfo, GraphInfo> change) =>
        m with { Graphs = m.Graphs.Select((g, i) => i == index ? change(g) : g).ToArray() };

    [Test]
    public void TheSamplesAreValid()
    {
        Assert.DoesNotThrow(() => Latent.Validate());
        Assert.DoesNotThrow(() => Pixel.Validate());
        Assert.That(Latent.Problems(), Is.Empty);
        var encoder = new GraphInfo { Role = GraphRole.VaeEncoder, File = PackageFiles.Encoder, Precision = Precision.Fp32, Batch = 1, Opset = 17, Sha256 = SampleManifests.Sha(7) };
        var withEncoder = Latent with { FormatVersion = PackageFormat.VaeEncoderVersion, Graphs = Latent.Graphs.Append(encoder).ToArray() };
        Assert.That(withEncoder.Problems(), Is.Empty);
        Assert.That(withEncoder.EncoderGraph(preferFp16: true), Is.EqualTo(encoder), "fp32 when there is no fp16 encoder");
        Assert.That(Latent.EncoderGraph(false), Is.Null);
        var up = new GraphInfo { Role = GraphRole.Upscaler, File = PackageFiles.Upscaler, Precision = Precision.Fp32, Batch = 1, Opset = 17, Factor = 4, Sha256 = SampleManifests.Sha(9) };
        var withUp = Pixel with { FormatVersion = PackageFormat.UpscalerVersion, Graphs = Pixel.Graphs.Append(up).ToArray() };
        Assert.That(withUp.Problems(), Is.Empty);
        Assert.That(withUp.UpscalerGraph(), Is.EqualTo(up));
    }

    private static IEnumerable<TestCaseData> Breaks()
    {
        TestCaseData Case(string name, ModelManifest m, string message) => new TestCaseData(m, message).SetName(name);
        yield return Case("input.size limit", Pixel with { Input = Pixel.Input with { Size = 8193 } }, "model.json: input.size 8193 is outside 1..8192.");
        yield return Case("pixel output matches input", Pixel with { Output = Pixel.Output with { Width = 16 } },
            "model.json: output 16x8x1 does not match input 8x8x1 of a pixel-space model.");
        yield return Case("output channels", Pixel with { Input = Pixel.Input with { Channels = 2 }, Output = Pixel.Output with { Channels = 2 } },
            "model.json: output.channels 2 is not 1, 3 or 4.");
        yield return Case("latent section", Latent with { Latent = null },
            "model.json: input.space is 'latent' but latent (scale, downsample, decoder) is missing or invalid.");
        yield return Case("latent output size", Latent with { Latent = Latent.Latent! with { Downsample = 4 } },
            "model.json: output 64x64 does not match input.size 8 x latent.downsample 4.");
        yield return Case("decoder path", Latent with { Latent = Latent.Latent! with { Decoder = "../vae.onnx" } },
            $"model.json: latent.decoder '../vae.onnx' is not a plain relative path inside the package: it has a '..' segment (paths are {PackagePath.Rule}).");
        yield return Case("sha256 spelling", WithGraph(Pixel, 0, g => g with { Sha256 = "sha256:" + g.Sha256 }),
            $"model.json: graphs[0].sha256 'sha256:{Pixel.Graphs[0].Sha256}' is not a sha256: it must be exactly 64 hexadecimal digits (no spaces or prefix).");
        yield return Case("repeated class name", Pixel with { Classes = Pixel.Classes with { Names = new[] { "light", "light" } } },
            "model.json: classes.names[1] 'light' repeats classes.names[0]; class names must be unique, ignoring case (a repeated name could not select its class).");
        yield return Case("synonym without words", Pixel with { Classes = Pixel.Classes with { Synonyms = new Dictionary<string, int> { ["--"] = 1 } } },
            "model.json: classes.synonyms has the synonym '--' (for class 1), which has no letters or digits; no search could reach it.");
        yield return Case("synonym id", Pixel with { Classes = Pixel.Classes with { Synonyms = new Dictionary<string, int> { ["pebble"] = 2 } } },
            "model.json: classes.synonyms['pebble'] = 2 is not a class id (0..1).");
        yield return Case("null class", Pixel with { Classes = Pixel.Classes with { NullClass = 0 } },
            "model.json: classes.nullClass is 0, expected 2 (= count) or null (no guidance).");
        yield return Case("linear schedule length", Pixel with { Schedule = new ScheduleInfo { Timesteps = 10 } },
            "model.json: schedule.timesteps 10 is too few for the linear schedule, whose last beta 0.02·1000/T would be above 1; it needs 20..100000.");
        yield return Case("betas", Latent with { Schedule = Latent.Schedule with { Betas = new[] { 0.1, 0.2, 1.5, 0.4 } } },
            "model.json: schedule.betas[2] = 1.5 is not in (0, 1].");
        yield return Case("guided channels", Pixel with { Guidance = new GuidanceInfo { GuidedChannels = 2 } }, "model.json: guidance.guidedChannels must be in 0..1.");
        yield return Case("licence id", Pixel with { License = Pixel.License with { Id = " " } }, "model.json: license.id is missing.");
        yield return Case("opset", WithGraph(Pixel, 0, g => g with { Opset = 18 }), "dit.onnx: opset 18 is not supported (this plugin runs opset 17 only).");
        yield return Case("batch", WithGraph(Pixel, 0, g => g with { Batch = 65 }), "dit.onnx: batch 65 is more than 64 (graphs[0].batch must be in 1..64).");
        yield return Case("decoder in a pixel model", Pixel with { Graphs = Pixel.Graphs.Append(Latent.Graphs[3] with { Batch = 1 }).ToArray() },
            "vae_decoder_fp16.onnx: is a vae_decoder but input.space is not 'latent'.");
        yield return Case("tile size", WithGraph(Latent, 2, g => g with { TileSize = 9 }), "vae_decoder.onnx: tileSize 9 must be in 1..input.size (8).");
        yield return Case("circular DiT", WithGraph(Latent, 0, g => g with { Padding = Padding.Circular }), "dit.onnx: padding 'circular' is for 'vae_decoder' graphs only.");
        yield return Case("circular tiles", WithGraph(Latent, 4, g => g with { TileSize = 4 }),
            "vae_decoder_circular.onnx: a circular-padding decoder decodes whole latents: it cannot have a tileSize below input.size.");
        yield return Case("decoder batch", WithGraph(Latent, 3, g => g with { Batch = 1 }),
            "vae_decoder_fp16.onnx: batch 1 differs from the DiT graph's batch 2; the decoder decodes what one DiT run samples.");
        yield return Case("decoder hash given twice", Latent with { Latent = Latent.Latent! with { DecoderSha256 = SampleManifests.Sha(9) } },
            "model.json: latent.decoderSha256 differs from graphs[2].sha256 for the same file 'vae_decoder.onnx'.");
        yield return Case("latent.decoder a zero-padded decoder", Latent with { Latent = Latent.Latent! with { Decoder = PackageFiles.CircularDecoder, DecoderSha256 = SampleManifests.Sha(5) } },
            "model.json: latent.decoder 'vae_decoder_circular.onnx' is not among the graphs with role 'vae_decoder'.");
        var encoder = new GraphInfo
        {
            Role = GraphRole.VaeEncoder, File = PackageFiles.Encoder, Precision = Precision.Fp32, Batch = 1, Opset = 17, Sha256 = SampleManifests.Sha(7),
        };
        var withEncoder = Latent with { FormatVersion = PackageFormat.VaeEncoderVersion, Graphs = Latent.Graphs.Append(encoder).ToArray() };
        yield return Case("encoder in a pixel model", Pixel with { FormatVersion = 4, Graphs = Pixel.Graphs.Append(encoder).ToArray() },
            "vae_encoder.onnx: is a vae_encoder but input.space is not 'latent'.");
        yield return Case("encoder before version 4", withEncoder with { FormatVersion = 3 },
            "vae_encoder.onnx: role 'vae_encoder' needs formatVersion 4 or later (the manifest says 3); older readers do not know the role.");
        yield return Case("encoder batch", WithGraph(withEncoder, withEncoder.Graphs.Count - 1, g => g with { Batch = 2 }),
            "vae_encoder.onnx: batch 2: a vae_encoder encodes one texture, so its batch is 1.");
        yield return Case("encoder tiles", WithGraph(withEncoder, withEncoder.Graphs.Count - 1, g => g with { TileSize = 4 }),
            "vae_encoder.onnx: a vae_encoder encodes whole textures: it has no tileSize.");
        yield return Case("two encoders", withEncoder with { Graphs = withEncoder.Graphs.Append(encoder with { File = "second.onnx", Sha256 = SampleManifests.Sha(8) }).ToArray() },
            "model.json: graphs has more than one 'vae_encoder' of the same precision; readers would not know which to run.");
        var upscaler = new GraphInfo { Role = GraphRole.Upscaler, File = PackageFiles.Upscaler, Precision = Precision.Fp32, Batch = 1, Opset = 17, Factor = 4, Sha256 = SampleManifests.Sha(9) };
        var withUpscaler = Pixel with { FormatVersion = PackageFormat.UpscalerVersion, Graphs = Pixel.Graphs.Append(upscaler).ToArray() };
        yield return Case("upscaler before version 5", withUpscaler with { FormatVersion = 4 },
            "upscaler.onnx: role 'upscaler' needs formatVersion 5 or later (the manifest says 4); older readers do not know the role.");
        yield return Case("upscaler without factor", WithGraph(withUpscaler, withUpscaler.Graphs.Count - 1, g => g with { Factor = null }),
            "upscaler.onnx: is an upscaler without a factor (2..8).");
        yield return Case("upscaler factor", WithGraph(withUpscaler, withUpscaler.Graphs.Count - 1, g => g with { Factor = 16 }), "upscaler.onnx: factor 16 is not in 2..8.");
        yield return Case("upscaler batch", WithGraph(withUpscaler, withUpscaler.Graphs.Count - 1, g => g with { Batch = 2 }),
            "upscaler.onnx: batch 2: an upscaler upscales one image, so its batch is 1.");
        yield return Case("factor on a DiT graph", WithGraph(Pixel, 0, g => g with { Factor = 4 }), "dit.onnx: factor is for 'upscaler' graphs only.");
        yield return Case("tile overlap", Latent with { Latent = Latent.Latent! with { TileOverlap = 4 } }, "model.json: latent.tileOverlap 4 must be in 0..tileSize-1.");
        var huge = Pixel with { Input = new InputInfo { Size = 8192, Channels = 4 }, Output = new OutputInfo { Width = 8192, Height = 8192, Channels = 4 }, Guidance = new GuidanceInfo { GuidedChannels = 4 } };
        yield return Case("tensor elements", WithGraph(huge, 0, g => g with { Batch = 2 }),
            "dit.onnx: its tensor [2, 4, 8192, 8192] has 536870912 values, more than 268435456 (2^28, PackageLimits.MaxTensorElements); lower the batch or size.");
    }

    [TestCaseSource(nameof(Breaks))]
    public void EachRuleNamesTheFieldAndWhatIsValid(ModelManifest m, string message) => Assert.That(Refused(m), Is.EqualTo(message));

    [Test]
    public void RepeatedClassNamesFollowTheResolversRuleWithImageNetsOwnRepeatsAllowed()
    {
        ModelManifest WithNames(IReadOnlyList<string> names) =>
            Pixel with { Classes = Pixel.Classes with { Count = names.Count, NullClass = names.Count, Names = names } };
        Assert.That(Refused(WithNames(new[] { "crane", "crane" })), Does.Contain("classes.names[1] 'crane' repeats classes.names[0]"));
        Assert.That(Refused(WithNames(new[] { "Stone", "stone " })), Does.Contain("classes.names[1] 'stone ' repeats classes.names[0]"),
            "compared trimmed and ignoring case, as the resolver finds names");
        Assert.DoesNotThrow(() => WithNames(new[] { "", "" }).Validate(), "unnamed classes are placeholders, never repeats");
        var imageNet = ImageNetClasses.All.Select(c => c.Name).ToArray();
        Assert.DoesNotThrow(() => WithNames(imageNet).Validate(), "ImageNet's own crane/maillot/cardigan repeats");
        var other = (string[])imageNet.Clone();
        other[10] = other[11];
        Assert.That(Refused(WithNames(other)), Does.Contain("classes.names[11]").And.Contain("repeats classes.names[10]"), "any other repeat in an ImageNet list");
    }

    [Test]
    public void ProblemsListsWhatValidateWouldRefuseUpToTheFirstItCannotPass()
    {
        var many = WithGraph(Pixel with { Name = new string('n', 257), Classes = Pixel.Classes with { NullClass = 5 } }, 0, g => g with { Batch = 65 });
        Assert.That(many.Problems(), Is.EqualTo(new[]
        {
            "model.json: name is 257 characters long, more than 256.",
            "model.json: classes.nullClass is 5, expected 2 (= count) or null (no guidance).",
            "dit.onnx: batch 65 is more than 64 (graphs[0].batch must be in 1..64).",
        }));
        Assert.That(Refused(many), Is.EqualTo(many.Problems()[0]), "Validate throws the first");
        // A missing licence ends the list: the checks after it would read it.
        var stops = many with { License = new LicenseInfo() };
        Assert.That(stops.Problems(), Is.EqualTo(new[] { many.Problems()[0], many.Problems()[1], "model.json: license.id is missing." }));
    }

    [Test]
    public void NullSectionsAreNamed()
    {
        string RefusedJson(string field)
        {
            var json = SampleManifests.Json(Pixel);
            json[field] = null;
            return Assert.Throws<PackageFormatException>(() => ModelManifest.Parse(json.ToJsonString()))!.Message;
        }
        Assert.That(RefusedJson("architecture"), Is.EqualTo("model.json: architecture is null; it must be an object (see docs/model-package.md)."));
        Assert.That(RefusedJson("input"), Is.EqualTo("model.json: input is null; it must be an object with size, channels and space."));
        Assert.That(RefusedJson("name"), Is.EqualTo("model.json: name is null; it must be a string naming the model."));
        Assert.That(RefusedJson("classes"), Is.EqualTo("model.json: classes.count must be at least 1."));
    }
}
