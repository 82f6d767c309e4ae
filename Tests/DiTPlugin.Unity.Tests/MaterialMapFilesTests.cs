using System;
using System.IO;
using System.Linq;
using DiTPlugin.Imaging;
using DiTPlugin.TextureGen;
using DiTPlugin.Tests;
using NUnit.Framework;

namespace DiTPlugin.Unity.Tests;

/// <summary>Maps saved beside a generated texture, and the 3x3 tiled preview.</summary>
public class MaterialMapFilesTests
{
    [Test]
    public void MapsAreWrittenBesideTheTextureAndTileWhenItDoes()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(Path.Combine(dir.Path, "pkg"));
        using var dit = DiT.Load(Path.Combine(dir.Path, "pkg"));
        var project = Path.Combine(dir.Path, "project");
        var image = dit.Generate(new GenerationOptions { ClassIds = new[] { 1 }, Steps = 6, Seed = 4, Seamless = true })[0];
        var saved = TextureSaving.Save(image, project, "Assets/Generated/DiT", dit);
        var maps = MaterialMapFiles.Save(image, project, saved.AssetPath);
        string stem = saved.AssetPath[..^4];
        Assert.That((maps.HeightAssetPath, maps.NormalAssetPath, maps.RoughnessAssetPath), Is.EqualTo((stem + "_height.png", stem + "_normal.png", stem + "_roughness.png")));
        foreach (var p in new[] { maps.HeightAssetPath, maps.NormalAssetPath, maps.RoughnessAssetPath })
            Assert.That(File.Exists(AssetNaming.ToFullPath(project, p)), Is.True, p);
        // The normal PNG holds exactly the Plugin's wrap-around normal map of this albedo (seamless → wrap).
        var png = StbImageSharp.ImageResult.FromMemory(File.ReadAllBytes(AssetNaming.ToFullPath(project, maps.NormalAssetPath)), StbImageSharp.ColorComponents.RedGreenBlueAlpha);
        var expected = MaterialMaps.NormalRgba8(MaterialMaps.Height(image.Rgba8, image.Width, image.Height, wrap: true), image.Width, image.Height, wrap: true);
        Assert.That(png.Data, Is.EqualTo(expected));
        Assert.That(MaterialMapFiles.MapPath("Assets/a.b/stone.png", "_normal"), Is.EqualTo("Assets/a.b/stone_normal.png"));
        var sampleOnly = dit.Generate(new GenerationOptions { ClassIds = new[] { 1 }, Steps = 2, Outputs = GenerationOutputs.Sample })[0];
        Assert.Throws<ArgumentException>(() => MaterialMapFiles.Save(sampleOnly, project, "Assets/x.png"));
    }

    [Test]
    public void TiledPreviewRepeatsTheImage()
    {
        // 2x1 image: red, green.
        var img = new byte[] { 255, 0, 0, 255, 0, 255, 0, 255 };
        var t = TiledPreview.Tile(img, 2, 1, 3);
        Assert.That(t.Length, Is.EqualTo(6 * 3 * 4));
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 6; x++)
                Assert.That(t.Skip((y * 6 + x) * 4).Take(4), Is.EqualTo(img.Skip((x % 2) * 4).Take(4)), $"({x},{y})");
        Assert.Throws<ArgumentException>(() => TiledPreview.Tile(img, 3, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TiledPreview.Tile(img, 2, 1, 0));
    }
}
