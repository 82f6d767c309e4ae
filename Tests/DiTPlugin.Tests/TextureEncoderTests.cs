using System;
using System.Linq;
using DiTPlugin.Imaging;
using DiTPlugin.Textures;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>Engine byte layouts: mip chain offsets, colour space, row order, linear-light mips, half floats.</summary>
public class TextureEncoderTests
{
    private static float[] RandomImage(int channels, int w, int h, int seed)
    {
        var rng = new System.Random(seed);
        return Enumerable.Range(0, channels * w * h).Select(_ => (float)(rng.NextDouble() * 2.2 - 1.1)).ToArray();
    }

    [Test]
    public void MipChainLayoutIsTightlyPackedLevelZeroFirst()
    {
        // 32x32 RGBA8: 4096 + 1024 + 256 + 64 + 16 + 4 bytes.
        var l = new TextureLayout(32, 32, new TextureSettings(mipmaps: true));
        Assert.That(l.MipCount, Is.EqualTo(6));
        Assert.That(Enumerable.Range(0, 6).Select(l.MipOffset), Is.EqualTo(new long[] { 0, 4096, 5120, 5376, 5440, 5456 }));
        Assert.That(l.ByteSize, Is.EqualTo(5460));
        // 37x20 RGBAHalf: 37x20, 18x10, 9x5, 4x2, 2x1, 1x1 (halving rounds down, at least 1).
        var odd = new TextureLayout(37, 20, new TextureSettings(TextureFormat.RgbaHalf, TextureColorSpace.Linear, mipmaps: true));
        Assert.That(Enumerable.Range(0, odd.MipCount).Select(i => (odd.MipWidth(i), odd.MipHeight(i))),
            Is.EqualTo(new[] { (37, 20), (18, 10), (9, 5), (4, 2), (2, 1), (1, 1) }));
        Assert.That(odd.ByteSize, Is.EqualTo(8L * (740 + 180 + 45 + 8 + 2 + 1)));
        Assert.That(odd.RowPitch(1), Is.EqualTo(18 * 8));
        Assert.That(new TextureLayout(32, 32, new TextureSettings()).MipCount, Is.EqualTo(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => l.MipOffset(6));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TextureLayout(0, 4, new TextureSettings()));
    }

    [Test]
    public void HalfFloatTexturesMustBeLinear()
    {
        var e = Assert.Throws<ArgumentException>(() => new TextureSettings(TextureFormat.RgbaHalf, TextureColorSpace.Srgb));
        Assert.That(e!.Message, Does.Contain("Linear"));
    }

    [Test]
    public void SrgbLevelZeroIsExactlyThePluginsRgba8([Values(1, 3, 4)] int channels)
    {
        var chw = RandomImage(channels, 9, 7, channels);
        var layout = new TextureLayout(9, 7, new TextureSettings());
        Assert.That(TextureEncoder.Encode(chw, channels, "sRGB", layout), Is.EqualTo(ImageConverter.ToRgba8(chw, channels, 9, 7, "sRGB")));
        // A linear model into an sRGB texture: the OETF, as ImageConverter applies it.
        Assert.That(TextureEncoder.Encode(chw, channels, "linear", layout), Is.EqualTo(ImageConverter.ToRgba8(chw, channels, 9, 7, "linear")));
    }

    [Test]
    public void BottomUpIsTopDownWithRowsReversedAtEveryLevel()
    {
        var chw = RandomImage(3, 12, 10, 5);
        var top = new TextureLayout(12, 10, new TextureSettings(mipmaps: true));
        var bottom = new TextureLayout(12, 10, new TextureSettings(rowOrder: RowOrder.BottomUp, mipmaps: true));
        var a = TextureEncoder.Encode(chw, 3, "sRGB", top);
        var b = TextureEncoder.Encode(chw, 3, "sRGB", bottom);
        for (int level = 0; level < top.MipCount; level++)
        {
            int h = top.MipHeight(level), pitch = top.RowPitch(level), off = (int)top.MipOffset(level);
            for (int y = 0; y < h; y++)
                Assert.That(b.AsSpan(off + (h - 1 - y) * pitch, pitch).ToArray(), Is.EqualTo(a.AsSpan(off + y * pitch, pitch).ToArray()), $"level {level} row {y}");
        }
    }

    [Test]
    public void LinearTargetsStoreDecodedLight()
    {
        // Model value 0 in an sRGB model is the encoded value 0.5; linear light ((0.5 + 0.055)/1.055)^2.4 = 0.21404,
        // stored as round(0.21404 · 255) = 55 in RGBA8, and as the half nearest 0.21404 in RGBAHalf.
        var chw = new float[3] { 0f, 1f, -1f };
        var rgba8 = TextureEncoder.Encode(chw, 3, "sRGB", new TextureLayout(1, 1, new TextureSettings(colorSpace: TextureColorSpace.Linear)));
        Assert.That(rgba8, Is.EqualTo(new byte[] { 55, 255, 0, 255 }));
        var half = TextureEncoder.Encode(chw, 3, "sRGB", new TextureLayout(1, 1, new TextureSettings(TextureFormat.RgbaHalf, TextureColorSpace.Linear)));
        ushort H(int i) => (ushort)(half[2 * i] | half[2 * i + 1] << 8);
        Assert.That(HalfFloat.ToFloat(H(0)), Is.EqualTo(0.214041).Within(1e-4));
        Assert.That((H(1), H(2), H(3)), Is.EqualTo(((ushort)0x3C00, (ushort)0, (ushort)0x3C00)), "1.0, 0.0 and alpha 1.0 as half bits");
    }

