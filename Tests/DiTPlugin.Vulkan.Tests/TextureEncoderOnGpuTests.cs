using DiTPlugin.Textures;
using DiTPlugin.TestSupport;
using NUnit.Framework;

namespace DiTPlugin.Vulkan.Tests
{
    /// <summary>The encoder's bytes through the Vulkan target (<see cref="EncoderOnGpuContract{TTarget}"/>).</summary>
    [TestFixture]
    public sealed class TextureEncoderOnGpuTests : EncoderOnGpuContract<VulkanTextureTarget>
    {
        protected override VulkanTextureTarget Create(TextureSettings settings) => new VulkanTextureTarget(VulkanSetup.Device, settings);

        protected override byte[] ReadBack(VulkanTextureTarget target) => target.ReadBack();
    }
}
