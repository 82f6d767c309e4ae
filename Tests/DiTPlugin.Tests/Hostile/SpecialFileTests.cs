using System.IO;
using DiTPlugin.Runtime;
using NUnit.Framework;

namespace DiTPlugin.Tests.Hostile;

/// <summary>Item 3: only regular files are opened, so a FIFO or a device cannot block or flood a load.</summary>
public class SpecialFileTests
{
    [Test]
    public void FileTypesAreToldApartBeforeOpening()
    {
        SpecialFiles.RequireUnix();
        Assert.That(FileProbe.IsExact, Is.True, "on .NET on Linux the exact lstat/stat probe must be in use, not the fallback");
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("regular"), new byte[] { 1, 2, 3 });
        SpecialFiles.MakeFifo(dir.File("fifo"));
        SpecialFiles.Symlink(dir.File("link"), dir.File("regular"));
        SpecialFiles.Symlink(dir.File("dangling"), dir.File("nowhere"));
        Assert.That(FileProbe.Entry(dir.File("regular"), out long size), Is.EqualTo(FileKind.Regular));
        Assert.That(size, Is.EqualTo(3));
        Assert.That(FileProbe.Entry(dir.File("fifo"), out _), Is.EqualTo(FileKind.Special));
        Assert.That(FileProbe.Entry("/dev/zero", out _), Is.EqualTo(FileKind.Special));
        Assert.That(FileProbe.Entry(dir.Path, out _), Is.EqualTo(FileKind.Directory));
        Assert.That(FileProbe.Entry(dir.File("link"), out _), Is.EqualTo(FileKind.SymbolicLink));
        Assert.That(FileProbe.Target(dir.File("link"), out _), Is.EqualTo(FileKind.Regular));
        Assert.That(FileProbe.Entry(dir.File("dangling"), out _), Is.EqualTo(FileKind.SymbolicLink));
        Assert.That(FileProbe.Target(dir.File("dangling"), out _), Is.EqualTo(FileKind.Missing));
        Assert.That(FileProbe.Entry(dir.File("nowhere"), out _), Is.EqualTo(FileKind.Missing));
    }

    [Test]
    public void AFifoGraphIsRefusedAtOnce()
    {
        SpecialFiles.RequireUnix();
        using var dir = new TempDir();
        BasePackages.Write(dir.Path, BasePackages.Pixel);
        File.Delete(dir.File("dit.onnx"));
        SpecialFiles.MakeFifo(dir.File("dit.onnx"));
        var e = Probe.Refused(dir.Path, () => SpecialFiles.ReleaseFifo(dir.File("dit.onnx")));
        Assert.That(e.Message, Is.EqualTo("dit.onnx: is not a regular file (a FIFO, device or socket); only regular files are read from a package."));
    }

    [Test]
    public void ADevicePassedAsThePackageIsRefused()
    {
        SpecialFiles.RequireUnix();
        Assert.That(Probe.Refused("/dev/zero").Message, Is.EqualTo("/dev/zero: is not a regular file (a FIFO, device or socket); a package is a folder or a .zip file."));
        Assert.That(Probe.Refused("/dev/null").Message, Does.StartWith("/dev/null: is not a regular file"));
    }
}
