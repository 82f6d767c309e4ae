using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using NUnit.Framework;

namespace DiTPlugin.Tests.Hostile;

/// <summary>
/// ONNX external data (graphs[].dataFile): a graph may read its weights from exactly the data file model.json
/// declares beside it, hashed by dataSha256 and covered by contentHash. Every other location (outside the package,
/// "..", an absolute path, a second file, ONNX Runtime's in-memory address form) and every range past the file's end
/// is refused before ONNX Runtime sees the graph; a zip cannot carry one.
/// </summary>
public class ExternalDataTests
{
    private const string DataFile = "dit.onnx.data";
    private static readonly byte[] Eps = BitConverter.GetBytes(0.1f);

    /// <summary>The tiny pixel package whose c_eps (0.1) is read from <paramref name="location"/>, with dit.onnx.data declared.</summary>
    private static System.Collections.Generic.Dictionary<string, byte[]> Package(string location = DataFile, byte[]? data = null,
        string offset = "0", string length = "4", Action<JsonObject>? edit = null)
    {
        var graph = TinyOnnxModel.BuildGraph(new TinyOnnxModel.Spec { ExternalDataLocation = location, ExternalDataOffset = offset, ExternalDataLength = length });
        var files = BasePackages.WithFile(BasePackages.WithGraph(BasePackages.Pixel, "dit.onnx", graph), DataFile, data ?? Eps);
        var m = BasePackages.Manifest(files);
        var dit = m["graphs"]!.AsArray().First(g => (string?)g!["file"] == "dit.onnx")!.AsObject();
        dit["dataFile"] = DataFile;
        m["formatVersion"] = 2;   // a data file needs version 2 (see ADataFileInAVersion1PackageIsRefusedNamingTheVersionItNeeds)
        dit["dataSha256"] = BasePackages.Sha(data ?? Eps);
        // contentHash: a graph with a data file contributes "sha256 dataSha256".
        m["contentHash"] = BasePackages.Sha(Encoding.UTF8.GetBytes(string.Join("\n", m["graphs"]!.AsArray().Select(g =>
            (string)g!["sha256"]! + (g["dataFile"] is null ? "" : " " + (string)g["dataSha256"]!)))));
        edit?.Invoke(m);
        return BasePackages.WithManifest(files, m);
    }

    [Test]
    public void ADataFileInAVersion1PackageIsRefusedNamingTheVersionItNeeds()
    {
        // An older reader ignores dataFile and would fail on the external data; version 2 makes it ask for an update.
        var e = Probe.Refused(Package(edit: m => m["formatVersion"] = 1));
        Assert.That(e.Message, Is.EqualTo("dit.onnx: dataFile needs formatVersion 2 or later (the manifest says 1); older readers do not know the field."));
    }

    [Test]
    public void TheDeclaredDataFileIsReadAndGivesTheSamePixelsAsTheWeightsInTheGraph()
    {
        using var dir = new TempDir();
        using var inline = new TempDir();
        BasePackages.Write(dir.Path, Package());
        BasePackages.Write(inline.Path, BasePackages.Pixel);
        var options = new GenerationOptions { ClassIds = new[] { 1 }, Steps = 3, Seed = 5 };
        using var external = DiT.Load(dir.Path);
        using var embedded = DiT.Load(inline.Path);
        Assert.That(external.Generate(options)[0].Rgba8, Is.EqualTo(embedded.Generate(options)[0].Rgba8));
        Assert.That(external.ContentHash, Is.Not.EqualTo(embedded.ContentHash));
    }

    [TestCase("../dit.onnx.data", TestName = "ALocationOutsideThePackageIsRefused")]
    [TestCase("/etc/hostname", TestName = "AnAbsoluteLocationIsRefused")]
    [TestCase("sub/../dit.onnx.data", TestName = "ALocationWithDotDotIsRefused")]
    [TestCase("other.data", TestName = "ASecondUndeclaredFileIsRefused")]
    [TestCase("*/_ORT_MEM_ADDR_/*", TestName = "OnnxRuntimesInMemoryAddressFormIsRefused")]
    public void OnlyTheDeclaredLocationIsAccepted(string location)
    {
        var files = BasePackages.WithFile(Package(location), "other.data", Eps);
        var e = Probe.Refused(files);
        Assert.That(e.Message, Is.EqualTo($"dit.onnx: tensor 'c_eps' names the data file '{location}', not the graph's declared dataFile 'dit.onnx.data' " +
                                          "(external data may only be read from that file, beside the graph in the package)."));
    }

