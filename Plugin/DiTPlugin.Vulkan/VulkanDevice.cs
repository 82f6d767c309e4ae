using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Silk.NET.Vulkan;

namespace DiTPlugin.Vulkan
{
    /// <summary>
    /// The Vulkan objects the texture target and the demo renderer need: instance, physical device, device, one
    /// graphics queue and a command pool. Either created headless (no window, no surface extensions: tests, tools, the
    /// demo) or wrapped around an engine's own device, in which case only the command pool belongs to this object.
    /// Thread safety: a VkQueue and a VkCommandPool must not be used from two threads at once, so every submission
    /// made through this library takes <see cref="QueueLock"/>; an engine that submits to the same queue from another
    /// thread should take it too (or call the library from its render thread). Dispose the targets and renderers made
    /// on a device before the device itself.
    /// </summary>
    public sealed unsafe class VulkanDevice : IDisposable
    {
        private readonly bool _ownsDevice;
        private bool _disposed;

        public Vk Api { get; }
        public Instance Instance { get; }
        public PhysicalDevice PhysicalDevice { get; }
        public Device Device { get; }
        public Queue Queue { get; }
        public uint QueueFamilyIndex { get; }
        /// <summary>Created by this object (resettable buffers), used by <see cref="SubmitAndWait"/>.</summary>
        public CommandPool CommandPool { get; }
        public string DeviceName { get; }
        /// <summary>Taken around every queue submission and command pool use of this library.</summary>
        public object QueueLock { get; }

        private VulkanDevice(Vk api, Instance instance, PhysicalDevice physicalDevice, Device device, Queue queue, uint queueFamilyIndex, bool ownsDevice, object? queueLock = null)
        {
            QueueLock = queueLock ?? new object();
            Api = api;
            Instance = instance;
            PhysicalDevice = physicalDevice;
            Device = device;
            Queue = queue;
            QueueFamilyIndex = queueFamilyIndex;
            _ownsDevice = ownsDevice;
            PhysicalDeviceProperties props;
            api.GetPhysicalDeviceProperties(physicalDevice, &props);
            DeviceName = Marshal.PtrToStringUTF8((IntPtr)props.DeviceName) ?? "?";
            CommandPool = CreateCommandPool(api, device, queueFamilyIndex);
        }

        /// <summary>
        /// Creates an instance and a device of its own, without any window system: prefers a discrete GPU, then an
        /// integrated one, a virtual one, and last a CPU implementation (lavapipe, SwiftShader). Returns false with a
        /// reason a person can act on when there is no loader, no driver or no usable device; never throws for those.
        /// </summary>
        public static bool TryCreateHeadless(out VulkanDevice? device, out string reason)
        {
            device = null;
            Vk api;
            try { api = Vk.GetApi(); }
            catch (Exception e)
            {
                // Silk.NET opens libvulkan.so.1 / vulkan-1.dll here and throws when it is absent.
                reason = $"no Vulkan loader ({LoaderName}): install libvulkan1 and a driver such as mesa-vulkan-drivers ({e.GetType().Name}: {e.Message})";
                return false;
            }

            Instance instance = default;
            try
            {
                var result = CreateInstance(api, out instance);
                if (result != Result.Success)
                {
                    reason = result == Result.ErrorIncompatibleDriver
                        ? "the Vulkan loader found no driver supporting Vulkan 1.1 (VK_ERROR_INCOMPATIBLE_DRIVER): install a GPU driver or mesa-vulkan-drivers"
                        : $"vkCreateInstance failed with {result}";
                    api.Dispose();
                    return false;
                }
                api.CurrentInstance = instance;

                if (!PhysicalDeviceChoice.TryPick(api, instance, out var physical, out uint family, out reason))
                {
                    api.DestroyInstance(instance, null);
                    api.Dispose();
                    return false;
                }

                float priority = 1f;
                var queueInfo = new DeviceQueueCreateInfo
                {
                    SType = StructureType.DeviceQueueCreateInfo,
                    QueueFamilyIndex = family,
                    QueueCount = 1,
                    PQueuePriorities = &priority,
                };
                var deviceInfo = new DeviceCreateInfo
                {
                    SType = StructureType.DeviceCreateInfo,
                    QueueCreateInfoCount = 1,
                    PQueueCreateInfos = &queueInfo,
                };
                Device logical;
                result = api.CreateDevice(physical, &deviceInfo, null, &logical);
                if (result != Result.Success)
                {
                    reason = $"vkCreateDevice failed with {result}";
                    api.DestroyInstance(instance, null);
                    api.Dispose();
                    return false;
                }
                api.CurrentDevice = logical;
                Queue queue;
                api.GetDeviceQueue(logical, family, 0, &queue);
                device = new VulkanDevice(api, instance, physical, logical, queue, family, ownsDevice: true);
                reason = "";
                return true;
            }
            catch (Exception e)
            {
                // A broken driver can fail anywhere in the sequence; report it rather than take the caller down.
                reason = $"Vulkan initialisation failed: {e.GetType().Name}: {e.Message}";
                if (instance.Handle != IntPtr.Zero)
                {
                    try { api.DestroyInstance(instance, null); } catch (Exception) { /* already failing: keep the first error */ }
                }
                api.Dispose();
                return false;
            }
        }

