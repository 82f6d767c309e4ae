using System.Linq;
using DiTPlugin.Contract.Package;
using NUnit.Framework;
using static DiTPlugin.Contract.Tests.Manifest.SampleManifests;

namespace DiTPlugin.Contract.Tests.Manifest;

/// <summary>What readers ask a valid manifest: which graphs to run, whether to clip, the content hash, the licence.</summary>
public class ManifestQueryTests
{
    [Test]
    public void TheDiTGraphOfThePreferredPrecisionElseTheFirst()
    {
        Assert.That(Latent.SelectDiTGraph(preferFp16: true).File, Is.EqualTo(PackageFiles.DiTFp16));
        Assert.That(Latent.SelectDiTGraph(preferFp16: false).File, Is.EqualTo(PackageFiles.DiT));
        Assert.That(Pixel.SelectDiTGraph(preferFp16: true).File, Is.EqualTo(PackageFiles.DiT), "no fp16 graph: the fp32 one");
    }

    [Test]
    public void DecoderGraphsByPadding()
    {
        Assert.That(Latent.DecoderGraphs().Select(g => g.File), Is.EqualTo(new[] { PackageFiles.Decoder, PackageFiles.DecoderFp16, PackageFiles.CircularDecoder }));
        Assert.That(Latent.DecoderGraphs(circular: false).Select(g => g.File), Is.EqualTo(new[] { PackageFiles.Decoder, PackageFiles.DecoderFp16 }));
        Assert.That(Latent.DecoderGraphs(circular: true).Select(g => g.File), Is.EqualTo(new[] { PackageFiles.CircularDecoder }));
        Assert.That(Pixel.DecoderGraphs(), Is.Empty);
    }

    [Test]
    public void OlderPackagesNameTheirDecoderInLatentOnly()
    {
        var older = Latent with { Graphs = Latent.Graphs.Where(g => g.Role == GraphRole.DiT).ToArray() };
        older = older with { ContentHash = older.ComputeContentHash() };
        Assert.DoesNotThrow(() => older.Validate());
        Assert.That(older.DecoderGraphs(), Is.EqualTo(new[]
        {
            new GraphInfo
            {
                Role = GraphRole.VaeDecoder, File = PackageFiles.Decoder, Precision = Precision.Fp32, Batch = 2, Opset = PackageFormat.Opset,
                Sha256 = Latent.Latent!.DecoderSha256!,
            },
        }), "an fp32 graph at full size, with the DiT graph's batch");
    }

    [Test]
    public void ClipDenoisedIsTheSamplingSectionsOrTheSpacesDefault()
    {
        Assert.That(Latent.ClipDenoised, Is.True, "as written");
        Assert.That((Latent with { Sampling = null }).ClipDenoised, Is.False, "latent models do not clip");
        Assert.That((Latent with { Sampling = new SamplingInfo() }).ClipDenoised, Is.False, "nor does a section without the field");
        Assert.That(Pixel.ClipDenoised, Is.True, "pixel models clip");
    }

    [Test]
    public void ContentHashIsOverTheGraphsHashesInOrderIgnoringCase()
    {
        var upper = Latent with { Graphs = Latent.Graphs.Select(g => g with { Sha256 = g.Sha256.ToUpperInvariant() }).ToArray() };
        Assert.That(upper.ComputeContentHash(), Is.EqualTo(Latent.ComputeContentHash()));
        Assert.That(Latent.ComputeContentHash(), Is.EqualTo(Latent.ContentHash));
        var reordered = Latent with { Graphs = Latent.Graphs.Reverse().ToArray() };
        Assert.That(reordered.ComputeContentHash(), Is.Not.EqualTo(Latent.ContentHash));
        // sha256("") for no graphs: the definition, not an accident of the code.
        Assert.That(ModelManifest.ContentHashOf(Enumerable.Empty<GraphInfo>()), Is.EqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    }

    [Test]
    public void ALicenceWithoutCommercialUseCarriesAWarning()
    {
        Assert.That(Latent.License.CommercialUseWarning, Does.Contain("CC-BY-NC-4.0").And.Contain("does not allow commercial use"));
        Assert.That(Latent.License.ToString(), Is.EqualTo("CC-BY-NC-4.0 (no commercial use)"));
        Assert.That(Pixel.License.CommercialUseWarning, Is.Null);
        Assert.That(Pixel.License.ToString(), Is.EqualTo("MIT (commercial use allowed)"));
    }
}
