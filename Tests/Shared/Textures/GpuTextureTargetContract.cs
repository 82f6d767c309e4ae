using System;
using DiTPlugin.Textures;
using NUnit.Framework;

namespace DiTPlugin.TestSupport
{
    /// <summary>
    /// What every GPU texture target (Vulkan, Direct3D 12) must do, checked against its own bytes: what is written must
    /// come back from the texture unchanged, level by level, for every format and mip chain shape, and misuse must be
    /// refused without touching the texture. Each backend's test project derives one [TestFixture] from this that
    /// supplies its device and adds the tests only that API has (format mapping, footprints, fences, interop).
    /// <para>
    /// Abstract and without [TestFixture] on purpose: NUnit then runs these tests once per derived fixture, under the
    /// derived class's name, and never on their own. The file is also compiled into DemoScene.Tests (which takes all of
    /// Tests/Shared/Textures), where nothing derives from it and it runs nothing.
    /// </para>
    /// </summary>
    public abstract class GpuTextureTargetContract<TTarget> where TTarget : class, ITextureTarget, IDisposable
    {
        /// <summary>
        /// What the contract reads off a target besides its bytes. The two targets expose these under different names
        /// and handle types (VkImage/VkBuffer handles, ID3D12Resource pointers), so each fixture maps them here.
        /// </summary>
        /// <param name="Texture">The GPU texture's handle or pointer, 0 before Allocate.</param>
        /// <param name="UploadBuffer">The host-visible buffer every write goes through (Vulkan's staging buffer, D3D12's upload heap buffer), 0 before Allocate.</param>
        protected readonly record struct Observed(long Version, bool IsFinal, TextureLayout? Layout, ulong Texture, ulong UploadBuffer);

        /// <summary>The device's name for the log, so a failure can be tied to a driver. Reading it ignores the fixture when there is no device.</summary>
        protected abstract string DeviceName { get; }

        protected abstract TTarget Create(TextureSettings settings);

        /// <summary>Every level read back from the GPU texture, in <see cref="TextureLayout"/> order.</summary>
        protected abstract byte[] ReadBack(TTarget target);

        protected abstract Observed Observe(TTarget target);

        /// <summary>
        /// Keeps the target's current texture object alive until disposed, or null where the API offers no way to (Vulkan
        /// destroys an image outright). Without a hold, a target that wrongly frees and recreates a texture of the same
        /// shape can get the freed handle back from the driver (vkd3d and lavapipe both hand it out again), and an
        /// unchanged handle would prove nothing.
        /// </summary>
        protected virtual IDisposable? HoldTexture(TTarget target) => null;

        /// <summary>Where a backend has more to say about a run of back-to-back writes (D3D12 counts the writes that had to wait).</summary>
        protected virtual void DescribeBackToBackWrites(TTarget target, int writes)
        {
        }

        /// <summary>The settings the tests name by a short word (strings, so the test names stay readable).</summary>
        internal static TextureSettings Settings(string format, bool mips) => format switch
        {
            "Rgba8Srgb" => new TextureSettings(TextureFormat.Rgba8, TextureColorSpace.Srgb, RowOrder.TopDown, mips),
            "Rgba8Linear" => new TextureSettings(TextureFormat.Rgba8, TextureColorSpace.Linear, RowOrder.TopDown, mips),
            "Half" => new TextureSettings(TextureFormat.RgbaHalf, TextureColorSpace.Linear, RowOrder.TopDown, mips),
            _ => throw new ArgumentException(format),
        };

        [OneTimeSetUp]
        public void PrintDevice() => TestContext.Out.WriteLine("device: " + DeviceName);

