using System;
using System.Linq;
using DiT.Training.Data;
using NUnit.Framework;

namespace DiT.Training.Tests.Data;

public class PreprocessTests
{
    private static PixelImage Make(int w, int h, int c, Func<int, int, int, float> f)
    {
        var img = new PixelImage(w, h, c);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int ch = 0; ch < c; ch++) img[x, y, ch] = f(x, y, ch);
        return img;
    }

    [Test]
    public void BoxHalvingGivesMeanOfEach2x2Block()
    {
        // 8x8 -> size 4: shorter side 8 >= 2*4, so exactly one halving, then no resize, then a full crop.
        var img = Make(8, 8, 3, (x, y, c) => 10 * x + 2 * (y % 2) + 50 * c + (y / 2) * 7);
        var o = AdmCenterCrop.Apply(img, 4);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
                for (int c = 0; c < 3; c++)
                {
                    float mean = (img[2 * x, 2 * y, c] + img[2 * x + 1, 2 * y, c] + img[2 * x, 2 * y + 1, c] + img[2 * x + 1, 2 * y + 1, c]) / 4;
                    Assert.That(o[x, y, c], Is.EqualTo(mean), $"({x},{y},{c})");
                }
    }

    [Test]
    public void RepeatedHalvingAverages4x4Blocks()
    {
        var img = Make(16, 16, 1, (x, y, _) => (x + 16 * y) % 5 * 16);
        var o = AdmCenterCrop.Apply(img, 4, quantize: false);
        for (int y = 0; y < 4; y++)
            for (int x = 0; x < 4; x++)
            {
                double sum = 0;
                for (int dy = 0; dy < 4; dy++) for (int dx = 0; dx < 4; dx++) sum += img[4 * x + dx, 4 * y + dy, 0];
                Assert.That(o[x, y, 0], Is.EqualTo(sum / 16).Within(1e-4));
            }
    }

    [Test]
    public void SizePreservingCropIsExact()
    {
        // Shorter side already == size: no resampling, the centre 6x6 of a 10x6 checkerboard-ish image is copied.
        var img = Make(10, 6, 3, (x, y, c) => ((x + y) % 2) * 200 + x + 3 * c);
        var o = AdmCenterCrop.Apply(img, 6);
        Assert.That((o.Width, o.Height), Is.EqualTo((6, 6)));
        for (int y = 0; y < 6; y++)
            for (int x = 0; x < 6; x++)
                for (int c = 0; c < 3; c++) Assert.That(o[x, y, c], Is.EqualTo(img[x + 2, y, c]));
        // And the [-1, 1] scaling of the CHW output.
        var chw = o.ToChwSigned();
        Assert.That(chw[1 * 36 + 0], Is.EqualTo(img[2, 0, 1] / 127.5f - 1f));
    }

    [TestCase(5, 7, 13, 11, ResampleFilter.Bicubic)]
    [TestCase(40, 30, 17, 9, ResampleFilter.Bicubic)]
    [TestCase(9, 9, 4, 4, ResampleFilter.Box)]
    public void ConstantImageStaysConstant(int w, int h, int nw, int nh, ResampleFilter f)
    {
        var img = Make(w, h, 2, (_, _, c) => c == 0 ? 77.25f : 200f);
        var o = Resample.Resize(img, nw, nh, f);
        for (int i = 0; i < o.Data.Length; i++) Assert.That(o.Data[i], Is.EqualTo(i % 2 == 0 ? 77.25f : 200f).Within(1e-3));
    }

    [Test]
    public void BicubicUpscaleOfLinearRampIsLinearInInterior()
    {
        int w = 10, nw = 23;
        var img = Make(w, 3, 1, (x, _, _) => 3f * x + 10f);
        var o = Resample.Resize(img, nw, 3, ResampleFilter.Bicubic);
        double scale = (double)w / nw;
        int checkedCount = 0;
        for (int i = 0; i < nw; i++)
        {
            double center = (i + 0.5) * scale;
            if (center - 2 < 0 || center + 2 > w) continue; // border windows are clipped
            double expected = 3 * (center - 0.5) + 10; // pixel j's value sits at its centre j + 0.5
            Assert.That(o[i, 1, 0], Is.EqualTo(expected).Within(1e-4), $"i={i}");
            checkedCount++;
        }
        Assert.That(checkedCount, Is.GreaterThan(10));
    }

    [Test]
    public void CubicKernelMatchesKeysWithMinusHalf()
    {
        Assert.That(Resample.Cubic(0), Is.EqualTo(1));
        Assert.That(Resample.Cubic(1), Is.EqualTo(0).Within(1e-12));
        Assert.That(Resample.Cubic(2), Is.EqualTo(0));
        Assert.That(Resample.Cubic(0.5), Is.EqualTo(0.5625).Within(1e-12)); // 1.5*0.125 - 2.5*0.25 + 1
        Assert.That(Resample.Cubic(1.5), Is.EqualTo(-0.0625).Within(1e-12)); // -0.5*(3.375 - 11.25 + 12 - 4)
    }

    [Test]
    public void NonSquareImageCropsCentreAfterResize()
    {
        // 300x200 -> 64: halve once (150x100), bicubic to shorter side 64 (96x64), crop x from 16.
        var img = Make(300, 200, 1, (_, _, _) => 42);
        var o = AdmCenterCrop.Apply(img, 64);
        Assert.That((o.Width, o.Height), Is.EqualTo((64, 64)));
        Assert.That(o.Data.All(v => v == 42f), Is.True);
    }
}
