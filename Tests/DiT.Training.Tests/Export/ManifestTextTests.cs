using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using DiTPlugin.Contract.Package;
using DiTPlugin.TestSupport;
using DiT.Training.Export;
using DiT.Training.Formats;
using DiT.Training.Import;
using DiT.Training.Trainer;
using NUnit.Framework;

namespace DiT.Training.Tests.Export;

/// <summary>
/// The exporter's model.json, pinned to the text it wrote before the manifest types moved to DiTPlugin.Contract
/// (Tests/fixtures/model_json_*.json, written at commit 1ba52e4 from these requests): keys, their order, nulls, omitted
/// optional fields, number and string spelling. sha256 values are compared only as being sha256 values, so a change
/// in the graphs' bytes (the exporters) does not fail these tests; a change of the format does.
/// </summary>
public class ManifestTextTests
{
    private static string Written(ModelPackageRequest request)
    {
        var files = ModelPackageWriter.Build(request, out _);
        return System.Text.Encoding.UTF8.GetString(files.Single(f => f.Name == PackageFiles.Manifest).Bytes);
    }

    private static string Pinned(string fixture) => File.ReadAllText(RepoPaths.Find($"Tests/fixtures/{fixture}"));

    private static string WithoutHashes(string json) => Regex.Replace(json, "\"[0-9a-f]{64}\"", "\"(sha256)\"");

    [Test]
    public void PixelPackageOfTheShippedCheckpointIsWrittenAsBefore()
    {
        using var ckpt = Checkpoint.Load(RepoPaths.Find("models/fashion-mnist/dit.ckpt"));
        var request = ModelPackageRequest.FromCheckpoint(ckpt, "fashion \"quoted\" <b>&é—名</b>") with
        {
            Description = "line one\nline two\ttab 'single' \\ backslash \u2028 sep € 𝄞",
            License = new LicenseInfo { Id = "CC-BY-4.0", CommercialUse = true, Text = "text with \"quotes\" and\nnewline", Attribution = "someone <a@b.c>" },
            Synonyms = new Dictionary<string, int> { ["tee"] = 0, ["Pants"] = 1, ["ünïcode"] = 2 },
            IncludeFp16 = true,
            Dataset = "Fashion-MNIST",
            FinalLoss = 0.0123456789,
            TrainingSteps = 3000,
            UnconditionalLabelInput = false, ClassMixInput = false,   // the format before version 3: written byte for byte as then
        };
        Assert.That(WithoutHashes(Written(request)), Is.EqualTo(WithoutHashes(Pinned("model_json_pixel.json"))));
        // With the y_uncond input (the default now) exactly two things change: the version and the guidance flag.
        string expected = WithoutHashes(Pinned("model_json_pixel.json"))
            .Replace("\"formatVersion\": 1,", "\"formatVersion\": 3,")
            .Replace("\"guidedChannels\": 1\n", "\"guidedChannels\": 1,\n    \"unconditionalLabelInput\": true,\n    \"classMixInput\": true\n");
        Assert.That(WithoutHashes(Written(request with { UnconditionalLabelInput = true, ClassMixInput = true })), Is.EqualTo(expected));
    }

    [Test]
    public void LatentPackageWithEveryOptionalFieldIsWrittenAsBefore()
    {
        using var dit = StateDictFile.Load(RepoPaths.Find("Tests/fixtures/dit_tiny_official.pt"));
        using var model = DiTImporter.Import(dit.Tensors, "dit_tiny_official.pt", new DiTImporter.Options { Hints = new() { NumHeads = 4 } });
        // The decoders' bytes are never run here: only their entries reach model.json.
        var request = new ModelPackageRequest
        {
            Config = model.Config,
            Weights = model.state_dict(),
            ClassNames = Enumerable.Range(0, 10).Select(i => i == 3 ? "" : $"texture {i}").ToList(),
            Name = "imported-tiny",
            License = new LicenseInfo { Id = "CC-BY-NC-4.0", Text = "non-commercial", Attribution = "reference" },
            GuidedChannels = 3,
            ScheduleKind = ScheduleKind.Cosine,
            ColorSpace = ColorSpace.Linear,
            IncludeFp16 = true,
            LatentScale = 0.18215,
            LatentDownsample = 2,
            TileOverlap = 1,
            VaeDecoders = new[]
            {
                new VaeDecoderGraph(new byte[] { 1 }, Precision.Fp32, null, Circular: true),
                new VaeDecoderGraph(new byte[] { 2 }, Precision.Fp16),
                new VaeDecoderGraph(new byte[] { 3 }, Precision.Fp32, TileSize: 4),
            },
            UnconditionalLabelInput = false, ClassMixInput = false,
        };
        Assert.That(WithoutHashes(Written(request)), Is.EqualTo(WithoutHashes(Pinned("model_json_latent.json"))));
    }
}
