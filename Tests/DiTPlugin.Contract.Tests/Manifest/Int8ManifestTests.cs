using System.Linq;
using DiTPlugin.Contract.Package;
using NUnit.Framework;
using static DiTPlugin.Contract.Tests.Manifest.SampleManifests;

namespace DiTPlugin.Contract.Tests.Manifest;

/// <summary>int8 DiT graphs in model.json: formatVersion 2, DiT graphs only, and packages without them stay version 1.</summary>
public class Int8ManifestTests
{
    private static ModelManifest WithInt8(ModelManifest m, int formatVersion, GraphRole role = GraphRole.DiT) => m with
    {
        FormatVersion = formatVersion,
        Graphs = m.Graphs.Append(new GraphInfo
        {
            Role = role, File = PackageFiles.DiTInt8, Precision = Precision.Int8, Batch = m.Graphs[0].Batch, Opset = PackageFormat.Opset, Sha256 = Sha(9),
        }).ToArray(),
    };

    [Test]
    public void AnInt8DiTGraphIsValidInFormatVersion2()
    {
        var m = WithInt8(Pixel, 2);
        Assert.That(m.Problems(), Is.Empty);
        Assert.That(ModelManifest.Parse(m.ToJson()), Is.EqualTo(m), "round-trips through model.json");
        Assert.That(m.ToJson(), Does.Contain("\"precision\": \"int8\""));
    }

    [Test]
    public void InFormatVersion1ItIsRefused() =>
        Assert.That(WithInt8(Pixel, 1).Problems(), Is.EqualTo(new[]
        {
            "dit_int8.onnx: precision 'int8' needs formatVersion 2 or later (the manifest says 1); older readers do not know the word.",
        }));

    [Test]
    public void DecodersCannotBeInt8() =>
        Assert.That(WithInt8(Latent, 2, GraphRole.VaeDecoder).Problems(), Has.Some.EqualTo("dit_int8.onnx: precision 'int8' is for 'dit' graphs only."));

    [Test]
    public void TheVersionAPackageNeeds()
    {
        Assert.That(PackageFormat.VersionFor(new[] { Precision.Fp32, Precision.Fp16 }), Is.EqualTo(1), "old packages keep version 1: every reader takes them");
        Assert.That(PackageFormat.VersionFor(new[] { Precision.Fp32, Precision.Int8 }), Is.EqualTo(2));
        Assert.That(PackageFormat.VersionFor(new[] { Precision.Fp32 }, unconditionalLabelInput: true), Is.EqualTo(3), "the y_uncond input (UnconditionalLabelManifestTests)");
        Assert.That(PackageFormat.VersionFor(new[] { Precision.Fp32, Precision.Int8 }, unconditionalLabelInput: true, vaeEncoder: true), Is.EqualTo(4), "a VAE encoder graph");
        Assert.That(PackageFormat.VersionFor(new[] { Precision.Fp32 }, upscaler: true), Is.EqualTo(5), "an upscaler graph");
        Assert.That(ModelManifest.SupportedFormatVersion, Is.EqualTo(5), "version 5: the upscaler role (ManifestValidationTests)");
        Assert.That(PackageFiles.DiTGraph(Precision.Int8), Is.EqualTo("dit_int8.onnx"));
    }
}
