using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Samples.DemoScene.Rendering;
using DiTPlugin.Textures;
using DiTPlugin.Vulkan;

namespace DiTPlugin.Samples.DemoScene
{
    /// <summary>GPU textures on a Vulkan device (lavapipe on a machine without a GPU) and the Vulkan renderer.</summary>
    public sealed class VulkanBackend : IDemoBackend
    {
        private readonly VulkanDevice _device;
        private readonly List<VulkanTextureTarget> _targets = new List<VulkanTextureTarget>();

        private VulkanBackend(VulkanDevice device) => _device = device;

        public string Name => $"Vulkan ({_device.DeviceName})";

        /// <summary>A backend on the first usable Vulkan device, or false with the reason there is none.</summary>
        public static bool TryCreate(out IDemoBackend? backend, out string reason)
        {
            backend = null;
            if (!VulkanDevice.TryCreateHeadless(out var device, out reason) || device is null) return false;
            backend = new VulkanBackend(device);
            return true;
        }

        public ITextureTarget CreateTarget(TextureSettings settings)
        {
            var t = new VulkanTextureTarget(_device, settings);
            _targets.Add(t);
            return t;
        }

        public ISceneRenderer CreateRenderer(int width, int height, IReadOnlyList<ITextureTarget> targets) =>
            new VulkanSceneRenderer(_device, width, height, targets.Select(t => t as VulkanTextureTarget
                ?? throw new ArgumentException($"The Vulkan renderer needs VulkanTextureTargets, got {t.GetType().Name}.", nameof(targets))).ToList());

        public void Dispose()
        {
            foreach (var t in _targets) t.Dispose();
            _device.Dispose();
        }
    }
}
