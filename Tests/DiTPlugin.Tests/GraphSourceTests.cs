using System.IO;
using DiTPlugin.Runtime;
using DiTPlugin.Tests.Hostile;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>
/// A folder package's graph is verified in place and handed to ONNX Runtime by path, so a file replaced between the
/// sha256 check and session creation must not be loaded.
/// </summary>
public class GraphSourceTests
{
    [Test]
    public void AFolderGraphIsOpenedByPathAndKeepsNoBytes()
    {
        using var dir = new TempDir();
        BasePackages.Write(dir.Path, BasePackages.Pixel);
        var source = ModelPackage.Open(dir.Path).GraphOf("dit.onnx");
        Assert.That(source.Path, Is.EqualTo(Path.GetFullPath(Path.Combine(dir.Path, "dit.onnx"))));
        Assert.That(source.Sha256, Is.EqualTo(BasePackages.Sha(BasePackages.Pixel["dit.onnx"])));
    }

    [Test]
    public void AGraphReplacedAfterItsCheckIsRefused()
    {
        using var dir = new TempDir();
        BasePackages.Write(dir.Path, BasePackages.Pixel);
        var source = ModelPackage.Open(dir.Path).GraphOf("dit.onnx");
        File.WriteAllBytes(Path.Combine(dir.Path, "dit.onnx"), TinyOnnxModel.BuildGraph(new TinyOnnxModel.Spec { EpsScale = 0.5f, Classes = 3 }));
        File.SetLastWriteTimeUtc(Path.Combine(dir.Path, "dit.onnx"), System.DateTime.UtcNow.AddMinutes(1));
        var e = Assert.Throws<ModelPackageException>(() => source.CheckUnchanged())!;
        Assert.That(e.Message, Is.EqualTo("dit.onnx: changed on disk after its sha256 was checked; reload the package."));
        Assert.Throws<ModelPackageException>(() => source.ReadBytes());
    }

    [Test]
    public void AZipGraphIsHeldAsBytes()
    {
        using var dir = new TempDir();
        using var ms = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(ms, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in BasePackages.Pixel)
                using (var s = zip.CreateEntry(name).Open()) s.Write(data);
        var source = ModelPackage.Open(Probe.WriteZip(dir, ms.ToArray())).GraphOf("dit.onnx");
        Assert.That(source.Path, Is.Null);
        Assert.That(source.ReadBytes(), Is.EqualTo(BasePackages.Pixel["dit.onnx"]));
    }
}
