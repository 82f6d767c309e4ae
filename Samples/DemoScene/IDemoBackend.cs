using System;
using System.Collections.Generic;
using DiTPlugin.Samples.DemoScene.Rendering;
using DiTPlugin.Textures;

namespace DiTPlugin.Samples.DemoScene
{
    /// <summary>Where the demo's textures live and who draws them: Vulkan, Direct3D 12 textures drawn on the CPU, or the CPU fallback.</summary>
    public interface IDemoBackend : IDisposable
    {
        string Name { get; }
        ITextureTarget CreateTarget(TextureSettings settings);
        /// <summary>A renderer over the targets made by <see cref="CreateTarget"/>, in texture-index order.</summary>
        ISceneRenderer CreateRenderer(int width, int height, IReadOnlyList<ITextureTarget> targets);
    }

    /// <summary>CPU buffers and the software rasteriser: runs anywhere.</summary>
    public sealed class CpuBackend : IDemoBackend
    {
        public string Name => "CPU";
        public ITextureTarget CreateTarget(TextureSettings settings) => new CpuTextureTarget(settings);

        public ISceneRenderer CreateRenderer(int width, int height, IReadOnlyList<ITextureTarget> targets)
        {
            var cpu = new List<CpuTextureTarget>();
            foreach (var t in targets)
                cpu.Add(t as CpuTextureTarget ?? throw new ArgumentException($"The CPU renderer needs CpuTextureTargets, got {t.GetType().Name}.", nameof(targets)));
            return new CpuSceneRenderer(width, height, cpu);
        }

        public void Dispose() { }
    }

    /// <summary>The backend named on the command line cannot run here (no device); the message says why.</summary>
    public sealed class DemoBackendUnavailableException : Exception
    {
        public DemoBackendUnavailableException(string message) : base(message) { }
    }
}