    [TestCase("4", "4", TestName = "AnOffsetAtTheEndOfTheFileIsRefused")]
    [TestCase("0", "8", TestName = "ALengthPastTheEndOfTheFileIsRefused")]
    [TestCase("9223372036854775807", "4", TestName = "AnOffsetNearLongMaxIsRefusedWithoutOverflow")]
    public void ARangeBeyondTheDataFileIsRefused(string offset, string length)
    {
        var e = Probe.Refused(Package(offset: offset, length: length));
        Assert.That(e.Message, Is.EqualTo($"dit.onnx: tensor 'c_eps' reads bytes {offset}..{offset}+{length} of 'dit.onnx.data', beyond the file's 4 bytes."));
    }

    [TestCase("-1", TestName = "ANegativeOffsetIsRefused")]
    [TestCase("0x10", TestName = "AHexOffsetIsRefused")]
    [TestCase(" 1", TestName = "AnOffsetWithASpaceIsRefused")]
    public void AnOffsetThatIsNotPlainDigitsIsRefused(string offset)
    {
        var e = Probe.Refused(Package(offset: offset));
        Assert.That(e.Message, Does.StartWith("dit.onnx: tensor 'c_eps' has external_data offset '").And.EndWith("', not a number of bytes."));
    }

    [Test]
    public void ADataFileThatDoesNotMatchItsSha256IsRefused()
    {
        var files = Package();
        files[DataFile] = BitConverter.GetBytes(0.2f);
        var e = Probe.Refused(files);
        Assert.That(e.Message, Does.StartWith("dit.onnx.data: sha256 mismatch: model.json says "));
    }

    [Test]
    public void AMissingDataFileIsRefusedNamingIt()
    {
        var files = Package();
        files.Remove(DataFile);
        var e = Probe.Refused(files);
        Assert.That(e.Message, Does.StartWith("dit.onnx.data: missing from the package folder"));
    }

    [Test]
    public void ADataFileThatIsASymbolicLinkIsRefused()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("symbolic links need privileges on Windows.");
        using var dir = new TempDir();
        var files = Package();
        files.Remove(DataFile);
        BasePackages.Write(dir.Path, files);
        File.WriteAllBytes(Path.Combine(dir.Path, "real.data"), Eps);
        File.CreateSymbolicLink(Path.Combine(dir.Path, DataFile), "real.data");
        var e = Probe.Refused(dir.Path);
        Assert.That(e.Message, Is.EqualTo("dit.onnx.data: is a symbolic link; a package folder's files must be regular files inside it."));
    }

    [Test]
    public void AZipPackageWithADataFileIsRefusedAskingForTheFolder()
    {
        using var dir = new TempDir();
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in Package())
                using (var s = zip.CreateEntry(name).Open()) s.Write(data);
        var path = Probe.WriteZip(dir, ms.ToArray());
        var e = Probe.Refused(path);
        Assert.That(e.Message, Is.EqualTo($"dit.onnx: keeps its weights in the external data file 'dit.onnx.data', which ONNX Runtime reads from a file, " +
                                          $"not from inside a zip: unzip {path} and load the folder."));
    }

    [Test]
    public void AContentHashOverTheGraphsAloneIsRefused()
    {
        // The old rule (graph sha256 only) would leave the data file's hash out of the model's identity.
        var e = Probe.Refused(Package(edit: m => m["contentHash"] = BasePackages.Sha(Encoding.UTF8.GetBytes(
            string.Join("\n", m["graphs"]!.AsArray().Select(g => (string)g!["sha256"]!))))));
        Assert.That(e.Message, Does.StartWith("model.json: contentHash ").And.Contain("does not match"));
    }

    [Test]
    public void ADataFileWithoutItsSha256IsRefused()
    {
        var e = Probe.Refused(Package(edit: m => m["graphs"]![0]!.AsObject().Remove("dataSha256")));
        Assert.That(e.Message, Is.EqualTo("dit.onnx: graphs[0].dataFile has no dataSha256 in model.json."));
    }

    [Test]
    public void ADataFileInAnotherFolderIsRefused()
    {
        var e = Probe.Refused(Package(edit: m => m["graphs"]![0]!["dataFile"] = "weights/dit.onnx.data"));
        Assert.That(e.Message, Is.EqualTo("dit.onnx: dataFile 'weights/dit.onnx.data' must be in the graph's own folder: ONNX Runtime finds external data beside the graph."));
    }

    [Test]
    public void ADataFileThatIsAGraphIsRefused()
    {
        var e = Probe.Refused(Package(edit: m => m["graphs"]![0]!["dataFile"] = "dit.onnx"));
        Assert.That(e.Message, Is.EqualTo("dit.onnx: dataFile 'dit.onnx' is a graph or model.json, not a data file of its own."));
    }

    [Test]
    public void ADataFileOutsideThePackageIsRefusedByThePathRules()
    {
        var e = Probe.Refused(Package(edit: m => m["graphs"]![0]!["dataFile"] = "../dit.onnx.data"));
        Assert.That(e.Message, Does.StartWith("model.json: graphs[0].dataFile '../dit.onnx.data' is not a plain relative path inside the package"));
    }
}
