using System;
using System.Linq;
using DiTPlugin.Contract.Package;
using DiTPlugin.Contract.Schedules;
using NUnit.Framework;

namespace DiTPlugin.Contract.Tests;

/// <summary>
/// The words of model.json, pinned: these spellings are on disk in every package already written, so a change here
/// is a format change, not a refactoring.
/// </summary>
public class PackageVocabularyTests
{
    [Test]
    public void SpellingsAreTheFormatsWords()
    {
        Assert.That(InputSpaces.All, Is.EqualTo(new[] { "pixel", "latent" }));
        Assert.That(GraphRoles.All, Is.EqualTo(new[] { "dit", "vae_decoder", "vae_encoder", "upscaler" }));
        Assert.That(Paddings.All, Is.EqualTo(new[] { "zeros", "circular" }));
        Assert.That(Precisions.All, Is.EqualTo(new[] { "fp32", "fp16", "int8" }));
        Assert.That(ColorSpaces.All, Is.EqualTo(new[] { "sRGB", "linear" }));
        Assert.That(ScheduleKinds.All, Is.EqualTo(new[] { "linear", "cosine" }));
        Assert.That((PackageFormat.Name, PackageFormat.Version, PackageFormat.Int8Version, PackageFormat.Opset), Is.EqualTo(("ditplugin-model-package", 1, 2, 17)));
        Assert.That(new[] { GraphTensors.X, GraphTensors.T, GraphTensors.Y, GraphTensors.CfgScale, GraphTensors.Eps, GraphTensors.V, GraphTensors.Latent, GraphTensors.Image },
            Is.EqualTo(new[] { "x", "t", "y", "cfg_scale", "eps", "v", "latent", "image" }));
    }

    [Test]
    public void EveryEnumValueHasOneWordAndParsesBack()
    {
        static void RoundTrip<T>(Func<T, string> format, Func<string, T> parse) where T : struct, Enum
        {
            var words = Enum.GetValues(typeof(T)).Cast<T>().Select(format).ToList();
            Assert.That(words, Is.Unique, typeof(T).Name);
            foreach (T v in Enum.GetValues(typeof(T))) Assert.That(parse(format(v)), Is.EqualTo(v));
        }
        RoundTrip<InputSpace>(v => v.ToJson(), InputSpaces.Parse);
        RoundTrip<GraphRole>(v => v.ToJson(), GraphRoles.Parse);
        RoundTrip<Padding>(v => v.ToJson(), Paddings.Parse);
        RoundTrip<Precision>(v => v.ToJson(), Precisions.Parse);
        RoundTrip<ColorSpace>(v => v.ToJson(), ColorSpaces.Parse);
        RoundTrip<ScheduleKind>(v => v.ToJson(), ScheduleKinds.Parse);
        Assert.That((InputSpace.Latent.ToJson(), Precision.Fp16.ToJson(), ColorSpace.Srgb.ToJson()), Is.EqualTo(("latent", "fp16", "sRGB")));
    }

    // Readers compare exactly, so the writer's parse must too: "SRGB" accepted here would be a package readers refuse.
    [TestCase("Latent")]
    [TestCase(" latent")]
    [TestCase("")]
    [TestCase(null)]
    public void ParseIsExact(string? text)
    {
        Assert.That(InputSpaces.TryParse(text, out _), Is.False);
        Assert.That(InputSpaces.IsValid(text), Is.False);
        var e = Assert.Throws<FormatException>(() => InputSpaces.Parse(text))!;
        Assert.That(e.Message, Does.Contain("input.space").And.Contain("'pixel' or 'latent'"));
        Assert.That(ColorSpaces.IsValid("SRGB"), Is.False);
    }

    [Test]
    public void UndefinedEnumValuesAreRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ((Precision)7).ToJson());

    [Test]
    public void ExpectedNamesTheWordsForMessages() =>
        Assert.That((GraphRoles.Expected, Paddings.Expected, ScheduleKinds.Expected),
            Is.EqualTo(("'dit', 'vae_decoder', 'vae_encoder' or 'upscaler'", "'zeros' or 'circular'", "'linear' or 'cosine'")));

    [Test]
    public void ClipDenoisedDefaultsToClippingPixelModelsOnly()
    {
        Assert.That(PackageFormat.DefaultClipDenoised(InputSpace.Pixel), Is.True);
        Assert.That(PackageFormat.DefaultClipDenoised(InputSpace.Latent), Is.False);
        Assert.That(PackageFormat.DefaultClipDenoised("latent"), Is.False);
        Assert.That(PackageFormat.DefaultClipDenoised("pixel"), Is.True);
        Assert.That(PackageFormat.DefaultClipDenoised((string?)null), Is.True, "before validation, anything but 'latent' is pixel");
    }

    [Test]
    public void FileNamesOfEachGraph()
    {
        Assert.That(PackageFiles.Manifest, Is.EqualTo("model.json"));
        Assert.That((PackageFiles.DiTGraph(Precision.Fp32), PackageFiles.DiTGraph(Precision.Fp16)), Is.EqualTo(("dit.onnx", "dit_fp16.onnx")));
        Assert.That(new[]
            {
                PackageFiles.DecoderGraph(Precision.Fp32, Padding.Zeros), PackageFiles.DecoderGraph(Precision.Fp16, Padding.Zeros),
                PackageFiles.DecoderGraph(Precision.Fp32, Padding.Circular), PackageFiles.DecoderGraph(Precision.Fp16, Padding.Circular),
            },
            Is.EqualTo(new[] { "vae_decoder.onnx", "vae_decoder_fp16.onnx", "vae_decoder_circular.onnx", "vae_decoder_circular_fp16.onnx" }));
    }

    [Test]
    public void BetaSchedulesAreNamedByTheScheduleKinds()
    {
        foreach (var kind in ScheduleKinds.All) Assert.That(BetaSchedules.Get(kind, 50), Has.Length.EqualTo(50));
        Assert.That(() => BetaSchedules.Get("Linear", 50), Throws.ArgumentException.With.Message.Contains("'linear' or 'cosine'"));
    }

    [Test]
    public void LargestTensorIsTheDiTsOrTheDecodersImage()
    {
        Assert.That(ManifestLimits.LargestTensorElements(GraphRole.DiT, 2, 4, 32, null, 8, 3), Is.EqualTo(2L * 4 * 32 * 32));
        Assert.That(ManifestLimits.LargestTensorElements(GraphRole.VaeDecoder, 2, 4, 32, null, 8, 3), Is.EqualTo(2L * 3 * 256 * 256));
        Assert.That(ManifestLimits.LargestTensorElements(GraphRole.VaeDecoder, 1, 4, 32, 16, 8, 3), Is.EqualTo(3L * 128 * 128), "a tile decoder's image is one tile's");
        Assert.That(ManifestLimits.LargestTensorElements(GraphRole.VaeDecoder, 1, 16, 8, null, 1, 1), Is.EqualTo(16L * 8 * 8), "the latent, when it is the larger");
        Assert.That(ManifestLimits.LargestTensorElements(GraphRole.DiT, 64, 16, 8192, null, 1, 3), Is.EqualTo(64L * 16 * 8192 * 8192), "no int overflow");
    }
}
