using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using DiT.Training.Data;
using NUnit.Framework;
using StbImageWriteSharp;

namespace DiT.Training.Tests.Data;

public class TextureCropsTests : TempDirectoryTest
{
    /// <summary>A pack whose every texture is one flat colour that names it: (material index * 40, texture index * 20, 200).</summary>
    private string MakePack(int materials = 3, int texturesEach = 5, int side = 64)
    {
        var path = Path.Combine(Dir, "pak.pk3");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        var writer = new ImageWriter();
        for (int m = 0; m < materials; m++)
            for (int t = 0; t < texturesEach; t++)
            {
                var px = new byte[side * side * 3];
                for (int i = 0; i < px.Length; i += 3) { px[i] = (byte)(m * 40); px[i + 1] = (byte)(t * 20); px[i + 2] = 200; }
                using var ms = new MemoryStream();
                writer.WritePng(px, side, side, ColorComponents.RedGreenBlue, ms);
                using var e = zip.CreateEntry($"textures/mat{m}/tex{t}.png").Open();
                e.Write(ms.ToArray());
            }
        zip.CreateEntry("textures/mat0/readme.txt");
        zip.CreateEntry("models/thing.md3");
        return path;
    }

    [Test]
    public void PackListsMaterialsFromTheTextureFolders()
    {
        var pack = TexturePack.Open(MakePack());
        Assert.That(pack.Materials.Keys.Order(), Is.EqualTo(new[] { "mat0", "mat1", "mat2" }));
        Assert.That(pack.Materials["mat0"], Has.Count.EqualTo(5), "images only");
    }

    [Test]
    public void TestTexturesAreHeldOutFromTraining()
    {
        var pack = TexturePack.Open(MakePack());
        var outDir = Path.Combine(Dir, "out");
        var s = TextureCrops.Build(pack, outDir, new TextureCropOptions
        {
            Classes = new[] { "mat2", "mat0" }, Size = 16, TrainPerClass = 12, TestPerClass = 6, HoldOut = 0.4, Seed = 3,
        });
        Assert.That((s.TrainImages, s.TestImages), Is.EqualTo((24, 12)));
        Assert.That(s.TrainTextures, Is.EqualTo(new[] { 3, 3 }));
        Assert.That(s.TestTextures, Is.EqualTo(new[] { 2, 2 }));
        foreach (var cls in new[] { "mat2", "mat0" })
        {
            string Tex(string f) => Path.GetFileNameWithoutExtension(f).Split('_', 2)[1];
            var train = Directory.GetFiles(Path.Combine(outDir, "train", cls)).Select(Tex).ToHashSet();
            var test = Directory.GetFiles(Path.Combine(outDir, "test", cls)).Select(Tex).ToHashSet();
            Assert.That(train.Intersect(test), Is.Empty, $"{cls}: a texture in both splits");
            Assert.That(train.Count + test.Count, Is.EqualTo(5));
        }
        // The crops are the textures' own colour (flat textures: any crop, any filter gives it back).
        var crop = StbImageSharp.ImageResult.FromMemory(File.ReadAllBytes(Directory.GetFiles(Path.Combine(outDir, "train", "mat2"))[0]),
            StbImageSharp.ColorComponents.RedGreenBlue);
        Assert.That((crop.Width, crop.Height, crop.Data[0], crop.Data[2]), Is.EqualTo((16, 16, (byte)80, (byte)200)));
        using var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "dataset.json")));
        Assert.That(info.RootElement.GetProperty("classes")[0].GetString(), Is.EqualTo("mat2"));
        // ImageFolder reads the result with the classes in sorted folder order.
        var ds = new ImageFolderDataset(Path.Combine(outDir, "train"), new ImageFolderOptions { Size = 16 });
        Assert.That(ds.ClassNames, Is.EqualTo(new[] { "mat0", "mat2" }));
    }

    [Test]
    public void CropsWrapAroundTheEdgesLikeATilingTexture()
    {
        var img = new PixelImage(4, 3, 1);
        for (int y = 0; y < 3; y++) for (int x = 0; x < 4; x++) img[x, y, 0] = 10 * y + x;
        var c = TextureCrops.WrapCrop(img, 3, 2, 3);
        // Rows 2, 0, 1 and columns 3, 0, 1 of the original.
        Assert.That(c.Data, Is.EqualTo(new float[] { 23, 20, 21, 3, 0, 1, 13, 10, 11 }));
    }

    [Test]
    public void UnknownMaterialsAreNamedWithWhatThePackHas()
    {
        var pack = TexturePack.Open(MakePack());
        var ex = Assert.Throws<ArgumentException>(() => TextureCrops.Build(pack, Path.Combine(Dir, "x"),
            new TextureCropOptions { Classes = new[] { "mat0", "lava" } }));
        Assert.That(ex!.Message, Does.Contain("lava").And.Contain("mat1 (5)"));
        Assert.Throws<FileNotFoundException>(() => TexturePack.Open(Path.Combine(Dir, "missing.pk3")));
        File.WriteAllText(Path.Combine(Dir, "bad.pk3"), "not a zip");
        Assert.That(Assert.Throws<InvalidDataException>(() => TexturePack.Open(Path.Combine(Dir, "bad.pk3")))!.Message, Does.Contain("not a readable zip"));
    }
}
