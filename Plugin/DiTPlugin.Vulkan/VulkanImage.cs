using System;
using Silk.NET.Vulkan;

namespace DiTPlugin.Vulkan
{
    /// <summary>
    /// A 2D optimal-tiling image in device-local memory with one view over all its levels: texture storage, colour
    /// and depth attachments. Starts in the Undefined layout; whoever records into it tracks the layout.
    /// </summary>
    public sealed unsafe class VulkanImage : IDisposable
    {
        private readonly VulkanDevice _device;
        private bool _disposed;

        public Image Handle { get; }
        public DeviceMemory Memory { get; }
        public ImageView View { get; }
        public Format Format { get; }
        public uint Width { get; }
        public uint Height { get; }
        public uint MipLevels { get; }

        public VulkanImage(VulkanDevice device, uint width, uint height, uint mipLevels, Format format, ImageUsageFlags usage, ImageAspectFlags aspect)
        {
            _device = device ?? throw new ArgumentNullException(nameof(device));
            if (width == 0 || height == 0) throw new ArgumentOutOfRangeException(nameof(width), $"Image size {width}x{height} must be at least 1x1.");
            if (mipLevels == 0) throw new ArgumentOutOfRangeException(nameof(mipLevels), "An image has at least one mip level.");
            Width = width;
            Height = height;
            MipLevels = mipLevels;
            Format = format;
            var vk = device.Api;
            var info = new ImageCreateInfo
            {
                SType = StructureType.ImageCreateInfo,
                ImageType = ImageType.Type2D,
                Format = format,
                Extent = new Extent3D(width, height, 1),
                MipLevels = mipLevels,
                ArrayLayers = 1,
                Samples = SampleCountFlags.Count1Bit,
                Tiling = ImageTiling.Optimal,
                Usage = usage,
                SharingMode = SharingMode.Exclusive,
                InitialLayout = ImageLayout.Undefined,
            };
            Image image;
            VulkanException.Check(vk.CreateImage(device.Device, &info, null, &image), "vkCreateImage", $"{width}x{height} {format}, {mipLevels} level(s), {usage}");
            Handle = image;
            try
            {
                MemoryRequirements req;
                vk.GetImageMemoryRequirements(device.Device, image, &req);
                var memory = device.AllocateMemory(req, MemoryPropertyFlags.DeviceLocalBit, $"a {width}x{height} image");
                Memory = memory;
                VulkanException.Check(vk.BindImageMemory(device.Device, image, memory, 0), "vkBindImageMemory");

                var viewInfo = new ImageViewCreateInfo
                {
                    SType = StructureType.ImageViewCreateInfo,
                    Image = image,
                    ViewType = ImageViewType.Type2D,
                    Format = format,
                    SubresourceRange = new ImageSubresourceRange(aspect, 0, mipLevels, 0, 1),
                };
                ImageView view;
                VulkanException.Check(vk.CreateImageView(device.Device, &viewInfo, null, &view), "vkCreateImageView");
                View = view;
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        /// <summary>Destroys view, image and memory; the caller makes sure the GPU no longer uses them.</summary>
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            var vk = _device.Api;
            if (View.Handle != 0) vk.DestroyImageView(_device.Device, View, null);
            if (Handle.Handle != 0) vk.DestroyImage(_device.Device, Handle, null);
            if (Memory.Handle != 0) vk.FreeMemory(_device.Device, Memory, null);
        }
    }
}