        /// <remarks>
        /// Odd sizes make the per-level offsets and extents uneven. For D3D12, whose copies go through 256-byte pitched
        /// rows, some widths need padding (37 RGBA8 texels are 148 bytes, 37 half texels 296) and 64 texels (256 bytes
        /// of RGBA8, 512 of half) need none.
        /// </remarks>
        [Test]
        public void Round_trip_is_byte_identical_on_every_level(
            [Values("Rgba8Srgb", "Rgba8Linear", "Half")] string format,
            [Values("32x32", "37x20", "20x37", "64x3", "1x1")] string size,
            [Values(false, true)] bool mips)
        {
            var parts = size.Split('x');
            var layout = new TextureLayout(int.Parse(parts[0]), int.Parse(parts[1]), Settings(format, mips));
            using var target = Create(layout.Settings);
            target.Allocate(layout);
            var data = TestData.RandomBytes(layout.ByteSize, seed: layout.Width * 1000 + layout.Height);
            target.Write(TestData.Update(layout, data, isFinal: true));

            var read = ReadBack(target);

            Assert.That(layout.MipCount, Is.EqualTo(mips ? TextureLayout.FullMipCount(layout.Width, layout.Height) : 1));
            Assert.That(TestData.FirstDifference(layout, data, read), Is.Null, layout.ToString());
            Assert.That(Observe(target).Version, Is.EqualTo(1));
            Assert.That(Observe(target).IsFinal, Is.True);
        }

        [Test]
        public void Writes_reuse_one_upload_buffer_and_the_last_one_wins()
        {
            var layout = new TextureLayout(37, 20, Settings("Rgba8Srgb", true));
            using var target = Create(layout.Settings);
            target.Allocate(layout);
            var allocated = Observe(target);
            Assert.That(allocated.UploadBuffer, Is.Not.Zero);

            byte[] last = Array.Empty<byte>();
            for (int i = 0; i < 20; i++)
            {
                last = TestData.RandomBytes(layout.ByteSize, seed: 100 + i);
                target.Write(TestData.Update(layout, last, isFinal: i == 19, step: i));
                var now = Observe(target);
                Assert.That(now.UploadBuffer, Is.EqualTo(allocated.UploadBuffer), $"write {i} replaced the upload buffer");
                Assert.That(now.Version, Is.EqualTo(i + 1));
                Assert.That(now.IsFinal, Is.EqualTo(i == 19));
            }

            Assert.That(Observe(target).Texture, Is.EqualTo(allocated.Texture));
            Assert.That(TestData.FirstDifference(layout, last, ReadBack(target)), Is.Null);
            DescribeBackToBackWrites(target, 20);
        }

        [Test]
        public void Writes_between_readbacks_each_land()
        {
            // ReadBack must come after the pending upload (a fence wait in Vulkan, queue order in D3D12); interleaving
            // catches a read that overtakes the copy before it.
            var layout = new TextureLayout(16, 8, Settings("Half", true));
            using var target = Create(layout.Settings);
            target.Allocate(layout);
            for (int i = 0; i < 5; i++)
            {
                var data = TestData.RandomBytes(layout.ByteSize, seed: 7 + i);
                target.Write(TestData.Update(layout, data));
                Assert.That(TestData.FirstDifference(layout, data, ReadBack(target)), Is.Null, $"write {i}");
            }
        }

        [TestCase("Rgba8Srgb", new byte[] { 128, 128, 128, 255 })]
        [TestCase("Rgba8Linear", new byte[] { 128, 128, 128, 255 })]
        // binary16 0.5 = 0x3800 and 1.0 = 0x3C00, little-endian.
        [TestCase("Half", new byte[] { 0x00, 0x38, 0x00, 0x38, 0x00, 0x38, 0x00, 0x3C })]
        public void Allocate_fills_every_level_with_mid_grey(string format, byte[] texel)
        {
            var layout = new TextureLayout(9, 5, Settings(format, true));
            using var target = Create(layout.Settings);
            target.Allocate(layout);

            var read = ReadBack(target);

            Assert.That(read.Length, Is.EqualTo(layout.ByteSize));
            for (int i = 0; i < read.Length; i++)
                if (read[i] != texel[i % texel.Length]) Assert.Fail($"byte {i} is {read[i]}, expected {texel[i % texel.Length]}");
            Assert.That(Observe(target).Version, Is.Zero);
        }

