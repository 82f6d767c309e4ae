using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.D3D12;
using DiTPlugin.Samples.DemoScene.Rendering;
using DiTPlugin.Textures;

namespace DiTPlugin.Samples.DemoScene
{
    /// <summary>
    /// Textures in Direct3D 12 (vkd3d on Vulkan on Linux, lavapipe without a GPU), drawn by the CPU renderer from
    /// what is read back out of them: the demo has no D3D12 renderer, and reading the GPU textures back each time they
    /// change shows in the screenshot exactly what they hold.
    /// </summary>
    public sealed class D3D12Backend : IDemoBackend
    {
        private readonly D3D12HeadlessDevice _device;
        private readonly List<D3D12TextureTarget> _targets = new List<D3D12TextureTarget>();

        private D3D12Backend(D3D12HeadlessDevice device) => _device = device;

        public string Name => $"D3D12 textures ({_device.Description}), CPU renderer";

        /// <summary>A backend on a headless D3D12 device, or false with the reason there is none.</summary>
        public static bool TryCreate(out IDemoBackend? backend, out string reason)
        {
            backend = null;
            if (!D3D12HeadlessDevice.TryCreate(out var device, out reason) || device is null) return false;
            backend = new D3D12Backend(device);
            return true;
        }

        public ITextureTarget CreateTarget(TextureSettings settings)
        {
            var t = new D3D12TextureTarget(_device, settings);
            _targets.Add(t);
            return t;
        }

        public ISceneRenderer CreateRenderer(int width, int height, IReadOnlyList<ITextureTarget> targets) =>
            new D3D12ReadbackRenderer(width, height, targets.Select(t => t as D3D12TextureTarget
                ?? throw new ArgumentException($"The D3D12 backend renders D3D12TextureTargets, got {t.GetType().Name}.", nameof(targets))).ToList());

        public void Dispose()
        {
            foreach (var t in _targets) t.Dispose();
            _device.Dispose();
        }
    }
}
