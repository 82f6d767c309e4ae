using Silk.NET.Vulkan;

namespace DiTPlugin.Vulkan
{
    /// <summary>Pipeline barriers this library records more than once: image layout transitions over whole mip chains.</summary>
    public static unsafe class VulkanBarriers
    {
        /// <summary>
        /// Moves levels 0..<paramref name="mipCount"/>−1 of a colour image from <paramref name="from"/> to
        /// <paramref name="to"/>, making <paramref name="srcAccess"/> writes of the earlier stages visible to
        /// <paramref name="dstAccess"/> in the later ones. Earlier submissions on the queue are in the first scope.
        /// </summary>
        public static void Transition(Vk vk, CommandBuffer cb, Image image, uint mipCount, ImageLayout from, ImageLayout to,
            AccessFlags srcAccess, AccessFlags dstAccess, PipelineStageFlags srcStage, PipelineStageFlags dstStage)
        {
            var barrier = new ImageMemoryBarrier
            {
                SType = StructureType.ImageMemoryBarrier,
                SrcAccessMask = srcAccess,
                DstAccessMask = dstAccess,
                OldLayout = from,
                NewLayout = to,
                SrcQueueFamilyIndex = Vk.QueueFamilyIgnored,
                DstQueueFamilyIndex = Vk.QueueFamilyIgnored,
                Image = image,
                SubresourceRange = new ImageSubresourceRange
                {
                    AspectMask = ImageAspectFlags.ColorBit,
                    BaseMipLevel = 0,
                    LevelCount = mipCount,
                    BaseArrayLayer = 0,
                    LayerCount = 1,
                },
            };
            vk.CmdPipelineBarrier(cb, srcStage, dstStage, 0, 0, null, 0, null, 1, &barrier);
        }

        /// <summary>Makes transfer writes into a host-visible buffer visible to the host after the fence wait.</summary>
        public static void TransferToHost(Vk vk, CommandBuffer cb)
        {
            var barrier = new MemoryBarrier
            {
                SType = StructureType.MemoryBarrier,
                SrcAccessMask = AccessFlags.TransferWriteBit,
                DstAccessMask = AccessFlags.HostReadBit,
            };
            vk.CmdPipelineBarrier(cb, PipelineStageFlags.TransferBit, PipelineStageFlags.HostBit, 0, 1, &barrier, 0, null, 0, null);
        }
    }
}
