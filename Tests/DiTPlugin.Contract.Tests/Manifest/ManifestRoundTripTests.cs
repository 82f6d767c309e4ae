using System;
using System.IO;
using System.Linq;
using System.Text;
using DiTPlugin.Contract.Package;
using DiTPlugin.TestSupport;
using NUnit.Framework;

namespace DiTPlugin.Contract.Tests.Manifest;

/// <summary>
/// model.json's text is the format: what was written before the manifest types were shared reads and writes back byte
/// for byte, and every section (every word of every vocabulary) written reads back equal.
/// </summary>
public class ManifestRoundTripTests
{
    [TestCase("Tests/fixtures/model_json_pixel.json")]
    [TestCase("Tests/fixtures/model_json_latent.json")]
    [TestCase("models/openarena-textures/package/model.json")]
    [TestCase("models/freedoom-textures/package/model.json")]
    public void WrittenPackagesReadAndWriteBackByteForByte(string path)
    {
        var bytes = File.ReadAllBytes(RepoPaths.Find(path));
        var m = ModelManifest.Parse(bytes);
        Assert.That(Encoding.UTF8.GetBytes(m.ToJson()), Is.EqualTo(bytes));
    }

    [Test]
    public void EverySectionReadsBackEqual()
    {
        var written = SampleManifests.Latent;
        var read = ModelManifest.Parse(written.ToJson());
        Assert.Multiple(() =>
        {
            Assert.That((read.Format, read.FormatVersion, read.Name, read.Description, read.ContentHash),
                Is.EqualTo((written.Format, written.FormatVersion, written.Name, written.Description, written.ContentHash)));
            Assert.That(read.License, Is.EqualTo(written.License));
            Assert.That(read.Architecture, Is.EqualTo(written.Architecture));
            Assert.That(read.Input, Is.EqualTo(written.Input));
            Assert.That(read.Output, Is.EqualTo(written.Output));
            Assert.That(read.Latent, Is.EqualTo(written.Latent));
            Assert.That(read.Classes, Is.EqualTo(written.Classes));
            Assert.That(read.Schedule, Is.EqualTo(written.Schedule));
            Assert.That(read.Guidance, Is.EqualTo(written.Guidance));
            Assert.That(read.Sampling, Is.EqualTo(written.Sampling));
            Assert.That(read.Graphs, Is.EqualTo(written.Graphs));
            Assert.That(read.Training, Is.EqualTo(written.Training));
            Assert.That(read, Is.EqualTo(written));
            Assert.That(read.ToJson(), Is.EqualTo(written.ToJson()));
        });
    }

    [Test]
    public void AManifestWithoutOptionalSectionsReadsBackEqual()
    {
        var written = SampleManifests.Pixel;
        var read = ModelManifest.Parse(written.ToJson());
        Assert.That(read, Is.EqualTo(written));
        Assert.That((read.Latent, read.Sampling, read.Training), Is.EqualTo(((LatentInfo?)null, (SamplingInfo?)null, (TrainingInfo?)null)));
    }

