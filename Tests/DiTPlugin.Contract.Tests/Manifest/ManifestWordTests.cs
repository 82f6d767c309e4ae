using System;
using System.Text.Json.Nodes;
using DiTPlugin.Contract.Package;
using NUnit.Framework;

namespace DiTPlugin.Contract.Tests.Manifest;

/// <summary>
/// The vocabulary fields read as enums, but a word outside the format's list is refused by validation, which names
/// the field (or the graph's file), the word and the valid words, as readers always reported it; and a field left out
/// reads as its documented default.
/// </summary>
public class ManifestWordTests
{
    private static PackageFormatException Refused(ModelManifest m, Action<JsonObject> change)
    {
        var json = SampleManifests.Json(m);
        change(json);
        return Assert.Throws<PackageFormatException>(() => ModelManifest.Parse(json.ToJsonString()))!;
    }

    [TestCase("bogus")]
    [TestCase("Latent")]
    [TestCase("")]
    public void UnknownWordsAreNamedWithTheValidOnes(string word)
    {
        var latent = SampleManifests.Latent;
        string shown = $"'{word}'";
        Assert.Multiple(() =>
        {
            Assert.That(Refused(latent, j => j["input"]!["space"] = word).Message,
                Is.EqualTo($"model.json: input.space {shown} is not 'pixel' or 'latent'."));
            Assert.That(Refused(latent, j => j["output"]!["colorSpace"] = word).Message,
                Is.EqualTo($"model.json: output.colorSpace {shown} is not 'sRGB' or 'linear'."));
            Assert.That(Refused(latent, j => { j["schedule"]!["kind"] = word; j["schedule"]!["betas"] = null; }).Message,
                Is.EqualTo($"model.json: schedule.kind {shown} is not 'linear' or 'cosine'."));
            var role = Refused(latent, j => j["graphs"]![2]!["role"] = word);
            Assert.That((role.File, role.Message), Is.EqualTo((PackageFiles.Decoder, $"vae_decoder.onnx: role {shown} is not 'dit', 'vae_decoder', 'vae_encoder' or 'upscaler'.")));
            Assert.That(Refused(latent, j => j["graphs"]![1]!["precision"] = word).Message,
                Is.EqualTo($"dit_fp16.onnx: precision {shown} is not 'fp32', 'fp16' or 'int8'."));
            Assert.That(Refused(latent, j => j["graphs"]![3]!["padding"] = word).Message,
                Is.EqualTo($"vae_decoder_fp16.onnx: padding {shown} is not 'zeros' or 'circular'."));
        });
    }

    [Test]
    public void NullWordsAreNamedAsNull()
    {
        var latent = SampleManifests.Latent;
        Assert.That(Refused(latent, j => j["input"]!["space"] = null).Message, Is.EqualTo("model.json: input.space null is not 'pixel' or 'latent'."));
        Assert.That(Refused(latent, j => j["graphs"]![2]!["padding"] = null).Message, Is.EqualTo("vae_decoder.onnx: padding null is not 'zeros' or 'circular'."));
    }

    [Test]
    public void WithoutADiTGraphThatIsSaidFirst()
    {
        // The only graph's role is unknown: what is missing is the DiT graph, as readers have always said.
        var e = Refused(SampleManifests.Pixel, j => j["graphs"]![0]!["role"] = "vae");
        Assert.That(e.Message, Is.EqualTo("model.json: graphs has no entry with role 'dit'."));
    }

    [Test]
    public void ExplicitBetasWinOverAnyKind()
    {
        var json = SampleManifests.Json(SampleManifests.Latent);
        json["schedule"]!["kind"] = "custom";
        var m = ModelManifest.Parse(json.ToJsonString());
        Assert.That(m.Schedule.Kind, Is.Null, "not a kind the format names");
        Assert.That(m.Schedule.ComputeBetas(), Is.EqualTo(new[] { 0.1, 0.2, 0.3, 0.4 }));
        Assert.That(SampleManifests.Latent.Schedule.Kind, Is.EqualTo(ScheduleKind.Cosine));
    }

    [Test]
    public void LeftOutFieldsReadAsTheirDefaults()
    {
        var json = SampleManifests.Json(SampleManifests.Pixel);
        json["input"]!.AsObject().Remove("space");
        json["output"]!.AsObject().Remove("colorSpace");
        json["schedule"]!.AsObject().Remove("kind");
        json["architecture"]!.AsObject().Remove("learnSigma");
        var graph = json["graphs"]![0]!.AsObject();
        graph.Remove("precision");
        graph.Remove("batch");
        var m = ModelManifest.Parse(json.ToJsonString());
        Assert.That((m.Input.Space, m.Output.ColorSpace, m.Schedule.Kind, m.Architecture.LearnSigma),
            Is.EqualTo((InputSpace.Pixel, ColorSpace.Srgb, (ScheduleKind?)ScheduleKind.Linear, true)));
        Assert.That((m.Graphs[0].Precision, m.Graphs[0].Batch, m.Graphs[0].Padding), Is.EqualTo((Precision.Fp32, 1, Padding.Zeros)));
        Assert.That(m.Sampling, Is.Null);
        Assert.That(m.ClipDenoised, Is.True, "a pixel model without a sampling section clips");
    }

    [Test]
    public void AWrittenDefaultPaddingIsTheDefault()
    {
        var json = SampleManifests.Json(SampleManifests.Latent);
        json["graphs"]![2]!["padding"] = Paddings.Zeros;
        var m = ModelManifest.Parse(json.ToJsonString());
        Assert.That(m.Graphs[2].Padding, Is.EqualTo(Padding.Zeros));
        Assert.That(m.DecoderGraphs(circular: false), Has.Count.EqualTo(2));
    }
}
