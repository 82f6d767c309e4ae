using System;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace DiTPlugin.Vulkan
{
    /// <summary>
    /// A VkBuffer with its own memory, optionally mapped for the buffer's lifetime. Host-visible buffers are asked
    /// for with HOST_COHERENT too, so writes need no flush and reads after a fence wait need no invalidate.
    /// </summary>
    public sealed unsafe class VulkanBuffer : IDisposable
    {
        private readonly VulkanDevice _device;
        private bool _disposed;

        public Buffer Handle { get; }
        public DeviceMemory Memory { get; }
        public ulong Size { get; }
        /// <summary>Start of the mapping, or null when the buffer was not mapped.</summary>
        public IntPtr Mapped { get; }

        public VulkanBuffer(VulkanDevice device, ulong size, BufferUsageFlags usage, MemoryPropertyFlags properties, bool map)
        {
            _device = device ?? throw new ArgumentNullException(nameof(device));
            if (size == 0) throw new ArgumentOutOfRangeException(nameof(size), "A Vulkan buffer must hold at least one byte.");
            if (map && (properties & MemoryPropertyFlags.HostVisibleBit) == 0)
                throw new ArgumentException("Only host-visible memory can be mapped: add HostVisibleBit.", nameof(properties));
            var vk = device.Api;
            Size = size;
            var info = new BufferCreateInfo { SType = StructureType.BufferCreateInfo, Size = size, Usage = usage, SharingMode = SharingMode.Exclusive };
            Buffer buffer;
            VulkanException.Check(vk.CreateBuffer(device.Device, &info, null, &buffer), "vkCreateBuffer", $"{size} bytes, {usage}");
            Handle = buffer;
            try
            {
                MemoryRequirements req;
                vk.GetBufferMemoryRequirements(device.Device, buffer, &req);
                var memory = device.AllocateMemory(req, properties, "a buffer");
                Memory = memory;
                VulkanException.Check(vk.BindBufferMemory(device.Device, buffer, memory, 0), "vkBindBufferMemory");
                if (map)
                {
                    void* p;
                    VulkanException.Check(vk.MapMemory(device.Device, memory, 0, size, 0, &p), "vkMapMemory");
                    Mapped = (IntPtr)p;
                }
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        /// <summary>The mapped bytes (buffers up to 2 GiB).</summary>
        public Span<byte> AsSpan()
        {
            if (_disposed) throw new ObjectDisposedException(nameof(VulkanBuffer));
            if (Mapped == IntPtr.Zero) throw new InvalidOperationException("The buffer is not mapped: create it with map = true in host-visible memory.");
            if (Size > int.MaxValue) throw new InvalidOperationException($"The buffer holds {Size} bytes, more than a span can address.");
            return new Span<byte>((void*)Mapped, (int)Size);
        }

        /// <summary>Destroys the buffer and frees its memory; the caller makes sure the GPU no longer uses it.</summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            var vk = _device.Api;
            if (Mapped != IntPtr.Zero) vk.UnmapMemory(_device.Device, Memory);
            if (Handle.Handle != 0) vk.DestroyBuffer(_device.Device, Handle, null);
            if (Memory.Handle != 0) vk.FreeMemory(_device.Device, Memory, null);
        }
    }
}