        /// <summary>
        /// Wraps a device the engine owns. Dispose then destroys only the command pool this object creates; the
        /// engine keeps destroying its own device and instance. The queue must support graphics and transfer.
        /// </summary>
        public static VulkanDevice Wrap(Vk api, Instance instance, PhysicalDevice physicalDevice, Device device, Queue queue, uint queueFamilyIndex) =>
            Wrap(api, instance, physicalDevice, device, queue, queueFamilyIndex, new object());

        /// <summary>
        /// As <see cref="Wrap(Vk, Instance, PhysicalDevice, Device, Queue, uint)"/>, sharing the engine's own lock for
        /// the queue, so submissions from the engine and from this library never overlap.
        /// </summary>
        public static VulkanDevice Wrap(Vk api, Instance instance, PhysicalDevice physicalDevice, Device device, Queue queue, uint queueFamilyIndex, object queueLock)
        {
            if (queueLock is null) throw new ArgumentNullException(nameof(queueLock));
            if (api is null) throw new ArgumentNullException(nameof(api));
            if (instance.Handle == IntPtr.Zero) throw new ArgumentException("The instance handle is null.", nameof(instance));
            if (physicalDevice.Handle == IntPtr.Zero) throw new ArgumentException("The physical device handle is null.", nameof(physicalDevice));
            if (device.Handle == IntPtr.Zero) throw new ArgumentException("The device handle is null.", nameof(device));
            if (queue.Handle == IntPtr.Zero) throw new ArgumentException("The queue handle is null.", nameof(queue));
            // Silk.NET resolves entry points through these; an engine's own Vk object already has them set.
            api.CurrentInstance ??= instance;
            api.CurrentDevice ??= device;
            return new VulkanDevice(api, instance, physicalDevice, device, queue, queueFamilyIndex, ownsDevice: false, queueLock);
        }

        /// <summary>
        /// Allocates memory for <paramref name="requirements"/> in a type with <paramref name="properties"/>;
        /// <paramref name="what"/> names the resource in the error.
        /// </summary>
        public DeviceMemory AllocateMemory(in MemoryRequirements requirements, MemoryPropertyFlags properties, string what)
        {
            var alloc = new MemoryAllocateInfo
            {
                SType = StructureType.MemoryAllocateInfo,
                AllocationSize = requirements.Size,
                MemoryTypeIndex = FindMemoryType(requirements.MemoryTypeBits, properties),
            };
            DeviceMemory memory;
            VulkanException.Check(Api.AllocateMemory(Device, &alloc, null, &memory), "vkAllocateMemory", $"{requirements.Size} bytes for {what}");
            return memory;
        }

        /// <summary>The index of a memory type allowed by <paramref name="typeBits"/> (VkMemoryRequirements) with all the <paramref name="required"/> properties.</summary>
        public uint FindMemoryType(uint typeBits, MemoryPropertyFlags required)
        {
            PhysicalDeviceMemoryProperties mem;
            Api.GetPhysicalDeviceMemoryProperties(PhysicalDevice, &mem);
            for (uint i = 0; i < mem.MemoryTypeCount; i++)
                if ((typeBits & (1u << (int)i)) != 0 && (mem.MemoryTypes[(int)i].PropertyFlags & required) == required)
                    return i;
            var offered = new List<string>();
            for (int i = 0; i < mem.MemoryTypeCount; i++)
                if ((typeBits & (1u << i)) != 0) offered.Add($"{i}: {mem.MemoryTypes[i].PropertyFlags}");
            throw new InvalidOperationException(
                $"{DeviceName} has no memory type with {required} among the allowed types (bits 0x{typeBits:x}): {(offered.Count == 0 ? "none" : string.Join("; ", offered))}.");
        }

