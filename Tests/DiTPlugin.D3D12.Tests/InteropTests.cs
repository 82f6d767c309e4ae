using System;
using System.Runtime.InteropServices;
using DiTPlugin.D3D12.Interop;
using DiTPlugin.Textures;
using NUnit.Framework;

namespace DiTPlugin.D3D12.Tests
{
    /// <summary>
    /// The hand-written bindings against the headers and a real device: struct layouts as gcc lays out d3d12.h on
    /// x86-64, calls with stack arguments and hidden result pointers through the calling-convention trampoline, and
    /// the constructor's checks of what an engine hands over.
    /// </summary>
    public sealed unsafe class InteropTests
    {
        // sizeof/offsetof printed by a C program including vkd3d's vkd3d_d3d12.h (gcc 12, x86-64); d3d12.h from
        // directx-headers-dev declares the same members in the same order.
        [TestCase(typeof(CommandQueueDesc), 16)]
        [TestCase(typeof(HeapProperties), 20)]
        [TestCase(typeof(ResourceDesc), 56)]
        [TestCase(typeof(SubresourceFootprint), 20)]
        [TestCase(typeof(PlacedSubresourceFootprint), 32)]
        [TestCase(typeof(TextureCopyLocation), 48)]
        [TestCase(typeof(ResourceTransitionBarrier), 24)]
        [TestCase(typeof(ResourceBarrier), 32)]
        [TestCase(typeof(Interop.Range), 16)]
        public void Struct_sizes_match_the_headers(Type type, int size) => Assert.That(Marshal.SizeOf(type), Is.EqualTo(size));

        [TestCase(typeof(ResourceDesc), "Alignment", 8)]
        [TestCase(typeof(ResourceDesc), "Width", 16)]
        [TestCase(typeof(ResourceDesc), "Height", 24)]
        [TestCase(typeof(ResourceDesc), "DepthOrArraySize", 28)]
        [TestCase(typeof(ResourceDesc), "MipLevels", 30)]
        [TestCase(typeof(ResourceDesc), "Format", 32)]
        [TestCase(typeof(ResourceDesc), "SampleDesc", 36)]
        [TestCase(typeof(ResourceDesc), "Layout", 44)]
        [TestCase(typeof(ResourceDesc), "Flags", 48)]
        [TestCase(typeof(PlacedSubresourceFootprint), "Footprint", 8)]
        [TestCase(typeof(TextureCopyLocation), "Type", 8)]
        [TestCase(typeof(TextureCopyLocation), "PlacedFootprint", 16)]
        [TestCase(typeof(TextureCopyLocation), "SubresourceIndex", 16)]
        [TestCase(typeof(ResourceBarrier), "Flags", 4)]
        [TestCase(typeof(ResourceBarrier), "Transition", 8)]
        [TestCase(typeof(ResourceTransitionBarrier), "Subresource", 8)]
        [TestCase(typeof(ResourceTransitionBarrier), "StateBefore", 12)]
        [TestCase(typeof(ResourceTransitionBarrier), "StateAfter", 16)]
        public void Field_offsets_match_the_headers(Type type, string field, int offset) =>
            Assert.That((int)Marshal.OffsetOf(type, field), Is.EqualTo(offset));

        [Test]
        public void A_missing_library_is_reported_with_the_loaders_reason()
        {
            // No device needed: this is what D3D12Setup prints when vkd3d is not installed.
            IntPtr handle = NativeLibraries.TryLoad("libdoes-not-exist.so.9", out string error);
            Assert.That(handle, Is.EqualTo(IntPtr.Zero));
            Assert.That(error, Does.Contain("libdoes-not-exist.so.9"));
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) Assert.That(error, Does.Contain("No such file"), "dlerror's own words");
        }

        [Test]
        public void The_trampoline_is_used_exactly_on_linux_x64()
        {
            bool linuxX64 = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.ProcessArchitecture == Architecture.X64;
            Assert.That(MsAbiThunk.Needed, Is.EqualTo(linuxX64));
            Assert.That(MsAbiThunk.Address != IntPtr.Zero, Is.EqualTo(linuxX64));
        }

