using System.IO;
using NUnit.Framework;

namespace DiTPlugin.Tests.Hostile;

/// <summary>
/// Item 6: model.json's paths name files inside the package only. Each case points at a copy of the real graph
/// outside the package, so its sha256 matches: only confinement stops it. A mismatch message would print the hash of
/// the file named, so for a file outside the package no message may show that hash.
/// </summary>
public class ConfinementTests
{
    private static readonly byte[] Graph = BasePackages.Pixel["dit.onnx"];

    private static (TempDir Dir, string Package, string Outside) Layout()
    {
        var dir = new TempDir();
        string package = dir.File("pkg"), outside = dir.File("outside");
        BasePackages.Write(package, BasePackages.Pixel);
        Directory.CreateDirectory(outside);
        File.WriteAllBytes(Path.Combine(outside, "dit.onnx"), Graph);
        File.WriteAllText(Path.Combine(outside, "secret.txt"), "not part of any package");
        return (dir, package, outside);
    }

    private static void SetFile(string package, string file)
    {
        var m = BasePackages.Manifest(BasePackages.Pixel);
        m["graphs"]![0]!["file"] = file;
        TinyOnnxModel.WriteManifest(package, m);
    }

    [Test]
    public void AbsoluteAndParentPathsAreRefusedWithoutReadingTheFile()
    {
        var (dir, package, outside) = Layout();
        using var _ = dir;
        string secretSha = BasePackages.Sha(File.ReadAllBytes(Path.Combine(outside, "secret.txt")));
        foreach (var file in new[] { Path.Combine(outside, "dit.onnx"), "../outside/dit.onnx", Path.Combine(outside, "secret.txt"), "../outside/secret.txt" })
        {
            SetFile(package, file);
            var e = Probe.Refused(package);
            Assert.That(e.Message, Does.StartWith($"model.json: graphs[0].file '{file}' is not a plain relative path inside the package: "), file);
            Assert.That(e.Message, Does.Not.Contain(secretSha).And.Not.Contain(BasePackages.Sha(Graph)), "no hash of an outside file");
        }
    }

    [Test]
    public void ALinkOutOfThePackageIsRefused()
    {
        SpecialFiles.RequireUnix();
        var (dir, package, outside) = Layout();
        using var _ = dir;
        File.Delete(Path.Combine(package, "dit.onnx"));
        SpecialFiles.Symlink(Path.Combine(package, "dit.onnx"), Path.Combine(outside, "dit.onnx"));
        Assert.That(Probe.Refused(package).Message, Is.EqualTo("dit.onnx: is a symbolic link; a package folder's files must be regular files inside it."));
    }

    [Test]
    public void AFolderLinkOnTheWayIsRefused()
    {
        SpecialFiles.RequireUnix();
        var (dir, package, outside) = Layout();
        using var _ = dir;
        SetFile(package, "weights/dit.onnx");
        SpecialFiles.Symlink(Path.Combine(package, "weights"), outside);
        Assert.That(Probe.Refused(package).Message,
            Is.EqualTo("weights/dit.onnx: is reached through the symbolic link 'weights'; a package folder's files must be regular files inside it."));
    }

    [Test]
    public void ARealSubfolderInsideThePackageLoads()
    {
        var (dir, package, _) = Layout();
        using var __ = dir;
        Directory.CreateDirectory(Path.Combine(package, "weights"));
        File.Move(Path.Combine(package, "dit.onnx"), Path.Combine(package, "weights", "dit.onnx"));
        SetFile(package, "weights/dit.onnx");
        var r = LoadProbe.Run(package);
        Assert.That(r.Loaded, Is.True, r.Message);
    }
}