        /// <summary>Whether the device supports <paramref name="format"/> with optimal tiling for all of <paramref name="optimalTilingFeatures"/>.</summary>
        public bool SupportsFormat(Format format, FormatFeatureFlags optimalTilingFeatures)
        {
            FormatProperties props;
            Api.GetPhysicalDeviceFormatProperties(PhysicalDevice, format, &props);
            return (props.OptimalTilingFeatures & optimalTilingFeatures) == optimalTilingFeatures;
        }

        /// <summary>
        /// Records one command buffer with <paramref name="record"/>, submits it and waits for it on a fence. For
        /// setup and read-backs, not per-frame uploads (those keep their own fence and do not wait).
        /// </summary>
        public void SubmitAndWait(Action<CommandBuffer> record)
        {
            if (record is null) throw new ArgumentNullException(nameof(record));
            ThrowIfDisposed();
            lock (QueueLock)
            {
                var alloc = new CommandBufferAllocateInfo
                {
                    SType = StructureType.CommandBufferAllocateInfo,
                    CommandPool = CommandPool,
                    Level = CommandBufferLevel.Primary,
                    CommandBufferCount = 1,
                };
                CommandBuffer cb;
                VulkanException.Check(Api.AllocateCommandBuffers(Device, &alloc, &cb), "vkAllocateCommandBuffers");
                Fence fence = default;
                try
                {
                    var begin = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = CommandBufferUsageFlags.OneTimeSubmitBit };
                    VulkanException.Check(Api.BeginCommandBuffer(cb, &begin), "vkBeginCommandBuffer");
                    record(cb);
                    VulkanException.Check(Api.EndCommandBuffer(cb), "vkEndCommandBuffer");
                    fence = CreateFence(signaled: false);
                    var submit = new SubmitInfo { SType = StructureType.SubmitInfo, CommandBufferCount = 1, PCommandBuffers = &cb };
                    VulkanException.Check(Api.QueueSubmit(Queue, 1, &submit, fence), "vkQueueSubmit");
                    VulkanException.Check(Api.WaitForFences(Device, 1, &fence, true, ulong.MaxValue), "vkWaitForFences");
                }
                finally
                {
                    if (fence.Handle != 0) Api.DestroyFence(Device, fence, null);
                    Api.FreeCommandBuffers(Device, CommandPool, 1, &cb);
                }
            }
        }

        /// <summary>A fence, optionally created signalled (so the first wait on it returns at once).</summary>
        public Fence CreateFence(bool signaled)
        {
            var info = new FenceCreateInfo { SType = StructureType.FenceCreateInfo, Flags = signaled ? FenceCreateFlags.SignaledBit : 0 };
            Fence fence;
            VulkanException.Check(Api.CreateFence(Device, &info, null, &fence), "vkCreateFence");
            return fence;
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            lock (QueueLock) Api.QueueWaitIdle(Queue);
            Api.DestroyCommandPool(Device, CommandPool, null);
            if (!_ownsDevice) return;
            Api.DestroyDevice(Device, null);
            Api.DestroyInstance(Instance, null);
            Api.Dispose();
        }

        internal void ThrowIfDisposed()
        {
            if (_disposed) throw new ObjectDisposedException(nameof(VulkanDevice), $"The Vulkan device ({DeviceName}) has been disposed.");
        }

        private static string LoaderName =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "vulkan-1.dll"
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "libvulkan.1.dylib (MoltenVK)"
            : "libvulkan.so.1";

        private static Result CreateInstance(Vk api, out Instance instance)
        {
            var name = Marshal.StringToHGlobalAnsi("DiTPlugin");
            try
            {
                var app = new ApplicationInfo
                {
                    SType = StructureType.ApplicationInfo,
                    PApplicationName = (byte*)name,
                    PEngineName = (byte*)name,
                    // 1.1: transfer-feature bits in format properties and maintenance1 are core; nothing newer is used.
                    ApiVersion = Vk.Version11,
                };
                var info = new InstanceCreateInfo { SType = StructureType.InstanceCreateInfo, PApplicationInfo = &app };
                Instance created;
                var result = api.CreateInstance(&info, null, &created);
                instance = created;
                return result;
            }
            finally { Marshal.FreeHGlobal(name); }
        }

        private static CommandPool CreateCommandPool(Vk api, Device device, uint family)
        {
            var info = new CommandPoolCreateInfo
            {
                SType = StructureType.CommandPoolCreateInfo,
                QueueFamilyIndex = family,
                Flags = CommandPoolCreateFlags.ResetCommandBufferBit,
            };
            CommandPool pool;
            VulkanException.Check(api.CreateCommandPool(device, &info, null, &pool), "vkCreateCommandPool");
            return pool;
        }
    }
}
