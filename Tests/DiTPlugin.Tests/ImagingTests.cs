using System.IO;
using DiTPlugin.Imaging;
using NUnit.Framework;

namespace DiTPlugin.Tests;

public class ImagingTests
{
    [Test]
    public void SrgbTransferFunction()
    {
        Assert.That(ImageConverter.ToByte(ImageConverter.LinearToSrgb(0.5)), Is.EqualTo(188));
        Assert.That(ImageConverter.ValueToByte(0f, linear: true), Is.EqualTo(188));
        Assert.That(ImageConverter.LinearToSrgb(0.002), Is.EqualTo(0.002 * 12.92).Within(1e-15));
        Assert.That(ImageConverter.ValueToByte(-1f, true), Is.EqualTo(0));
        Assert.That(ImageConverter.ValueToByte(1f, true), Is.EqualTo(255));
    }

    [Test]
    public void SrgbEncodedValuesMapLinearlyWithRoundingAndClamping()
    {
        Assert.That(ImageConverter.ValueToByte(0f, false), Is.EqualTo(128)); // 127.5 rounds up
        Assert.That(ImageConverter.ValueToByte(-1f, false), Is.EqualTo(0));
        Assert.That(ImageConverter.ValueToByte(1f, false), Is.EqualTo(255));
        Assert.That(ImageConverter.ValueToByte(-3f, false), Is.EqualTo(0));
        Assert.That(ImageConverter.ValueToByte(7f, false), Is.EqualTo(255));
        Assert.That(ImageConverter.ValueToByte(float.NaN, false), Is.EqualTo(0));
    }

    [Test]
    public void GrayscaleIsReplicatedAndRgbIsInterleaved()
    {
        var g = ImageConverter.ToRgba8(new[] { -1f, 1f }, 1, 2, 1, "sRGB");
        Assert.That(g, Is.EqualTo(new byte[] { 0, 0, 0, 255, 255, 255, 255, 255 }));
        var rgb = ImageConverter.ToRgba8(new[] { 1f, -1f, -1f, 1f, -1f, -1f }, 3, 2, 1, "sRGB");
        Assert.That(rgb, Is.EqualTo(new byte[] { 255, 0, 0, 255, 0, 255, 0, 255 }));
    }

    [Test]
    public void PngIsWrittenAtomically()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ditplugin-tests", Path.GetRandomFileName());
        string path = Path.Combine(dir, "a.png");
        PngWriter.Write(path, new byte[] { 1, 2, 3, 255 }, 1, 1);
        PngWriter.Write(path, new byte[] { 4, 5, 6, 255 }, 1, 1); // overwrite
        var bytes = File.ReadAllBytes(path);
        Assert.That(bytes[1..4], Is.EqualTo("PNG"u8.ToArray()));
        Assert.That(Directory.GetFiles(dir), Has.Length.EqualTo(1));
        var img = StbImageSharp.ImageResult.FromMemory(bytes, StbImageSharp.ColorComponents.RedGreenBlueAlpha);
        Assert.That(img.Data, Is.EqualTo(new byte[] { 4, 5, 6, 255 }));
        Directory.Delete(dir, true);
    }
}
