using System;
using System.IO;
using System.Linq;
using DiT.Training.Data;
using NUnit.Framework;

namespace DiT.Training.Tests.Data;

public class IdxTests : TempDirectoryTest
{

    private (string img, string lab) WriteSet(bool gzip, int n = 3, int labelCount = -1)
    {
        var pixels = new byte[n * 28 * 28];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i * 7 % 256);
        var labels = Enumerable.Range(0, labelCount < 0 ? n : labelCount).Select(i => (byte)(i % 10)).ToArray();
        string ext = gzip ? ".gz" : "";
        string img = Path.Combine(Dir, "imgs" + ext), lab = Path.Combine(Dir, "labs" + ext);
        IdxFile.Write(img, new[] { n, 28, 28 }, pixels, gzip);
        IdxFile.Write(lab, new[] { labels.Length }, labels, gzip);
        return (img, lab);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void RoundTripPadsTo32WithBackground(bool gzip)
    {
        var (img, lab) = WriteSet(gzip);
        var raw = IdxFile.Read(img, IdxFile.ImagesMagic);
        Assert.That(raw.Dims, Is.EqualTo(new[] { 3, 28, 28 }));
        Assert.That(raw.Data[100], Is.EqualTo((byte)(700 % 256)));

        var ds = new IdxDataset(img, lab);
        Assert.That((ds.Count, ds.Channels, ds.Height, ds.Width), Is.EqualTo((3, 1, 32, 32)));
        Assert.That(ds.ClassNames[9], Is.EqualTo("Ankle boot"));
        var e = ds.Get(1);
        Assert.That(e.Label, Is.EqualTo(1));
        Assert.That(e.Chw[0], Is.EqualTo(-1f), "padding is the background value");
        Assert.That(e.Chw[31 * 32 + 31], Is.EqualTo(-1f));
        // Source pixel (y=0, x=0) of image 1 lands at (2, 2).
        Assert.That(e.Chw[2 * 32 + 2], Is.EqualTo((784 * 7 % 256) / 127.5f - 1f));
        Assert.That(e.Chw[(2 + 5) * 32 + 2 + 3], Is.EqualTo(((784 + 5 * 28 + 3) * 7 % 256) / 127.5f - 1f));
    }

    [Test]
    public void ResizeLayoutKeepsConstantImageConstant()
    {
        var pixels = Enumerable.Repeat((byte)200, 28 * 28).ToArray();
        var ds = new IdxDataset(new IdxArray(new[] { 1, 28, 28 }, pixels), "mem", new IdxArray(new[] { 1 }, new byte[] { 4 }), "mem",
            new IdxDatasetOptions { Layout = IdxLayout.Resize, TargetSize = 32 });
        Assert.That(ds.Get(0).Chw.All(v => Math.Abs(v - (200 / 127.5f - 1f)) < 1e-5), Is.True);
    }

    [Test]
    public void BadMagicMismatchedCountsAndTruncationAreReported()
    {
        var (img, lab) = WriteSet(false);
        var ex = Assert.Throws<InvalidDataException>(() => new IdxDataset(lab, img))!;
        Assert.That(ex.Message, Does.Contain("bad magic").And.Contain("0x00000801"));

        File.WriteAllBytes(Path.Combine(Dir, "junk"), new byte[] { 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0 });
        Assert.That(Assert.Throws<InvalidDataException>(() => IdxFile.Read(Path.Combine(Dir, "junk")))!.Message, Does.Contain("bad magic"));

        var (img5, _) = WriteSet(false, n: 5);
        var (_, lab4) = (img5, Path.Combine(Dir, "labs4"));
        IdxFile.Write(lab4, new[] { 4 }, new byte[] { 0, 1, 2, 3 });
        Assert.That(Assert.Throws<InvalidDataException>(() => new IdxDataset(img5, lab4))!.Message, Does.Contain("count mismatch"));

        var bytes = File.ReadAllBytes(img5);
        File.WriteAllBytes(img5, bytes[..(bytes.Length - 10)]);
        Assert.That(Assert.Throws<InvalidDataException>(() => IdxFile.Read(img5))!.Message, Does.Contain("truncated"));

        var (gzImg, _) = WriteSet(true);
        var gz = File.ReadAllBytes(gzImg);
        File.WriteAllBytes(gzImg, gz[..(gz.Length / 2)]);
        Assert.Throws<InvalidDataException>(() => IdxFile.Read(gzImg));
    }

    [Test]
    public void RealFashionMnistTestSplit()
    {
        var files = FashionMnist.Find();
        if (files == null) Assert.Ignore($"Debian package dataset-fashion-mnist not installed (no files in {FashionMnist.DebianDirectory}).");
        var ds = FashionMnist.Load(files!.Test);
        Assert.That(ds.Count, Is.EqualTo(10000));
        Assert.That((ds.SourceHeight, ds.SourceWidth), Is.EqualTo((28, 28)));
        var first = ds.Get(0);
        // Byte 8 of t10k-labels-idx1-ubyte is 0x09 (checked with xxd): the first test image is an ankle boot.
        Assert.That(first.Label, Is.EqualTo(9));
        Assert.That(ds.ClassNames[first.Label], Is.EqualTo("Ankle boot"));
        Assert.That(first.Chw.Min(), Is.GreaterThanOrEqualTo(-1f));
        Assert.That(first.Chw.Max(), Is.LessThanOrEqualTo(1f).And.GreaterThan(0f));
        var counts = new int[10];
        for (int i = 0; i < ds.Count; i++) counts[ds.LabelAt(i)]++;
        Assert.That(counts, Is.All.EqualTo(1000), "the test split is balanced");
    }
}
