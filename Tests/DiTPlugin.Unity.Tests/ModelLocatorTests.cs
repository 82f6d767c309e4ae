using System;
using System.IO;
using System.IO.Compression;
using DiTPlugin.Textures;
using DiTPlugin.TextureGen;
using DiTPlugin.Tests;
using NUnit.Framework;

namespace DiTPlugin.Unity.Tests;

/// <summary>Finding model packages from settings paths, reading their manifest cheaply, sharing loaded models; the upload buffer size.</summary>
public class ModelLocatorTests
{
    [Test]
    public void RelativePathsTryStreamingAssetsThenTheProject()
    {
        using var project = new TempDir();
        string streaming = Path.Combine(project.Path, "Assets", "StreamingAssets");
        TinyOnnxModel.WritePackage(Path.Combine(streaming, "DiT", "tiny"));
        TinyOnnxModel.WritePackage(Path.Combine(project.Path, "models", "other"));

        Assert.That(ModelLocator.Resolve("DiT/tiny", streaming, project.Path), Is.EqualTo(Path.Combine(streaming, "DiT", "tiny")));
        Assert.That(ModelLocator.Resolve("StreamingAssets/DiT/tiny", streaming, project.Path), Is.EqualTo(Path.Combine(streaming, "DiT", "tiny")));
        Assert.That(ModelLocator.Resolve("models/other", streaming, project.Path), Is.EqualTo(Path.Combine(project.Path, "models", "other")));
        string abs = Path.Combine(project.Path, "models", "other");
        Assert.That(ModelLocator.Resolve(abs, null, null), Is.EqualTo(abs));

        var e = Assert.Throws<FileNotFoundException>(() => ModelLocator.Resolve("DiT/missing", streaming, project.Path));
        Assert.That(e!.Message, Does.Contain("DiT/missing").And.Contain(Path.Combine(streaming, "DiT", "missing")).And.Contain("StreamingAssets"));
        Assert.Throws<ArgumentException>(() => ModelLocator.Resolve(" ", streaming, project.Path));
    }

    [Test]
    public void ReadsTheManifestFromAFolderOrAZip()
    {
        using var dir = new TempDir();
        string folder = Path.Combine(dir.Path, "pkg");
        TinyOnnxModel.WritePackage(folder);
        Assert.That(ModelLocator.ReadManifest(folder).Classes.Names, Is.EqualTo(TinyOnnxModel.ClassNames));
        string zip = Path.Combine(dir.Path, "pkg.zip");
        ZipFile.CreateFromDirectory(folder, zip);
        Assert.That(ModelLocator.ReadManifest(zip).Name, Is.EqualTo("tiny-test"));
        Assert.That(ModelLocator.Resolve(zip, null, null), Is.EqualTo(zip));
    }

    [Test]
    public void TheCacheSharesOneModelUntilTheLastRelease()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path);
        int before = ModelCache.Count;
        var a = ModelCache.Acquire(dir.Path, new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu });
        var b = ModelCache.Acquire(dir.Path + Path.DirectorySeparatorChar, new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu });
        Assert.That(b, Is.SameAs(a));
        Assert.That(ModelCache.Count, Is.EqualTo(before + 1));
        ModelCache.Release(a);
        Assert.That(ModelCache.Count, Is.EqualTo(before + 1));
        Assert.That(b.Generate(0).Width, Is.EqualTo(8), "still usable after one release");
        ModelCache.Release(b);
        Assert.That(ModelCache.Count, Is.EqualTo(before));
        ModelCache.Release(b);                                 // unknown: ignored
        ModelCache.Release(null);
    }

    [TestCase(32, 32, 5460)]        // 4·(1024+256+64+16+4+1)
    [TestCase(256, 256, 349524)]
    [TestCase(64, 32, 10924)]      // 64x32, 32x16, 16x8, 8x4, 4x2, 2x1, 1x1
    public void UploadBufferIsUnitysRawMipChain(int w, int h, int bytes)
    {
        var layout = new TextureLayout(w, h, TextureSettings.Unity());
        Assert.That(layout.ByteSize, Is.EqualTo(bytes));
        Assert.That(layout.MipCount, Is.EqualTo((int)Math.Floor(Math.Log2(Math.Max(w, h))) + 1), "Unity's mip count for a full chain");
        Assert.That(new TextureLayout(w, h, TextureSettings.Unity(false)).ByteSize, Is.EqualTo(w * h * 4));
    }
}