        [TestCase(32, 32, TextureFormat.Rgba8)]     // the check: 6 mips, level 0 rows of 128 bytes in a 256-byte pitch
        [TestCase(37, 20, TextureFormat.RgbaHalf)]
        [TestCase(300, 7, TextureFormat.Rgba8)]     // 1200-byte rows → 1280 pitch
        public void GetCopyableFootprints_matches_UploadFootprint_Compute(int w, int h, TextureFormat format)
        {
            // Nine arguments: four of them travel on the stack (through the trampoline on Linux x64).
            var layout = new TextureLayout(w, h, new TextureSettings(format, format == TextureFormat.Rgba8 ? TextureColorSpace.Srgb : TextureColorSpace.Linear, mipmaps: true));
            var device = new D3D12Device(D3D12Setup.Device.Device);
            var desc = ResourceDesc.Texture2D(w, h, layout.MipCount, DxgiFormats.Of(layout.Settings));
            int n = layout.MipCount;
            var footprints = new PlacedSubresourceFootprint[n];
            var rows = new uint[n];
            var sizes = new ulong[n];

            device.GetCopyableFootprints(desc, 0, footprints, rows, sizes, out ulong total);

            var expected = UploadFootprint.Compute(layout, out long required);
            Assert.That(total, Is.GreaterThanOrEqualTo((ulong)required));
            for (int l = 0; l < n; l++)
            {
                Assert.That((long)footprints[l].Offset, Is.EqualTo(expected[l].Offset), $"level {l} offset");
                Assert.That((int)footprints[l].Footprint.RowPitch, Is.EqualTo(expected[l].RowPitch), $"level {l} row pitch");
                Assert.That(footprints[l].Footprint.Width, Is.EqualTo((uint)layout.MipWidth(l)));
                Assert.That(footprints[l].Footprint.Height, Is.EqualTo((uint)layout.MipHeight(l)));
                Assert.That(footprints[l].Footprint.Format, Is.EqualTo(desc.Format));
                Assert.That(rows[l], Is.EqualTo((uint)layout.MipHeight(l)));
                Assert.That(sizes[l], Is.EqualTo((ulong)layout.RowPitch(l)));
            }
            if (w == 32) Assert.That((n, footprints[0].Footprint.RowPitch), Is.EqualTo((6, 256u)));
        }

        [Test]
        public void Struct_results_come_back_through_the_hidden_result_pointer()
        {
            var queue = new D3D12CommandQueue(D3D12Setup.Device.Queue);
            var qd = queue.GetDesc();
            Assert.That(qd.Type, Is.EqualTo(CommandListType.Direct));
            Assert.That(qd.NodeMask, Is.EqualTo(1u), "single adapter: node 0's bit");

            var layout = new TextureLayout(37, 20, D3D12TextureTargetTests.Settings("Half", true));
            using var target = new D3D12TextureTarget(D3D12Setup.Device, layout.Settings);
            target.Allocate(layout);
            var rd = new D3D12Resource(target.Resource).GetDesc();
            Assert.That((rd.Dimension, rd.Width, rd.Height, rd.MipLevels, rd.Format, rd.DepthOrArraySize, rd.SampleDesc.Count),
                Is.EqualTo((ResourceDimension.Texture2D, 37UL, 20u, (ushort)6, DxgiFormat.R16G16B16A16Float, (ushort)1, 1u)));
        }

        [Test]
        public void The_constructor_refuses_a_copy_queue()
        {
            var device = new D3D12Device(D3D12Setup.Device.Device);
            Assert.That(device.CreateCommandQueue(new CommandQueueDesc { Type = CommandListType.Copy }, out var copyQueue), Is.Zero);
            try
            {
                var e = Assert.Throws<ArgumentException>(() => new D3D12TextureTarget(D3D12Setup.Device.Device, copyQueue.Pointer));
                Assert.That(e!.Message, Does.Contain("Copy queue").And.Contain("DIRECT"));
            }
            finally { Unknown.Release(copyQueue.Pointer); }
        }

        [Test]
        public void The_constructor_refuses_a_queue_of_another_device()
        {
            if (!D3D12HeadlessDevice.TryCreate(out var other, out string reason)) Assert.Ignore("no second device: " + reason);
            using (other)
            {
                var e = Assert.Throws<ArgumentException>(() => new D3D12TextureTarget(D3D12Setup.Device.Device, other!.Queue));
                Assert.That(e!.Message, Does.Contain("another device"));
            }
        }

        [Test]
        public void The_constructor_refuses_null_pointers()
        {
            var device = D3D12Setup.Device;   // outside the lambdas: Assert.Throws would catch the fixture's Ignore
            Assert.Throws<ArgumentNullException>(() => new D3D12TextureTarget(IntPtr.Zero, device.Queue));
            Assert.Throws<ArgumentNullException>(() => new D3D12TextureTarget(device.Device, IntPtr.Zero));
        }

        [Test]
        public void The_target_holds_its_own_references_to_device_and_queue()
        {
            // An engine's pointers: AddRef/Release on them count. The target adds one each and gives it back.
            nint device = D3D12Setup.Device.Device, queue = D3D12Setup.Device.Queue;
            uint RefCount(nint p) { Unknown.AddRef(p); return Unknown.Release(p); }
            uint d0 = RefCount(device), q0 = RefCount(queue);
            var target = new D3D12TextureTarget(device, queue);
            Assert.That((RefCount(device) > d0, RefCount(queue)), Is.EqualTo((true, q0 + 1)));
            target.Dispose();
            Assert.That((RefCount(device), RefCount(queue)), Is.EqualTo((d0, q0)));
        }
    }
}