    [Test]
    public void MipsAverageInLinearLight()
    {
        // A 2x2 checker of black and white (sRGB-encoded 0 and 1): the 1x1 mip is linear 0.5, encoded
        // 1.055 · 0.5^(1/2.4) − 0.055 = 0.73536 → 188, not the 128 of averaging encoded values.
        var chw = new float[3 * 4];
        for (int c = 0; c < 3; c++) { chw[c * 4 + 0] = 1; chw[c * 4 + 1] = -1; chw[c * 4 + 2] = -1; chw[c * 4 + 3] = 1; }
        var layout = new TextureLayout(2, 2, new TextureSettings(mipmaps: true));
        var bytes = TextureEncoder.Encode(chw, 3, "sRGB", layout);
        Assert.That(bytes.Skip((int)layout.MipOffset(1)).ToArray(), Is.EqualTo(new byte[] { 188, 188, 188, 255 }));
        var linear = new TextureLayout(2, 2, new TextureSettings(colorSpace: TextureColorSpace.Linear, mipmaps: true));
        Assert.That(TextureEncoder.Encode(chw, 3, "sRGB", linear).Skip(16).ToArray(), Is.EqualTo(new byte[] { 128, 128, 128, 255 }), "round(0.5 · 255) = 128");
    }

    [Test]
    public void OddSizedMipsTakeTheLeftoverTexel()
    {
        // 3x1 grey levels (linear model) 0, 0.5, 1 → level 1 is 1x1: the mean of all three = 0.5 → 128.
        var chw = new float[] { -1, 0, 1 };
        var layout = new TextureLayout(3, 1, new TextureSettings(colorSpace: TextureColorSpace.Linear, mipmaps: true));
        var bytes = TextureEncoder.Encode(chw, 1, "linear", layout);
        Assert.That(layout.MipCount, Is.EqualTo(2));
        Assert.That(bytes.Skip(12).ToArray(), Is.EqualTo(new byte[] { 128, 128, 128, 255 }));
    }

    [Test]
    public void BadInputIsNamed()
    {
        var layout = new TextureLayout(4, 4, new TextureSettings());
        Assert.That(Assert.Throws<ArgumentException>(() => TextureEncoder.Encode(new float[10], 3, "sRGB", layout))!.Message, Does.Contain("48"));
        Assert.That(Assert.Throws<ArgumentException>(() => TextureEncoder.Encode(new float[48], 3, "srgb", layout))!.Message, Does.Contain("'srgb'"));
        Assert.Throws<ArgumentOutOfRangeException>(() => TextureEncoder.Encode(new float[32], 2, "sRGB", layout));
        Assert.Throws<ArgumentException>(() => TextureEncoder.Encode(new float[48], 3, "sRGB", layout, new byte[63]));
    }

    [Test]
    public void HalfFloatMatchesSystemHalfBitForBit()
    {
        var rng = new System.Random(17);
        var special = new[] { 0f, -0f, 1f, -1f, 65504f, 65519.99f, 65520f, 1e9f, -1e9f, float.PositiveInfinity, float.NegativeInfinity,
            6.1035156e-5f, 6.0975552e-5f, 5.9604645e-8f, 2.9802322e-8f, 2.9802326e-8f, 8.940697e-8f, 1e-10f, float.Epsilon,
            1.00048828125f, 1.000732421875f, 0.333333f, 2049f, 2051f };
        var values = special.Concat(Enumerable.Range(0, 200_000).Select(_ => BitConverter.Int32BitsToSingle(rng.Next(int.MinValue, int.MaxValue))))
                            .Concat(Enumerable.Range(0, 200_000).Select(_ => (float)((rng.NextDouble() - 0.5) * Math.Pow(2, rng.Next(-30, 20)))));
        foreach (float f in values)
        {
            ushort expected = BitConverter.HalfToUInt16Bits((Half)f);
            ushort got = HalfFloat.FromFloat(f);
            if (float.IsNaN(f)) Assert.That(Half.IsNaN(BitConverter.UInt16BitsToHalf(got)), Is.True, $"NaN {f}");
            else if (got != expected) Assert.Fail($"{f:R}: got 0x{got:X4}, System.Half gives 0x{expected:X4}");
        }
        for (int bits = 0; bits <= 0xFFFF; bits++)
        {
            float expected = (float)BitConverter.UInt16BitsToHalf((ushort)bits);
            float got = HalfFloat.ToFloat((ushort)bits);
            if (float.IsNaN(expected)) Assert.That(float.IsNaN(got), Is.True);
            else if (BitConverter.SingleToInt32Bits(got) != BitConverter.SingleToInt32Bits(expected)) Assert.Fail($"0x{bits:X4}: {got:R} vs {expected:R}");
        }
    }
}
