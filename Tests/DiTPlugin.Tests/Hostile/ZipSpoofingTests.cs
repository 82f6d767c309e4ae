using System.Text;
using System.Text.Json.Nodes;
using DiTPlugin.Runtime;
using NUnit.Framework;

namespace DiTPlugin.Tests.Hostile;

/// <summary>Item 5: a zip whose entries repeat a name (however spelt) is refused, by DiT.Load and by ReadManifest alike.</summary>
public class ZipSpoofingTests
{
    private static byte[] NonCommercialManifest()
    {
        var m = BasePackages.Manifest(BasePackages.Pixel);
        m["license"] = new JsonObject { ["id"] = "CC-BY-NC-4.0", ["commercialUse"] = false };
        return Encoding.UTF8.GetBytes(m.ToJsonString());
    }

    [TestCase("model.json", "model.json: the zip holds two entries of this name; readers disagree on which counts, so entry names must be unique.")]
    [TestCase("MODEL.JSON", "MODEL.JSON: the zip also holds 'model.json', the same name ignoring case, '\\' versus '/' or Unicode composition; entry names must be unique.")]
    public void ASecondManifestIsRefused(string secondName, string message)
    {
        var p = BasePackages.Pixel;
        var zip = ZipCraft.Build(new[] { ("model.json", p["model.json"]), ("dit.onnx", p["dit.onnx"]), (secondName, NonCommercialManifest()) });
        using var dir = new TempDir();
        string path = Probe.WriteZip(dir, zip);
        Assert.That(Probe.Refused(path).Message, Is.EqualTo(message));
        Assert.That(Assert.Throws<ModelPackageException>(() => ModelPackage.ReadManifest(path))!.Message, Is.EqualTo(message),
            "the editor's manifest reader refuses it the same way");
    }

    [Test]
    public void ABackslashSpellingOfAnEntryIsADuplicate()
    {
        var p = BasePackages.Pixel;
        var zip = ZipCraft.Build(new[] { ("pkg/model.json", p["model.json"]), ("pkg/dit.onnx", p["dit.onnx"]), ("pkg/dit_onnx", new byte[] { 1 }) });
        ZipCraft.Rename(zip, "pkg/dit_onnx", "pkg\\dit.onnx");
        using var dir = new TempDir();
        var e = Probe.Refused(Probe.WriteZip(dir, zip));
        Assert.That(e.File, Is.EqualTo("pkg\\dit.onnx"));
        Assert.That(e.Message, Does.Contain("also holds 'pkg/dit.onnx'"));
    }

    [Test]
    public void ABzip2EntryIsAPackageErrorNamingTheEntry()
    {
        var zip = ZipCraft.Build(BasePackages.Pixel);
        ZipCraft.SetMethod(zip, "dit.onnx", 12);
        using var dir = new TempDir();
        var e = Probe.Refused(Probe.WriteZip(dir, zip));
        Assert.That(e.Message, Does.StartWith("dit.onnx: cannot be read from the zip: ").And.Contain("BZip2"));
    }

    [Test]
    public void TheSameZipWithoutTheDuplicateLoads()
    {
        var p = BasePackages.Pixel;
        using var dir = new TempDir();
        var r = LoadProbe.Run(Probe.WriteZip(dir, ZipCraft.Build(new[] { ("model.json", p["model.json"]), ("dit.onnx", p["dit.onnx"]) })));
        Assert.That(r.Loaded, Is.True, r.Message);
    }
}
