using System;
using System.Diagnostics;
using System.Threading;
using DiTPlugin.D3D12.Interop;
using DiTPlugin.Textures;
using NUnit.Framework;
using Range = DiTPlugin.D3D12.Interop.Range;

namespace DiTPlugin.D3D12.Tests
{
    /// <summary>
    /// Reads a texture back with the tests' own command objects and a readback buffer laid out by
    /// <see cref="UploadFootprint.Compute"/>, sharing nothing with the target but the queue it submits to (so this
    /// copy runs after the target's). The texture must be in PIXEL_SHADER_RESOURCE, where the target leaves it.
    /// </summary>
    internal static unsafe class IndependentReadback
    {
        public static byte[] Read(D3D12HeadlessDevice headless, IntPtr texture, TextureLayout layout)
        {
            var device = new D3D12Device(headless.Device);
            var queue = new D3D12CommandQueue(headless.Queue);
            var format = DxgiFormats.Of(layout.Settings);
            var placements = UploadFootprint.Compute(layout, out long required);
            Ok(device.CreateCommandAllocator(CommandListType.Direct, out var allocator), "CreateCommandAllocator");
            Ok(device.CreateCommandList(CommandListType.Direct, allocator, out var list), "CreateCommandList");
            Ok(device.CreateFence(0, out var fence), "CreateFence");
            Ok(device.CreateCommittedResource(new HeapProperties(HeapType.Readback), ResourceDesc.Buffer((ulong)required), ResourceStates.CopyDest, out var buffer),
                "CreateCommittedResource (readback)");
            try
            {
                list.ResourceBarrier(ResourceBarrier.TransitionAll(texture, ResourceStates.PixelShaderResource, ResourceStates.CopySource));
                for (int level = 0; level < layout.MipCount; level++)
                {
                    var footprint = new PlacedSubresourceFootprint
                    {
                        Offset = (ulong)placements[level].Offset,
                        Footprint = new SubresourceFootprint
                        {
                            Format = format, Width = (uint)layout.MipWidth(level), Height = (uint)layout.MipHeight(level), Depth = 1,
                            RowPitch = (uint)placements[level].RowPitch,
                        },
                    };
                    list.CopyTextureRegion(TextureCopyLocation.Footprint(buffer.Pointer, footprint), TextureCopyLocation.Subresource(texture, level));
                }
                list.ResourceBarrier(ResourceBarrier.TransitionAll(texture, ResourceStates.CopySource, ResourceStates.PixelShaderResource));
                Ok(list.Close(), "Close");
                queue.ExecuteCommandList(list);
                Ok(queue.Signal(fence, 1), "Signal");
                var clock = Stopwatch.StartNew();
                while (fence.GetCompletedValue() < 1)
                {
                    if (clock.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail("the independent readback did not finish in 30 s");
                    Thread.Sleep(1);
                }
                Ok(buffer.Map(new Range(0, (ulong)required), out byte* data), "Map");
                var packed = new byte[layout.ByteSize];
                UploadFootprint.ReadRows(new ReadOnlySpan<byte>(data, (int)required), layout, placements, packed);
                buffer.Unmap(new Range(0, 0));
                return packed;
            }
            finally
            {
                foreach (var p in new[] { buffer.Pointer, fence.Pointer, list.Pointer, allocator.Pointer })
                    if (p != 0) Unknown.Release(p);
            }
        }

        private static void Ok(int hr, string call)
        {
            if (hr < 0) Assert.Fail($"{call} failed with 0x{hr:X8}");
        }
    }
}
