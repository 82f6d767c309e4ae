using System;
using DiTPlugin.D3D12;
using DiTPlugin.Textures;
using DiTPlugin.TestSupport;
using NUnit.Framework;

namespace DiTPlugin.D3D12.Tests
{
    /// <summary>
    /// The Direct3D 12 target against its own bytes, as the Vulkan target's tests do: what is written must come back
    /// from the texture unchanged, level by level, for every format and mip chain shape. Widths are chosen so rows need
    /// 256-byte pitch padding (37 RGBA8 texels are 148 bytes, 37 half texels 296) and so they don't (64 RGBA8 = 256).
    /// </summary>
    public sealed class D3D12TextureTargetTests
    {
        internal static TextureSettings Settings(string format, bool mips) => format switch
        {
            "Rgba8Srgb" => new TextureSettings(TextureFormat.Rgba8, TextureColorSpace.Srgb, RowOrder.TopDown, mips),
            "Rgba8Linear" => new TextureSettings(TextureFormat.Rgba8, TextureColorSpace.Linear, RowOrder.TopDown, mips),
            "Half" => new TextureSettings(TextureFormat.RgbaHalf, TextureColorSpace.Linear, RowOrder.TopDown, mips),
            _ => throw new ArgumentException(format),
        };

        [OneTimeSetUp]
        public void PrintDevice() => TestContext.Out.WriteLine("device: " + D3D12Setup.Device.Description);

        [TestCase("Rgba8Srgb", DxgiFormat.R8G8B8A8UnormSrgb)]
        [TestCase("Rgba8Linear", DxgiFormat.R8G8B8A8Unorm)]
        [TestCase("Half", DxgiFormat.R16G16B16A16Float)]
        public void Settings_map_to_the_dxgi_format(string format, DxgiFormat expected)
        {
            using var target = new D3D12TextureTarget(D3D12Setup.Device, Settings(format, false));
            Assert.That(target.Format, Is.EqualTo(expected));
            Assert.That((int)expected, Is.EqualTo(format switch { "Rgba8Srgb" => 29, "Rgba8Linear" => 28, _ => 10 }), "dxgiformat.h values");
        }

        [Test]
        public void Round_trip_is_byte_identical_on_every_level(
            [Values("Rgba8Srgb", "Rgba8Linear", "Half")] string format,
            [Values("32x32", "37x20", "20x37", "64x3", "1x1")] string size,
            [Values(false, true)] bool mips)
        {
            var parts = size.Split('x');
            var layout = new TextureLayout(int.Parse(parts[0]), int.Parse(parts[1]), Settings(format, mips));
            using var target = new D3D12TextureTarget(D3D12Setup.Device, layout.Settings);
            target.Allocate(layout);
            var data = TestData.RandomBytes(layout.ByteSize, seed: layout.Width * 1000 + layout.Height);
            target.Write(TestData.Update(layout, data, isFinal: true));

            var read = target.ReadBack();

            Assert.That(layout.MipCount, Is.EqualTo(mips ? TextureLayout.FullMipCount(layout.Width, layout.Height) : 1));
            Assert.That(TestData.FirstDifference(layout, data, read), Is.Null, layout.ToString());
            Assert.That(target.Version, Is.EqualTo(1));
            Assert.That(target.IsFinal, Is.True);
        }

        [Test]
        public void The_texture_holds_the_bytes_in_the_layout_that_Compute_predicts()
        {
            // An independent readback: own command list, own readback buffer laid out by UploadFootprint.Compute (not
            // GetCopyableFootprints, which the target uses both ways). A footprint bug shared by upload and ReadBack
            // would round-trip in the test above but not here.
            var layout = new TextureLayout(37, 20, Settings("Half", true));
            using var target = new D3D12TextureTarget(D3D12Setup.Device, layout.Settings);
            target.Allocate(layout);
            var data = TestData.RandomBytes(layout.ByteSize, seed: 21);
            target.Write(TestData.Update(layout, data));

            var read = IndependentReadback.Read(D3D12Setup.Device, target.Resource, layout);

            Assert.That(TestData.FirstDifference(layout, data, read), Is.Null);
        }

        [Test]
        public void Writes_reuse_one_upload_buffer_and_the_last_one_wins()
        {
            var layout = new TextureLayout(37, 20, Settings("Rgba8Srgb", true));
            using var target = new D3D12TextureTarget(D3D12Setup.Device, layout.Settings);
            target.Allocate(layout);
            var upload = target.UploadBuffer;
            var texture = target.Resource;
            Assert.That(upload, Is.Not.EqualTo(IntPtr.Zero));

            byte[] last = Array.Empty<byte>();
            for (int i = 0; i < 20; i++)
            {
                last = TestData.RandomBytes(layout.ByteSize, seed: 100 + i);
                target.Write(TestData.Update(layout, last, isFinal: i == 19, step: i));
                Assert.That(target.UploadBuffer, Is.EqualTo(upload), $"write {i} replaced the upload buffer");
                Assert.That(target.Version, Is.EqualTo(i + 1));
                Assert.That(target.IsFinal, Is.EqualTo(i == 19));
            }

            Assert.That(target.Resource, Is.EqualTo(texture));
            Assert.That(TestData.FirstDifference(layout, last, target.ReadBack()), Is.Null);
            TestContext.Out.WriteLine($"20 back-to-back writes: {target.BlockingWaits} found the previous upload still running");
        }

