using DiTPlugin.Textures;
using DiTPlugin.TestSupport;
using NUnit.Framework;
using Silk.NET.Vulkan;

namespace DiTPlugin.Vulkan.Tests
{
    /// <summary>
    /// The Vulkan target: the shared contract of GPU texture targets (<see cref="GpuTextureTargetContract{TTarget}"/>:
    /// round trips on every level, buffer reuse, the grey placeholder, refusals) on the headless device, plus what only
    /// Vulkan has (the VkFormat each setting maps to).
    /// </summary>
    [TestFixture]
    public sealed class VulkanTextureTargetTests : GpuTextureTargetContract<VulkanTextureTarget>
    {
        protected override string DeviceName => VulkanSetup.Device.DeviceName;

        protected override VulkanTextureTarget Create(TextureSettings settings) => new VulkanTextureTarget(VulkanSetup.Device, settings);

        protected override byte[] ReadBack(VulkanTextureTarget target) => target.ReadBack();

        protected override Observed Observe(VulkanTextureTarget target) =>
            new Observed(target.Version, target.IsFinal, target.Layout, target.Image.Handle, target.StagingBuffer.Handle);

        [TestCase("Rgba8Srgb", Format.R8G8B8A8Srgb)]
        [TestCase("Rgba8Linear", Format.R8G8B8A8Unorm)]
        [TestCase("Half", Format.R16G16B16A16Sfloat)]
        public void Settings_map_to_the_vulkan_format(string format, Format expected)
        {
            using var target = Create(Settings(format, false));
            Assert.That(target.VkFormat, Is.EqualTo(expected));
        }
    }
}