        [Test]
        public void Allocate_again_resets_to_grey_and_a_new_size_reallocates()
        {
            var small = new TextureLayout(8, 8, Settings("Rgba8Linear", false));
            using var target = Create(small.Settings);
            target.Allocate(small);
            var texture = Observe(target).Texture;
            target.Write(TestData.Update(small, TestData.RandomBytes(small.ByteSize, 3)));

            using (HoldTexture(target))
            {
                target.Allocate(small);
                Assert.That(Observe(target).Version, Is.Zero);
                // An engine holds a view (SRV, VkImageView) on the texture: the same shape must not replace it under it.
                Assert.That(Observe(target).Texture, Is.EqualTo(texture), "same shape: the texture is kept");
            }
            var grey = ReadBack(target);
            Assert.That((grey[0], grey[1], grey[2], grey[3]), Is.EqualTo(((byte)128, (byte)128, (byte)128, (byte)255)));
            Assert.That(grey, Is.All.EqualTo((byte)128).Or.EqualTo((byte)255));

            var big = new TextureLayout(24, 10, small.Settings);
            target.Allocate(big);
            var data = TestData.RandomBytes(big.ByteSize, 4);
            target.Write(TestData.Update(big, data));
            Assert.That(Observe(target).Layout, Is.SameAs(big));
            Assert.That(TestData.FirstDifference(big, data, ReadBack(target)), Is.Null);
        }

        [Test]
        public void Write_before_allocate_is_refused()
        {
            var layout = new TextureLayout(4, 4, Settings("Rgba8Srgb", false));
            using var target = Create(layout.Settings);
            var e = Assert.Throws<InvalidOperationException>(() => target.Write(TestData.Update(layout, new byte[layout.ByteSize])));
            Assert.That(e!.Message, Does.Contain("before Allocate"));
            Assert.Throws<InvalidOperationException>(() => ReadBack(target));
            Assert.That(Observe(target).Texture, Is.Zero);
        }

        [Test]
        public void An_update_of_another_layout_is_refused_and_changes_nothing()
        {
            var layout = new TextureLayout(8, 4, Settings("Rgba8Srgb", false));
            var other = new TextureLayout(4, 8, layout.Settings);   // same byte count, other shape
            using var target = Create(layout.Settings);
            target.Allocate(layout);

            var e = Assert.Throws<ArgumentException>(() => target.Write(TestData.Update(other, new byte[other.ByteSize])));

            Assert.That(e!.Message, Does.Contain("4x8").And.Contain("8x4"));
            Assert.That(Observe(target).Version, Is.Zero);
            Assert.That(ReadBack(target)[0], Is.EqualTo(128));
        }

        [Test]
        public void A_layout_with_other_settings_is_refused_at_allocate()
        {
            using var target = Create(Settings("Rgba8Srgb", false));
            var e = Assert.Throws<ArgumentException>(() => target.Allocate(new TextureLayout(4, 4, Settings("Half", false))));
            Assert.That(e!.Message, Does.Contain("RgbaHalf").And.Contain("Rgba8"));
        }

        [Test]
        public void Use_after_dispose_is_refused()
        {
            var layout = new TextureLayout(4, 4, Settings("Rgba8Srgb", false));
            var target = Create(layout.Settings);
            target.Allocate(layout);
            target.Write(TestData.Update(layout, new byte[layout.ByteSize]));   // left in flight: Dispose waits for it
            target.Dispose();
            target.Dispose();
            Assert.Throws<ObjectDisposedException>(() => target.Write(TestData.Update(layout, new byte[layout.ByteSize])));
            Assert.Throws<ObjectDisposedException>(() => ReadBack(target));
        }
    }
}
