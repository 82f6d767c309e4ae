using System;
using System.IO;
using DiT.Training.Trainer;
using NUnit.Framework;
using StbImageSharp;
using static TorchSharp.torch;
using ReadComponents = StbImageSharp.ColorComponents;

namespace DiT.Training.Tests.Trainer;

public class ImageGridTests : TempDirectoryTest
{

    private static ImageResult Load(string path)
    {
        using var s = File.OpenRead(path);
        return ImageResult.FromStream(s, ReadComponents.RedGreenBlue);
    }

    private static (byte R, byte G, byte B) Px(ImageResult img, int x, int y)
    {
        int i = (y * img.Width + x) * 3;
        return (img.Data[i], img.Data[i + 1], img.Data[i + 2]);
    }

    [TestCase(-1f, 0)]
    [TestCase(1f, 255)]
    [TestCase(0f, 128)]
    [TestCase(-2f, 0)]
    [TestCase(3f, 255)]
    [TestCase(float.NaN, 0)]
    [TestCase(-0.5f, 64)] // 63.75 + 0.5 -> 64
    public void ToByteMapsRangeWithRoundHalfUp(float v, int expected) => Assert.That(ImageGrid.ToByte(v), Is.EqualTo(expected));

    [Test]
    public void RgbGridHasPaddedGeometryAndExactPixels()
    {
        // 3 images, 3x4 (HxW), cols=2 -> 2 rows; width 2*(4+2)+2 = 14, height 2*(3+2)+2 = 12.
        int n = 3, c = 3, h = 3, w = 4;
        var data = new float[n * c * h * w];
        for (int k = 0; k < n; k++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < h * w; i++)
                    data[((k * c + ch) * h * w) + i] = ch == k ? 1f : (ch == (k + 1) % 3 ? 0f : -1f);
        var path = Path.Combine(Dir, "sub", "grid.png");
        ImageGrid.SaveGrid(path, data, n, c, h, w, cols: 2);
        Assert.That(File.Exists(path + ".tmp"), Is.False);
        var img = Load(path);
        Assert.That((img.Width, img.Height), Is.EqualTo((14, 12)));
        Assert.That(Px(img, 0, 0), Is.EqualTo(((byte)0, (byte)0, (byte)0)));          // padding is black
        Assert.That(Px(img, 2, 2), Is.EqualTo(((byte)255, (byte)128, (byte)0)));      // image 0 top-left
        Assert.That(Px(img, 5, 4), Is.EqualTo(((byte)255, (byte)128, (byte)0)));      // image 0 bottom-right
        Assert.That(Px(img, 6, 2), Is.EqualTo(((byte)0, (byte)0, (byte)0)));          // gap between columns
        Assert.That(Px(img, 8, 2), Is.EqualTo(((byte)0, (byte)255, (byte)128)));      // image 1 at x = 6+2
        Assert.That(Px(img, 2, 7), Is.EqualTo(((byte)128, (byte)0, (byte)255)));      // image 2 at y = 5+2
        Assert.That(Px(img, 8, 7), Is.EqualTo(((byte)0, (byte)0, (byte)0)));          // empty slot stays black
    }

    [Test]
    public void GrayscaleIsReplicatedAndPixelOrderIsRowMajor()
    {
        // One 2x2 image: [-1, 0; 1, -0.5].
        var img = ImageGrid.ToRgb(new[] { -1f, 0f, 1f, -0.5f }, 1, 1, 2, 2, padding: 0);
        Assert.That((img.Width, img.Height), Is.EqualTo((2, 2)));
        Assert.That(img.Pixels, Is.EqualTo(new byte[] { 0, 0, 0, 128, 128, 128, 255, 255, 255, 64, 64, 64 }));
    }

    [Test]
    public void TensorInputMatchesArrayInputAndOverwritesAtomically()
    {
        using var t = linspace(-1, 1, 4 * 1 * 5 * 6).reshape(4, 1, 5, 6);
        var fromTensor = ImageGrid.ToRgb(t);
        var fromArray = ImageGrid.ToRgb(t.data<float>().ToArray(), 4, 1, 5, 6);
        Assert.That(fromTensor.Pixels, Is.EqualTo(fromArray.Pixels));
        Assert.That((fromTensor.Width, fromTensor.Height), Is.EqualTo((2 * 8 + 2, 2 * 7 + 2))); // default cols = 2

        var path = Path.Combine(Dir, "g.png");
        File.WriteAllText(path, "old");
        ImageGrid.SaveGrid(path, t);
        var img = Load(path);
        Assert.That(img.Data, Is.EqualTo(fromTensor.Pixels));
        Assert.That(Directory.GetFiles(Dir), Has.Length.EqualTo(1));
    }

    [Test]
    public void SavePngWritesGrayAndRgb()
    {
        var path = Path.Combine(Dir, "gray.png");
        ImageGrid.SavePng(path, new byte[] { 0, 50, 100, 150, 200, 250 }, 3, 2, 1);
        using var s = File.OpenRead(path);
        var img = ImageResult.FromStream(s, ReadComponents.Grey);
        Assert.That((img.Width, img.Height), Is.EqualTo((3, 2)));
        Assert.That(img.Data, Is.EqualTo(new byte[] { 0, 50, 100, 150, 200, 250 }));
    }

    [Test]
    public void RejectsBadShapes()
    {
        Assert.Throws<ArgumentException>(() => ImageGrid.ToRgb(new float[8], 2, 2, 1, 2));
        Assert.Throws<ArgumentException>(() => ImageGrid.ToRgb(new float[5], 1, 1, 2, 2));
        Assert.Throws<ArgumentException>(() => ImageGrid.SavePng(Path.Combine(Dir, "x.png"), new byte[5], 2, 2, 1));
    }
}
