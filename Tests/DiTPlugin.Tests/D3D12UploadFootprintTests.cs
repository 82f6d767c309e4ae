using System;
using System.Linq;
using DiTPlugin.D3D12;
using DiTPlugin.Textures;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>
/// The platform-free part of the Direct3D 12 target: placing tightly packed mip levels into an upload buffer whose
/// rows are 256-byte aligned and whose levels start on 512-byte boundaries (D3D12_TEXTURE_DATA_PITCH_ALIGNMENT and
/// D3D12_TEXTURE_DATA_PLACEMENT_ALIGNMENT), and gathering them back from a readback buffer. The D3D12 calls
/// themselves are tested on vkd3d in Tests/DiTPlugin.D3D12.Tests.
/// </summary>
public class D3D12UploadFootprintTests
{
    [Test]
    public void PlacementsForA32x32MipChainByHand()
    {
        // RGBA8 rows of 128, 64, 32, 16, 8, 4 bytes all pad to a 256-byte pitch. Level 0 ends at 31·256 + 128 = 8064,
        // so level 1 starts at 8192; it ends at 8192 + 15·256 + 64 = 12096 → level 2 at 12288; then 12288 + 7·256 + 32
        // = 14112 → 14336; 14336 + 3·256 + 16 = 15120 → 15360; 15360 + 256 + 8 = 15624 → 15872; 15872 + 4 = 15876.
        var layout = new TextureLayout(32, 32, new TextureSettings(mipmaps: true));
        var p = UploadFootprint.Compute(layout, out long required);
        Assert.That(p.Select(x => x.Offset), Is.EqualTo(new long[] { 0, 8192, 12288, 14336, 15360, 15872 }));
        Assert.That(p.All(x => x.RowPitch == 256), Is.True);
        Assert.That(required, Is.EqualTo(15876));
    }

    [Test]
    public void RowsLandAtTheirPitchAndRoundTrip([Values(1, 37, 64, 100)] int width)
    {
        var layout = new TextureLayout(width, 13, new TextureSettings(TextureFormat.RgbaHalf, TextureColorSpace.Linear, mipmaps: true));
        var placements = UploadFootprint.Compute(layout, out long required);
        for (int l = 0; l < layout.MipCount; l++)
        {
            Assert.That(placements[l].Offset % UploadFootprint.PlacementAlignment, Is.Zero);
            Assert.That(placements[l].RowPitch % UploadFootprint.RowPitchAlignment, Is.Zero);
            Assert.That(placements[l].RowPitch, Is.GreaterThanOrEqualTo(layout.RowPitch(l)));
            if (l > 0) Assert.That(placements[l].Offset, Is.GreaterThanOrEqualTo(placements[l - 1].Offset + (long)placements[l - 1].RowPitch * (layout.MipHeight(l - 1) - 1) + layout.RowPitch(l - 1)));
        }
        var packed = new byte[layout.ByteSize];
        new System.Random(width).NextBytes(packed);
        var upload = Enumerable.Repeat((byte)0xEE, (int)required).ToArray();
        UploadFootprint.CopyRows(packed, layout, placements, upload);
        var covered = new bool[required];
        for (int l = 0; l < layout.MipCount; l++)
            for (int y = 0; y < layout.MipHeight(l); y++)
            {
                Array.Fill(covered, true, (int)(placements[l].Offset + (long)y * placements[l].RowPitch), layout.RowPitch(l));
                var row = upload.AsSpan((int)(placements[l].Offset + (long)y * placements[l].RowPitch), layout.RowPitch(l)).ToArray();
                var expected = packed.AsSpan((int)layout.MipOffset(l) + y * layout.RowPitch(l), layout.RowPitch(l)).ToArray();
                Assert.That(row, Is.EqualTo(expected), $"level {l} row {y}");
            }
        Assert.That(Enumerable.Range(0, (int)required).Where(i => !covered[i]).All(i => upload[i] == 0xEE), Is.True, "padding is left untouched");
        Assert.That(covered.Count(c => c), Is.EqualTo(layout.ByteSize), "rows do not overlap");
    }

    [Test]
    public void TooSmallBuffersAndWrongDataAreNamed()
    {
        var layout = new TextureLayout(8, 8, new TextureSettings());
        var p = UploadFootprint.Compute(layout, out long required);
        Assert.That(Assert.Throws<ArgumentException>(() => UploadFootprint.CopyRows(new byte[layout.ByteSize], layout, p, new byte[required - 1]))!.Message, Does.Contain("upload buffer"));
        Assert.Throws<ArgumentException>(() => UploadFootprint.CopyRows(new byte[10], layout, p, new byte[required]));
    }

    [Test]
    public void ReadRowsUndoesCopyRowsAndSkipsThePadding([Values(1, 37, 64)] int width)
    {
        var layout = new TextureLayout(width, 9, new TextureSettings(mipmaps: true));
        var placements = UploadFootprint.Compute(layout, out long required);
        var packed = new byte[layout.ByteSize];
        new System.Random(width + 1).NextBytes(packed);
        var pitched = Enumerable.Repeat((byte)0xEE, (int)required).ToArray();   // padding a readback would leave as garbage
        UploadFootprint.CopyRows(packed, layout, placements, pitched);

        var back = new byte[layout.ByteSize];
        UploadFootprint.ReadRows(pitched, layout, placements, back);

        Assert.That(back, Is.EqualTo(packed));
    }

    [Test]
    public void ReadRowsNamesATooSmallReadbackBufferAndAWrongDestination()
    {
        var layout = new TextureLayout(8, 8, new TextureSettings(mipmaps: true));
        var p = UploadFootprint.Compute(layout, out long required);
        Assert.That(Assert.Throws<ArgumentException>(() => UploadFootprint.ReadRows(new byte[required - 1], layout, p, new byte[layout.ByteSize]))!.Message,
            Does.Contain("readback buffer"));
        Assert.That(Assert.Throws<ArgumentException>(() => UploadFootprint.ReadRows(new byte[required], layout, p, new byte[layout.ByteSize + 1]))!.Message,
            Does.Contain("destination"));
        Assert.Throws<ArgumentException>(() => UploadFootprint.ReadRows(new byte[required], layout, p.AsSpan(1), new byte[layout.ByteSize]));
    }
}
