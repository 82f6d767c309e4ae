using System;
using DiTPlugin.Vulkan;
using Silk.NET.Vulkan;

namespace DiTPlugin.Samples.DemoScene.Rendering
{
    /// <summary>
    /// The offscreen frame: an sRGB colour attachment (the blend-free shading is linear, the stored bytes sRGB), a depth
    /// attachment, the render pass that clears both and leaves colour ready to copy out, and the framebuffer.
    /// </summary>
    internal sealed unsafe class SceneFramebuffer : IDisposable
    {
        public const Format ColorFormat = Format.R8G8B8A8Srgb;

        private readonly VulkanDevice _device;

        public VulkanImage Color { get; }
        public VulkanImage Depth { get; }
        public RenderPass RenderPass { get; }
        public Framebuffer Framebuffer { get; }
        public uint Width { get; }
        public uint Height { get; }

        public SceneFramebuffer(VulkanDevice device, uint width, uint height)
        {
            _device = device;
            Width = width;
            Height = height;
            if (!device.SupportsFormat(ColorFormat, FormatFeatureFlags.ColorAttachmentBit | FormatFeatureFlags.TransferSrcBit))
                throw new NotSupportedException($"{device.DeviceName} cannot render to {ColorFormat} and copy it out.");
            var depthFormat = PickDepthFormat(device);
            try
            {
                Color = new VulkanImage(device, width, height, 1, ColorFormat,
                    ImageUsageFlags.ColorAttachmentBit | ImageUsageFlags.TransferSrcBit, ImageAspectFlags.ColorBit);
                Depth = new VulkanImage(device, width, height, 1, depthFormat,
                    ImageUsageFlags.DepthStencilAttachmentBit, ImageAspectFlags.DepthBit);
                RenderPass = CreateRenderPass(device, depthFormat);
                var views = stackalloc ImageView[] { Color.View, Depth.View };
                var info = new FramebufferCreateInfo
                {
                    SType = StructureType.FramebufferCreateInfo,
                    RenderPass = RenderPass,
                    AttachmentCount = 2,
                    PAttachments = views,
                    Width = width,
                    Height = height,
                    Layers = 1,
                };
                Framebuffer fb;
                VulkanException.Check(device.Api.CreateFramebuffer(device.Device, &info, null, &fb), "vkCreateFramebuffer");
                Framebuffer = fb;
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        /// <summary>The first depth format the device can attach; D32_SFLOAT is the usual one.</summary>
        private static Format PickDepthFormat(VulkanDevice device)
        {
            foreach (var f in new[] { Format.D32Sfloat, Format.D32SfloatS8Uint, Format.D24UnormS8Uint, Format.D16Unorm })
                if (device.SupportsFormat(f, FormatFeatureFlags.DepthStencilAttachmentBit)) return f;
            throw new NotSupportedException($"{device.DeviceName} supports none of D32_SFLOAT, D32_SFLOAT_S8_UINT, D24_UNORM_S8_UINT, D16_UNORM as a depth attachment.");
        }

        private static RenderPass CreateRenderPass(VulkanDevice device, Format depthFormat)
        {
            var attachments = stackalloc AttachmentDescription[]
            {
                new AttachmentDescription
                {
                    Format = ColorFormat,
                    Samples = SampleCountFlags.Count1Bit,
                    LoadOp = AttachmentLoadOp.Clear,
                    StoreOp = AttachmentStoreOp.Store,
                    StencilLoadOp = AttachmentLoadOp.DontCare,
                    StencilStoreOp = AttachmentStoreOp.DontCare,
                    InitialLayout = ImageLayout.Undefined,          // cleared anyway: the old frame need not be kept
                    FinalLayout = ImageLayout.TransferSrcOptimal,   // ready for the copy to the host buffer
                },
                new AttachmentDescription
                {
                    Format = depthFormat,
                    Samples = SampleCountFlags.Count1Bit,
                    LoadOp = AttachmentLoadOp.Clear,
                    StoreOp = AttachmentStoreOp.DontCare,
                    StencilLoadOp = AttachmentLoadOp.DontCare,
                    StencilStoreOp = AttachmentStoreOp.DontCare,
                    InitialLayout = ImageLayout.Undefined,
                    FinalLayout = ImageLayout.DepthStencilAttachmentOptimal,
                },
            };
            var colorRef = new AttachmentReference(0, ImageLayout.ColorAttachmentOptimal);
            var depthRef = new AttachmentReference(1, ImageLayout.DepthStencilAttachmentOptimal);
            var subpass = new SubpassDescription
            {
                PipelineBindPoint = PipelineBindPoint.Graphics,
                ColorAttachmentCount = 1,
                PColorAttachments = &colorRef,
                PDepthStencilAttachment = &depthRef,
            };
            var dependencies = stackalloc SubpassDependency[]
            {
                // The previous frame's copy-out and depth writes finish before this frame clears the same images.
                new SubpassDependency
                {
                    SrcSubpass = Vk.SubpassExternal,
                    DstSubpass = 0,
                    SrcStageMask = PipelineStageFlags.TransferBit | PipelineStageFlags.LateFragmentTestsBit,
                    DstStageMask = PipelineStageFlags.ColorAttachmentOutputBit | PipelineStageFlags.EarlyFragmentTestsBit,
                    SrcAccessMask = AccessFlags.DepthStencilAttachmentWriteBit,
                    DstAccessMask = AccessFlags.ColorAttachmentWriteBit | AccessFlags.DepthStencilAttachmentWriteBit | AccessFlags.DepthStencilAttachmentReadBit,
                },
                // The colour writes are visible to the copy that follows the pass.
                new SubpassDependency
                {
                    SrcSubpass = 0,
                    DstSubpass = Vk.SubpassExternal,
                    SrcStageMask = PipelineStageFlags.ColorAttachmentOutputBit,
                    DstStageMask = PipelineStageFlags.TransferBit,
                    SrcAccessMask = AccessFlags.ColorAttachmentWriteBit,
                    DstAccessMask = AccessFlags.TransferReadBit,
                },
            };
            var info = new RenderPassCreateInfo
            {
                SType = StructureType.RenderPassCreateInfo,
                AttachmentCount = 2,
                PAttachments = attachments,
                SubpassCount = 1,
                PSubpasses = &subpass,
                DependencyCount = 2,
                PDependencies = dependencies,
            };
            RenderPass pass;
            VulkanException.Check(device.Api.CreateRenderPass(device.Device, &info, null, &pass), "vkCreateRenderPass");
            return pass;
        }

        public void Dispose()
        {
            var vk = _device.Api;
            if (Framebuffer.Handle != 0) vk.DestroyFramebuffer(_device.Device, Framebuffer, null);
            if (RenderPass.Handle != 0) vk.DestroyRenderPass(_device.Device, RenderPass, null);
            Depth?.Dispose();
            Color?.Dispose();
        }
    }
}
