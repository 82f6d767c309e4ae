using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Silk.NET.Vulkan;

namespace DiTPlugin.Vulkan
{
    /// <summary>
    /// Which physical device a headless <see cref="VulkanDevice"/> takes: Vulkan 1.1 and a graphics queue are required;
    /// among those a discrete GPU beats an integrated one, then a virtual one, then a CPU implementation.
    /// </summary>
    internal static unsafe class PhysicalDeviceChoice
    {
        /// <summary>The best-ranked device with Vulkan 1.1 and a graphics queue; the reason lists why each device was passed over.</summary>
        public static bool TryPick(Vk api, Instance instance, out PhysicalDevice best, out uint bestFamily, out string reason)
        {
            best = default;
            bestFamily = 0;
            uint count = 0;
            VulkanException.Check(api.EnumeratePhysicalDevices(instance, &count, null), "vkEnumeratePhysicalDevices");
            if (count == 0)
            {
                reason = "the Vulkan loader found no physical device: install a GPU driver or mesa-vulkan-drivers (lavapipe)";
                return false;
            }
            var devices = new PhysicalDevice[count];
            fixed (PhysicalDevice* p = devices)
                VulkanException.Check(api.EnumeratePhysicalDevices(instance, &count, p), "vkEnumeratePhysicalDevices");

            int bestRank = int.MaxValue;
            var rejected = new List<string>();
            foreach (var candidate in devices)
            {
                PhysicalDeviceProperties props;
                api.GetPhysicalDeviceProperties(candidate, &props);
                string name = Marshal.PtrToStringUTF8((IntPtr)props.DeviceName) ?? "?";
                if (props.ApiVersion < (uint)Vk.Version11) { rejected.Add($"{name}: Vulkan {VersionText(props.ApiVersion)} < 1.1"); continue; }
                int family = GraphicsFamily(api, candidate);
                if (family < 0) { rejected.Add($"{name}: no graphics queue"); continue; }
                int rank = props.DeviceType switch
                {
                    PhysicalDeviceType.DiscreteGpu => 0,
                    PhysicalDeviceType.IntegratedGpu => 1,
                    PhysicalDeviceType.VirtualGpu => 2,
                    PhysicalDeviceType.Cpu => 3,
                    _ => 4,
                };
                if (rank < bestRank) { bestRank = rank; best = candidate; bestFamily = (uint)family; }
            }
            reason = bestRank == int.MaxValue ? "no usable Vulkan device (" + string.Join("; ", rejected) + ")" : "";
            return bestRank != int.MaxValue;
        }

        private static int GraphicsFamily(Vk api, PhysicalDevice device)
        {
            uint count = 0;
            api.GetPhysicalDeviceQueueFamilyProperties(device, &count, null);
            var families = new QueueFamilyProperties[count];
            fixed (QueueFamilyProperties* p = families)
                api.GetPhysicalDeviceQueueFamilyProperties(device, &count, p);
            for (int i = 0; i < count; i++)
                if ((families[i].QueueFlags & QueueFlags.GraphicsBit) != 0 && families[i].QueueCount > 0) return i;
            return -1;
        }

        private static string VersionText(uint v) => $"{v >> 22}.{(v >> 12) & 0x3ff}.{v & 0xfff}";
    }
}
