using System;
using DiTPlugin.Textures;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace DiTPlugin.Vulkan
{
    /// <summary>
    /// A generation target that lives on the GPU: a sampled VkImage with the full mip chain of the layout, filled by
    /// copies from one persistently mapped staging buffer that every write reuses (no allocation per preview).
    /// <para>
    /// Write copies the bytes into the staging buffer and submits the copy without waiting for it; the next Write,
    /// <see cref="ReadBack"/> and Dispose wait on its fence first, so the staging memory is never overwritten while the
    /// GPU still reads it. Between uploads the image stays in SHADER_READ_ONLY_OPTIMAL, ready to sample.
    /// </para>
    /// <para>
    /// Row order: Vulkan's row 0 is the top of the image, and the bytes are uploaded as given. A TopDown layout shows
    /// upright with v = 0 at the top; a BottomUp layout lands vertically flipped, which is what an engine that
    /// samples with v = 0 at the bottom (OpenGL-style UVs, Unity) wants.
    /// </para>
    /// <para>
    /// Threads: the job thread calls Allocate and Write; a renderer on another thread takes <see cref="SyncRoot"/>
    /// while it records and runs a frame that samples <see cref="View"/>, so Allocate cannot destroy the view mid-frame.
    /// </para>
    /// </summary>
    public sealed unsafe class VulkanTextureTarget : ITextureTarget, IDisposable
    {
        private readonly VulkanDevice _device;
        private readonly Fence _uploadFence;
        private readonly CommandBuffer _uploadCommands;
        private VulkanImage? _image;
        private VulkanBuffer? _staging;
        private long _version;
        private bool _final;
        private bool _disposed;

        public TextureSettings Settings { get; }
        public Format VkFormat { get; }
        /// <summary>Lock held by Allocate, Write, ReadBack and Dispose; a renderer holds it while a frame uses <see cref="View"/>.</summary>
        public object SyncRoot { get; } = new object();
        /// <summary>The layout, once allocated.</summary>
        public TextureLayout? Layout { get; private set; }
        /// <summary>The image (null handle before Allocate).</summary>
        public Image Image => _image?.Handle ?? default;
        /// <summary>A view over all mip levels (null handle before Allocate).</summary>
        public ImageView View => _image?.View ?? default;
        /// <summary>The staging buffer every Write reuses (null handle before Allocate); exposed so tests can check it is reused.</summary>
        public Buffer StagingBuffer => _staging?.Handle ?? default;
        /// <summary>Counts writes since the last Allocate; 0 while the image is still the grey placeholder.</summary>
        public long Version { get { lock (SyncRoot) return _version; } }
        /// <summary>Whether the newest write was the finished image.</summary>
        public bool IsFinal { get { lock (SyncRoot) return _final; } }

        public VulkanTextureTarget(VulkanDevice device, TextureSettings? settings = null)
        {
            _device = device ?? throw new ArgumentNullException(nameof(device));
            device.ThrowIfDisposed();
            Settings = settings ?? new TextureSettings();
            VkFormat = TextureFormats.ToVulkan(Settings);
            const FormatFeatureFlags needed = FormatFeatureFlags.SampledImageBit | FormatFeatureFlags.TransferDstBit | FormatFeatureFlags.TransferSrcBit;
            if (!device.SupportsFormat(VkFormat, needed))
                throw new NotSupportedException(
                    $"{device.DeviceName} cannot use {VkFormat} (for {Settings}) as an optimal-tiling sampled image with transfers ({needed}). " +
                    (Settings.Format == TextureFormat.RgbaHalf ? "Use TextureFormat.Rgba8 instead." : "Try the other colour space or RgbaHalf."));

            var vk = device.Api;
            _uploadFence = device.CreateFence(signaled: true);   // signalled, so the first wait returns at once
            lock (device.QueueLock)
            {
                var alloc = new CommandBufferAllocateInfo
                {
                    SType = StructureType.CommandBufferAllocateInfo,
                    CommandPool = device.CommandPool,
                    Level = CommandBufferLevel.Primary,
                    CommandBufferCount = 1,
                };
                CommandBuffer cb;
                var result = vk.AllocateCommandBuffers(device.Device, &alloc, &cb);
                if (result != Result.Success)
                {
                    vk.DestroyFence(device.Device, _uploadFence, null);
                    throw new VulkanException("vkAllocateCommandBuffers", result);
                }
                _uploadCommands = cb;
            }
        }

        /// <summary>
        /// Creates the image, its view and the staging buffer for <paramref name="layout"/> (keeping them when the
        /// layout is unchanged), and fills every level with mid-grey until the first write.
        /// </summary>
        public void Allocate(TextureLayout layout)
        {
            if (layout is null) throw new ArgumentNullException(nameof(layout));
            if (!SameSettings(layout.Settings, Settings))
                throw new ArgumentException($"The layout's settings ({layout.Settings}) are not this target's ({Settings}).", nameof(layout));
            lock (SyncRoot)
            {
                ThrowIfDisposed();
                WaitForUpload();
                if (Layout is null || !SameShape(Layout, layout))
                {
                    FreeImage();
                    _image = new VulkanImage(_device, (uint)layout.Width, (uint)layout.Height, (uint)layout.MipCount, VkFormat,
                        ImageUsageFlags.TransferDstBit | ImageUsageFlags.TransferSrcBit | ImageUsageFlags.SampledBit, ImageAspectFlags.ColorBit);
                    _staging = new VulkanBuffer(_device, (ulong)layout.ByteSize, BufferUsageFlags.TransferSrcBit,
                        MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit, map: true);
                    Layout = layout;
                    PlaceholderTexels.FillMidGrey(_staging.AsSpan(), layout.Format);
                    Upload(ImageLayout.Undefined);
                }
                else
                {
                    Layout = layout;
                    PlaceholderTexels.FillMidGrey(_staging!.AsSpan(), layout.Format);
                    Upload(ImageLayout.ShaderReadOnlyOptimal);
                }
                _version = 0;
                _final = false;
            }
        }

        /// <summary>Copies the update into the staging buffer and submits the upload of all levels; returns without waiting for the GPU.</summary>
        public void Write(TextureUpdate update)
        {
            if (update is null) throw new ArgumentNullException(nameof(update));
            lock (SyncRoot)
            {
                ThrowIfDisposed();
                if (Layout is null || _staging is null) throw new InvalidOperationException("Write before Allocate: the job allocates the target first.");
                if (!SameShape(update.Layout, Layout) || update.Layout.Settings.ColorSpace != Layout.Settings.ColorSpace)
                    throw new ArgumentException($"The update is {update.Layout}; this target holds {Layout}. Allocate the target with the new layout first.", nameof(update));
                WaitForUpload();                           // the previous copy may still read the staging memory
                update.Data.Span.CopyTo(_staging.AsSpan());
                Upload(ImageLayout.ShaderReadOnlyOptimal);
                _version++;
                _final = update.IsFinal;
            }
        }

        /// <summary>
        /// Every level read back from the image, in <see cref="TextureLayout"/> order (level 0 first, tightly packed).
        /// Waits for the GPU; meant for tests, screenshots and the demo, not per frame.
        /// </summary>
        public byte[] ReadBack()
        {
            lock (SyncRoot)
            {
                ThrowIfDisposed();
                var layout = Layout ?? throw new InvalidOperationException("ReadBack before Allocate: there is no image yet.");
                var image = _image!;
                WaitForUpload();
                using var readback = new VulkanBuffer(_device, (ulong)layout.ByteSize, BufferUsageFlags.TransferDstBit,
                    MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit, map: true);
                var vk = _device.Api;
                _device.SubmitAndWait(cb =>
                {
                    VulkanBarriers.Transition(vk, cb, image.Handle, image.MipLevels, ImageLayout.ShaderReadOnlyOptimal, ImageLayout.TransferSrcOptimal,
                        AccessFlags.TransferWriteBit, AccessFlags.TransferReadBit,
                        PipelineStageFlags.TransferBit | PipelineStageFlags.FragmentShaderBit, PipelineStageFlags.TransferBit);
                    var regions = Regions(layout);
                    fixed (BufferImageCopy* r = regions)
                        vk.CmdCopyImageToBuffer(cb, image.Handle, ImageLayout.TransferSrcOptimal, readback.Handle, (uint)regions.Length, r);
                    VulkanBarriers.Transition(vk, cb, image.Handle, image.MipLevels, ImageLayout.TransferSrcOptimal, ImageLayout.ShaderReadOnlyOptimal,
                        0, AccessFlags.ShaderReadBit, PipelineStageFlags.TransferBit, PipelineStageFlags.FragmentShaderBit);
                    VulkanBarriers.TransferToHost(vk, cb);
                });
                return readback.AsSpan().ToArray();
            }
        }

        /// <summary>Waits for the last upload, then frees the image, the staging buffer, the fence and the command buffer.</summary>
        public void Dispose()
        {
            lock (SyncRoot)
            {
                if (_disposed) return;
                WaitForUpload();
                FreeImage();
                _disposed = true;
                var vk = _device.Api;
                vk.DestroyFence(_device.Device, _uploadFence, null);
                lock (_device.QueueLock)
                {
                    var cb = _uploadCommands;
                    vk.FreeCommandBuffers(_device.Device, _device.CommandPool, 1, &cb);
                }
            }
        }

        /// <summary>
        /// Records and submits: all levels → TRANSFER_DST, one buffer→image copy with a region per level, all levels →
        /// SHADER_READ_ONLY. The fence is signalled when the copy is done; nobody waits for it here.
        /// </summary>
        private void Upload(ImageLayout from)
        {
            var vk = _device.Api;
            var image = _image!;
            var layout = Layout!;
            var regions = Regions(layout);
            var fence = _uploadFence;
            lock (_device.QueueLock)
            {
                var cb = _uploadCommands;
                VulkanException.Check(vk.ResetCommandBuffer(cb, 0), "vkResetCommandBuffer");
                var begin = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = CommandBufferUsageFlags.OneTimeSubmitBit };
                VulkanException.Check(vk.BeginCommandBuffer(cb, &begin), "vkBeginCommandBuffer");
                // Fragment shaders of earlier frames may still sample the old contents (write-after-read): wait for them.
                VulkanBarriers.Transition(vk, cb, image.Handle, image.MipLevels, from, ImageLayout.TransferDstOptimal,
                    0, AccessFlags.TransferWriteBit, PipelineStageFlags.FragmentShaderBit | PipelineStageFlags.TransferBit, PipelineStageFlags.TransferBit);
                fixed (BufferImageCopy* r = regions)
                    vk.CmdCopyBufferToImage(cb, _staging!.Handle, image.Handle, ImageLayout.TransferDstOptimal, (uint)regions.Length, r);
                VulkanBarriers.Transition(vk, cb, image.Handle, image.MipLevels, ImageLayout.TransferDstOptimal, ImageLayout.ShaderReadOnlyOptimal,
                    AccessFlags.TransferWriteBit, AccessFlags.ShaderReadBit, PipelineStageFlags.TransferBit, PipelineStageFlags.FragmentShaderBit);
                VulkanException.Check(vk.EndCommandBuffer(cb), "vkEndCommandBuffer");
                var submit = new SubmitInfo { SType = StructureType.SubmitInfo, CommandBufferCount = 1, PCommandBuffers = &cb };
                // Reset only now: a recording error above must leave the fence signalled, or the next wait would hang.
                VulkanException.Check(vk.ResetFences(_device.Device, 1, &fence), "vkResetFences");
                VulkanException.Check(vk.QueueSubmit(_device.Queue, 1, &submit, fence), "vkQueueSubmit");
            }
        }

        private void WaitForUpload()
        {
            var fence = _uploadFence;
            VulkanException.Check(_device.Api.WaitForFences(_device.Device, 1, &fence, true, ulong.MaxValue), "vkWaitForFences");
        }

        /// <summary>One copy region per level, at the level's offset in the tightly packed layout (row length 0 = packed).</summary>
        private static BufferImageCopy[] Regions(TextureLayout layout)
        {
            var regions = new BufferImageCopy[layout.MipCount];
            for (int l = 0; l < layout.MipCount; l++)
                regions[l] = new BufferImageCopy
                {
                    BufferOffset = (ulong)layout.MipOffset(l),
                    BufferRowLength = 0,
                    BufferImageHeight = 0,
                    ImageSubresource = new ImageSubresourceLayers(ImageAspectFlags.ColorBit, (uint)l, 0, 1),
                    ImageOffset = new Offset3D(0, 0, 0),
                    ImageExtent = new Extent3D((uint)layout.MipWidth(l), (uint)layout.MipHeight(l), 1),
                };
            return regions;
        }

        private void FreeImage()
        {
            _image?.Dispose();
            _staging?.Dispose();
            _image = null;
            _staging = null;
            Layout = null;
        }

        private void ThrowIfDisposed()
        {
            if (_disposed) throw new ObjectDisposedException(nameof(VulkanTextureTarget));
            _device.ThrowIfDisposed();
        }

        /// <summary>Same bytes per level: size, texel format and mip count (row order only changes what the bytes mean).</summary>
        private static bool SameShape(TextureLayout a, TextureLayout b) =>
            a.Width == b.Width && a.Height == b.Height && a.Format == b.Format && a.MipCount == b.MipCount;

        private static bool SameSettings(TextureSettings a, TextureSettings b) =>
            a.Format == b.Format && a.ColorSpace == b.ColorSpace && a.RowOrder == b.RowOrder && a.Mipmaps == b.Mipmaps;
    }
}
