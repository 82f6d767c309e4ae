using System;
using DiTPlugin.Textures;
using DiTPlugin.TestSupport;
using NUnit.Framework;
using Silk.NET.Vulkan;

namespace DiTPlugin.Vulkan.Tests
{
    public sealed class VulkanDeviceTests
    {
        [Test]
        public void The_headless_device_has_a_name_a_queue_and_a_pool()
        {
            var device = VulkanSetup.Device;
            TestContext.Out.WriteLine("device: " + device.DeviceName);
            Assert.That(device.DeviceName, Is.Not.Empty.And.Not.EqualTo("?"));
            Assert.That(device.Queue.Handle, Is.Not.EqualTo(IntPtr.Zero));
            Assert.That(device.CommandPool.Handle, Is.Not.Zero);
        }

        [Test]
        public void Formats_every_implementation_must_sample_are_reported()
        {
            // Vulkan requires SAMPLED_IMAGE for R8G8B8A8_UNORM with optimal tiling on every device.
            Assert.That(VulkanSetup.Device.SupportsFormat(Format.R8G8B8A8Unorm, FormatFeatureFlags.SampledImageBit), Is.True);
        }

        [Test]
        public void No_allowed_memory_type_is_a_clear_error()
        {
            var device = VulkanSetup.Device;   // outside the lambda, so a missing device ignores rather than fails
            var e = Assert.Throws<InvalidOperationException>(() => device.FindMemoryType(0, MemoryPropertyFlags.DeviceLocalBit));
            Assert.That(e!.Message, Does.Contain("no memory type").And.Contain("DeviceLocalBit"));
        }

        [Test]
        public void A_device_local_type_exists()
        {
            // The spec guarantees at least one DEVICE_LOCAL type among all types.
            Assert.That(VulkanSetup.Device.FindMemoryType(~0u, MemoryPropertyFlags.DeviceLocalBit), Is.LessThan(32u));
        }

        [Test]
        public void Submit_and_wait_runs_the_recorded_commands()
        {
            var device = VulkanSetup.Device;
            using var buffer = new VulkanBuffer(device, 64, BufferUsageFlags.TransferDstBit,
                MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit, map: true);
            buffer.AsSpan().Clear();
            device.SubmitAndWait(cb =>
            {
                device.Api.CmdFillBuffer(cb, buffer.Handle, 16, 32, 0xA1B2C3D4u);
                VulkanBarriers.TransferToHost(device.Api, cb);
            });
            var bytes = buffer.AsSpan().ToArray();
            Assert.That(bytes[15], Is.Zero);
            Assert.That(new[] { bytes[16], bytes[17], bytes[18], bytes[19] }, Is.EqualTo(new byte[] { 0xD4, 0xC3, 0xB2, 0xA1 }));
            Assert.That(bytes[47], Is.EqualTo(0xA1));
            Assert.That(bytes[48], Is.Zero);
        }

        [Test]
        public void A_vulkan_error_names_the_call_and_result()
        {
            var e = Assert.Throws<VulkanException>(() => VulkanException.Check(Result.ErrorOutOfDeviceMemory, "vkAllocateMemory"));
            Assert.That(e!.Message, Does.Contain("vkAllocateMemory").And.Contain("ErrorOutOfDeviceMemory"));
            Assert.DoesNotThrow(() => VulkanException.Check(Result.Success, "vkAllocateMemory"));
        }

        [Test]
        public void A_wrapped_device_works_and_disposing_it_leaves_the_engine_device_alive()
        {
            var engine = VulkanSetup.Device;
            var layout = new TextureLayout(5, 3, new TextureSettings());
            var data = TestData.RandomBytes(layout.ByteSize, 11);
            using (var wrapped = VulkanDevice.Wrap(engine.Api, engine.Instance, engine.PhysicalDevice, engine.Device, engine.Queue, engine.QueueFamilyIndex, engine.QueueLock))
            {
                Assert.That(wrapped.DeviceName, Is.EqualTo(engine.DeviceName));
                Assert.That(wrapped.QueueLock, Is.SameAs(engine.QueueLock));
                Assert.That(wrapped.CommandPool.Handle, Is.Not.EqualTo(engine.CommandPool.Handle), "the wrapper makes its own pool");
                using var target = new VulkanTextureTarget(wrapped, layout.Settings);
                target.Allocate(layout);
                target.Write(TestData.Update(layout, data));
                Assert.That(target.ReadBack(), Is.EqualTo(data));
            }
            // Only the wrapper's pool is gone: the engine's device still records and submits.
            using var after = new VulkanTextureTarget(engine, layout.Settings);
            after.Allocate(layout);
            after.Write(TestData.Update(layout, data));
            Assert.That(after.ReadBack(), Is.EqualTo(data));
        }

        [Test]
        public void Wrapping_null_handles_is_refused_by_name()
        {
            var engine = VulkanSetup.Device;
            var e = Assert.Throws<ArgumentException>(() => VulkanDevice.Wrap(engine.Api, engine.Instance, engine.PhysicalDevice, default, engine.Queue, 0));
            Assert.That(e!.ParamName, Is.EqualTo("device"));
        }
    }
}
