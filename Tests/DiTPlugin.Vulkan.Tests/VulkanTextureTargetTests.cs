using System;
using DiTPlugin.Textures;
using DiTPlugin.TestSupport;
using NUnit.Framework;
using Silk.NET.Vulkan;

namespace DiTPlugin.Vulkan.Tests
{
    /// <summary>
    /// The GPU texture target against its own bytes: what is written must come back from the image unchanged, level
    /// by level, for every format and mip chain shape (odd sizes make the per-level offsets and extents uneven).
    /// </summary>
    public sealed class VulkanTextureTargetTests
    {
        private static TextureSettings Settings(string format, bool mips) => format switch
        {
            "Rgba8Srgb" => new TextureSettings(TextureFormat.Rgba8, TextureColorSpace.Srgb, RowOrder.TopDown, mips),
            "Rgba8Linear" => new TextureSettings(TextureFormat.Rgba8, TextureColorSpace.Linear, RowOrder.TopDown, mips),
            "Half" => new TextureSettings(TextureFormat.RgbaHalf, TextureColorSpace.Linear, RowOrder.TopDown, mips),
            _ => throw new ArgumentException(format),
        };

        [OneTimeSetUp]
        public void PrintDevice() => TestContext.Out.WriteLine("device: " + VulkanSetup.Device.DeviceName);

        [TestCase("Rgba8Srgb", Format.R8G8B8A8Srgb)]
        [TestCase("Rgba8Linear", Format.R8G8B8A8Unorm)]
        [TestCase("Half", Format.R16G16B16A16Sfloat)]
        public void Settings_map_to_the_vulkan_format(string format, Format expected)
        {
            using var target = new VulkanTextureTarget(VulkanSetup.Device, Settings(format, false));
            Assert.That(target.VkFormat, Is.EqualTo(expected));
        }

        [Test]
        public void Round_trip_is_byte_identical_on_every_level(
            [Values("Rgba8Srgb", "Rgba8Linear", "Half")] string format,
            [Values("32x32", "37x20", "20x37", "1x1")] string size,
            [Values(false, true)] bool mips)
        {
            var parts = size.Split('x');
            var layout = new TextureLayout(int.Parse(parts[0]), int.Parse(parts[1]), Settings(format, mips));
            using var target = new VulkanTextureTarget(VulkanSetup.Device, layout.Settings);
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
        public void Writes_reuse_one_staging_buffer_and_the_last_one_wins()
        {
            var layout = new TextureLayout(37, 20, Settings("Rgba8Srgb", true));
            using var target = new VulkanTextureTarget(VulkanSetup.Device, layout.Settings);
            target.Allocate(layout);
            var staging = target.StagingBuffer;
            var image = target.Image;
            Assert.That(staging.Handle, Is.Not.Zero);

            byte[] last = Array.Empty<byte>();
            for (int i = 0; i < 20; i++)
            {
                last = TestData.RandomBytes(layout.ByteSize, seed: 100 + i);
                target.Write(TestData.Update(layout, last, isFinal: i == 19, step: i));
                Assert.That(target.StagingBuffer.Handle, Is.EqualTo(staging.Handle), $"write {i} replaced the staging buffer");
                Assert.That(target.Version, Is.EqualTo(i + 1));
                Assert.That(target.IsFinal, Is.EqualTo(i == 19));
            }

            Assert.That(target.Image.Handle, Is.EqualTo(image.Handle));
            Assert.That(TestData.FirstDifference(layout, last, target.ReadBack()), Is.Null);
        }

        [Test]
        public void Writes_between_readbacks_each_land()
        {
            // ReadBack waits for the pending upload; interleaving catches a read that overtakes the copy before it.
            var layout = new TextureLayout(16, 8, Settings("Half", true));
            using var target = new VulkanTextureTarget(VulkanSetup.Device, layout.Settings);
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
            using var target = new VulkanTextureTarget(VulkanSetup.Device, layout.Settings);
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
            using var target = new VulkanTextureTarget(VulkanSetup.Device, small.Settings);
            target.Allocate(small);
            target.Write(TestData.Update(small, TestData.RandomBytes(small.ByteSize, 3)));

            target.Allocate(small);
            Assert.That(target.Version, Is.Zero);
            Assert.That(target.ReadBack(), Is.All.EqualTo((byte)128).Or.EqualTo((byte)255));
            Assert.That(target.ReadBack()[3], Is.EqualTo(255));
            Assert.That(target.ReadBack()[0], Is.EqualTo(128));

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
            using var target = new VulkanTextureTarget(VulkanSetup.Device, layout.Settings);
            var e = Assert.Throws<InvalidOperationException>(() => target.Write(TestData.Update(layout, new byte[layout.ByteSize])));
            Assert.That(e!.Message, Does.Contain("before Allocate"));
            Assert.Throws<InvalidOperationException>(() => target.ReadBack());
        }

        [Test]
        public void An_update_of_another_layout_is_refused_and_changes_nothing()
        {
            var layout = new TextureLayout(8, 4, Settings("Rgba8Srgb", false));
            var other = new TextureLayout(4, 8, layout.Settings);   // same byte count, other shape
            using var target = new VulkanTextureTarget(VulkanSetup.Device, layout.Settings);
            target.Allocate(layout);

            var e = Assert.Throws<ArgumentException>(() => target.Write(TestData.Update(other, new byte[other.ByteSize])));

            Assert.That(e!.Message, Does.Contain("4x8").And.Contain("8x4"));
            Assert.That(target.Version, Is.Zero);
            Assert.That(target.ReadBack()[0], Is.EqualTo(128));
        }

        [Test]
        public void A_layout_with_other_settings_is_refused_at_allocate()
        {
            using var target = new VulkanTextureTarget(VulkanSetup.Device, Settings("Rgba8Srgb", false));
            var e = Assert.Throws<ArgumentException>(() => target.Allocate(new TextureLayout(4, 4, Settings("Half", false))));
            Assert.That(e!.Message, Does.Contain("RgbaHalf").And.Contain("Rgba8"));
        }

        [Test]
        public void Use_after_dispose_is_refused()
        {
            var layout = new TextureLayout(4, 4, Settings("Rgba8Srgb", false));
            var target = new VulkanTextureTarget(VulkanSetup.Device, layout.Settings);
            target.Allocate(layout);
            target.Write(TestData.Update(layout, new byte[layout.ByteSize]));   // left in flight: Dispose waits for it
            target.Dispose();
            target.Dispose();
            Assert.Throws<ObjectDisposedException>(() => target.Write(TestData.Update(layout, new byte[layout.ByteSize])));
        }
    }
}
