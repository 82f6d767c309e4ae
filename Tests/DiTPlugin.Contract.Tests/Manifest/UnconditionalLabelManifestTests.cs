using DiTPlugin.Contract.Package;
using NUnit.Framework;
using static DiTPlugin.Contract.Tests.Manifest.SampleManifests;

namespace DiTPlugin.Contract.Tests.Manifest;

/// <summary>guidance.unconditionalLabelInput (the y_uncond graph input for negative guidance): formatVersion 3, a null class.</summary>
public class UnconditionalLabelManifestTests
{
    private static ModelManifest WithInput(ModelManifest m, int formatVersion) => m with
    {
        FormatVersion = formatVersion,
        Guidance = m.Guidance with { UnconditionalLabelInput = true },
    };

    [Test]
    public void TheFlagIsValidInFormatVersion3AndRoundTrips()
    {
        var m = WithInput(Pixel, 3);
        Assert.That(m.Problems(), Is.Empty);
        Assert.That(ModelManifest.Parse(m.ToJson()), Is.EqualTo(m));
        Assert.That(m.ToJson(), Does.Contain("\"unconditionalLabelInput\": true"));
        Assert.That(Pixel.ToJson(), Does.Not.Contain("unconditionalLabelInput"), "absent, not false, in packages without it: their bytes are unchanged");
    }

    [Test]
    public void BelowVersion3OrWithoutANullClassItIsRefused()
    {
        Assert.That(WithInput(Pixel, 2).Problems(), Has.Some.EqualTo(
            "model.json: guidance.unconditionalLabelInput needs formatVersion 3 or later (the manifest says 2); older readers do not know the input."));
        var noNull = WithInput(Pixel, 3) with { Classes = Pixel.Classes with { NullClass = null } };
        Assert.That(noNull.Problems(), Has.Some.EqualTo("model.json: guidance.unconditionalLabelInput needs classes.nullClass: without a null class the graph runs no guidance."));
    }

    [Test]
    public void TheVersionAPackageNeeds()
    {
        Assert.That(PackageFormat.VersionFor(new[] { Precision.Fp32 }, unconditionalLabelInput: true), Is.EqualTo(3));
        Assert.That(PackageFormat.VersionFor(new[] { Precision.Fp32, Precision.Int8 }, externalData: true), Is.EqualTo(2));
        Assert.That(GraphTensors.YUncond, Is.EqualTo("y_uncond"));
    }
}