    [Test]
    public void EveryWordOfEveryVocabularyRoundTrips()
    {
        foreach (var space in Enum.GetValues<InputSpace>())
        {
            var m = space == InputSpace.Latent ? SampleManifests.Latent : SampleManifests.Pixel;
            Assert.That(Reread(m with { Input = m.Input with { Space = space } }).Input.Space, Is.EqualTo(space));
            Assert.That(SampleManifests.Json(m)["input"]!["space"]!.GetValue<string>(), Is.EqualTo(space.ToJson()));
        }
        var latent = SampleManifests.Latent;
        foreach (var colorSpace in Enum.GetValues<ColorSpace>())
            Assert.That(Reread(latent with { Output = latent.Output with { ColorSpace = colorSpace } }).Output.ColorSpace, Is.EqualTo(colorSpace));
        foreach (var kind in Enum.GetValues<ScheduleKind>())
        {
            var named = latent with { Schedule = new ScheduleInfo { Kind = kind, Timesteps = 1000 } };
            Assert.That(SampleManifests.Json(named)["schedule"]!["kind"]!.GetValue<string>(), Is.EqualTo(kind.ToJson()));
            Assert.That(Reread(named).Schedule.Kind, Is.EqualTo(kind));
        }
        // The graph words: the latent sample has the DiT and decoder roles, both precisions and both paddings; an
        // encoder entry (formatVersion 4) shows the third role.
        var graphs = Reread(latent).Graphs;
        Assert.That(graphs.Select(g => (g.Role, g.Precision, g.Padding)), Is.EqualTo(latent.Graphs.Select(g => (g.Role, g.Precision, g.Padding))));
        var withEncoder = latent with
        {
            FormatVersion = PackageFormat.VaeEncoderVersion,
            Graphs = latent.Graphs.Append(latent.Graphs[2] with { Role = GraphRole.VaeEncoder, File = PackageFiles.Encoder, Batch = 1, TileSize = null, Sha256 = SampleManifests.Sha(8) })
                .Append(latent.Graphs[2] with { Role = GraphRole.Upscaler, File = PackageFiles.Upscaler, Batch = 1, TileSize = null, Factor = 4, Sha256 = SampleManifests.Sha(7) }).ToArray(),
        };
        withEncoder = withEncoder with { FormatVersion = PackageFormat.UpscalerVersion };
        Assert.That(Reread(withEncoder).Graphs.Select(g => g.Role).Distinct(), Is.EquivalentTo(Enum.GetValues<GraphRole>()));
        // int8 is a DiT graph precision only; the sample has fp32 and fp16 DiT graphs, so one more entry shows it.
        var withInt8 = latent with { FormatVersion = PackageFormat.Int8Version, Graphs = latent.Graphs.Append(latent.Graphs[0] with { File = PackageFiles.DiTInt8, Precision = Precision.Int8, Sha256 = SampleManifests.Sha(9) }).ToArray() };
        Assert.That(Reread(withInt8).Graphs.Select(g => g.Precision).Distinct(), Is.EquivalentTo(Enum.GetValues<Precision>()));
        Assert.That(graphs.Select(g => g.Padding).Distinct(), Is.EquivalentTo(Enum.GetValues<Padding>()));
        var json = SampleManifests.Json(latent)["graphs"]!.AsArray();
        Assert.That(json.Select(g => (string?)g!["role"]), Is.EqualTo(latent.Graphs.Select(g => g.Role.ToJson())));
        Assert.That(json.Select(g => (string?)g!["precision"]), Is.EqualTo(latent.Graphs.Select(g => g.Precision.ToJson())));
        // Zero padding, the default, is not written: packages from before the field keep their bytes.
        Assert.That(json.Select(g => (string?)g!["padding"]), Is.EqualTo(new[] { null, null, null, null, Paddings.Circular }));
    }

    [Test]
    public void ListsAreCopiedWhenSet()
    {
        var names = new[] { "light", "dark" };
        var m = SampleManifests.Pixel with { Classes = new ClassesInfo { Count = 2, NullClass = 2, Names = names } };
        names[0] = "changed";
        Assert.That(m.Classes.Names, Is.EqualTo(new[] { "light", "dark" }), "a caller's array changed later does not change the manifest");
        Assert.That(m.Classes, Is.EqualTo(new ClassesInfo { Count = 2, NullClass = 2, Names = new[] { "light", "dark" } }), "compared by content");
        Assert.That(m.Classes, Is.Not.EqualTo(new ClassesInfo { Count = 2, NullClass = 2, Names = new[] { "dark", "light" } }), "in order");
        Assert.That(new ClassesInfo(), Is.EqualTo(new ClassesInfo { Names = new string[0] }), "a list left unset is an empty one");
    }

    private static ModelManifest Reread(ModelManifest m) => ModelManifest.Parse(m.ToJson());
}