        [Test]
        public void Writes_between_readbacks_each_land()
        {
            // ReadBack runs after the pending upload on the queue; interleaving catches a read that overtakes the copy.
            var layout = new TextureLayout(16, 8, Settings("Half", true));
            using var target = new D3D12TextureTarget(D3D12Setup.Device, layout.Settings);
            target.Allocate(layout);
            for (int i = 0; i < 5; i++)
            {
                var data = TestData.RandomBytes(layout.ByteSize, seed: 7 + i);
                target.Write(TestData.Update(layout, data));
                Assert.That(TestData.FirstDifference(layout, data, target.ReadBack()), Is.Null, $"write {i}");
            }
        }

        [TestCase("Rgba8Srgb", new byte[] { 128, 128, 128, 255 })]
        [TestCase("Rgba8Linear", new byte[] { 128, 128, 128, 255 })]
        // binary16 0.5 = 0x3800 and 1.0 = 0x3C00, little-endian.
        [TestCase("Half", new byte[] { 0x00, 0x38, 0x00, 0x38, 0x00, 0x38, 0x00, 0x3C })]
        public void Allocate_fills_every_level_with_mid_grey(string format, byte[] texel)
        {
            var layout = new TextureLayout(9, 5, Settings(format, true));
            using var target = new D3D12TextureTarget(D3D12Setup.Device, layout.Settings);
            target.Allocate(layout);

            var read = target.ReadBack();

            Assert.That(read.Length, Is.EqualTo(layout.ByteSize));
            for (int i = 0; i < read.Length; i++)
                if (read[i] != texel[i % texel.Length]) Assert.Fail($"byte {i} is {read[i]}, expected {texel[i % texel.Length]}");
            Assert.That(target.Version, Is.Zero);
        }

        [Test]
        public void Allocate_again_resets_to_grey_and_a_new_size_reallocates()
        {
            var small = new TextureLayout(8, 8, Settings("Rgba8Linear", false));
            using var target = new D3D12TextureTarget(D3D12Setup.Device, small.Settings);
            target.Allocate(small);
            var texture = target.Resource;
            target.Write(TestData.Update(small, TestData.RandomBytes(small.ByteSize, 3)));

            target.Allocate(small);
            Assert.That(target.Version, Is.Zero);
            Assert.That(target.Resource, Is.EqualTo(texture), "same shape: the texture (and the engine's SRV on it) is kept");
            var grey = target.ReadBack();
            Assert.That((grey[0], grey[1], grey[2], grey[3]), Is.EqualTo(((byte)128, (byte)128, (byte)128, (byte)255)));
            Assert.That(grey, Is.All.EqualTo((byte)128).Or.EqualTo((byte)255));

            var big = new TextureLayout(24, 10, small.Settings);
            target.Allocate(big);
            var data = TestData.RandomBytes(big.ByteSize, 4);
            target.Write(TestData.Update(big, data));
            Assert.That(target.Layout, Is.SameAs(big));
            Assert.That(TestData.FirstDifference(big, data, target.ReadBack()), Is.Null);
        }

        [Test]
        public void Write_before_allocate_is_refused()
        {
            var layout = new TextureLayout(4, 4, Settings("Rgba8Srgb", false));
            using var target = new D3D12TextureTarget(D3D12Setup.Device, layout.Settings);
            var e = Assert.Throws<InvalidOperationException>(() => target.Write(TestData.Update(layout, new byte[layout.ByteSize])));
            Assert.That(e!.Message, Does.Contain("before Allocate"));
            Assert.Throws<InvalidOperationException>(() => target.ReadBack());
            Assert.That(target.Resource, Is.EqualTo(IntPtr.Zero));
        }

        [Test]
        public void An_update_of_another_layout_is_refused_and_changes_nothing()
        {
            var layout = new TextureLayout(8, 4, Settings("Rgba8Srgb", false));
            var other = new TextureLayout(4, 8, layout.Settings);   // same byte count, other shape
            using var target = new D3D12TextureTarget(D3D12Setup.Device, layout.Settings);
            target.Allocate(layout);

            var e = Assert.Throws<ArgumentException>(() => target.Write(TestData.Update(other, new byte[other.ByteSize])));

            Assert.That(e!.Message, Does.Contain("4x8").And.Contain("8x4"));
            Assert.That(target.Version, Is.Zero);
            Assert.That(target.ReadBack()[0], Is.EqualTo(128));
        }

        [Test]
        public void A_layout_with_other_settings_is_refused_at_allocate()
        {
            using var target = new D3D12TextureTarget(D3D12Setup.Device, Settings("Rgba8Srgb", false));
            var e = Assert.Throws<ArgumentException>(() => target.Allocate(new TextureLayout(4, 4, Settings("Half", false))));
            Assert.That(e!.Message, Does.Contain("RgbaHalf").And.Contain("Rgba8"));
        }

        [Test]
        public void Use_after_dispose_is_refused()
        {
            var layout = new TextureLayout(4, 4, Settings("Rgba8Srgb", false));
            var target = new D3D12TextureTarget(D3D12Setup.Device, layout.Settings);
            target.Allocate(layout);
            target.Write(TestData.Update(layout, new byte[layout.ByteSize]));   // left in flight: Dispose waits for it
            target.Dispose();
            target.Dispose();
            Assert.Throws<ObjectDisposedException>(() => target.Write(TestData.Update(layout, new byte[layout.ByteSize])));
            Assert.Throws<ObjectDisposedException>(() => target.ReadBack());
        }
    }
}
