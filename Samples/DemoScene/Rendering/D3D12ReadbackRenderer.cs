using System;
using System.Collections.Generic;
using System.Numerics;
using DiTPlugin.D3D12;
using DiTPlugin.Textures;

namespace DiTPlugin.Samples.DemoScene.Rendering
{
    /// <summary>
    /// Renders D3D12 textures with the CPU rasteriser: before each frame, every texture whose <see cref="D3D12TextureTarget.Version"/>
    /// changed is read back from the GPU (all levels, through a readback heap) into a CPU mirror, which the
    /// <see cref="CpuSceneRenderer"/> samples. A texture not written yet (version 0) stays mid-grey, as on the GPU.
    /// </summary>
    public sealed class D3D12ReadbackRenderer : ISceneRenderer
    {
        private readonly IReadOnlyList<D3D12TextureTarget> _textures;
        private readonly CpuTextureTarget[] _mirrors;
        private readonly long[] _seen;
        private readonly CpuSceneRenderer _cpu;

        public string Name => "CPU (software rasteriser) over D3D12 readbacks";
        public int Width => _cpu.Width;
        public int Height => _cpu.Height;
        /// <summary>Textures read back from the GPU so far.</summary>
        public int Readbacks { get; private set; }

        public D3D12ReadbackRenderer(int width, int height, IReadOnlyList<D3D12TextureTarget> textures)
        {
            _textures = textures ?? throw new ArgumentNullException(nameof(textures));
            _mirrors = new CpuTextureTarget[textures.Count];
            _seen = new long[textures.Count];
            for (int i = 0; i < textures.Count; i++) _mirrors[i] = new CpuTextureTarget(textures[i].Settings);
            _cpu = new CpuSceneRenderer(width, height, _mirrors);   // checks the settings (RGBA8 sRGB top-down)
        }

        public byte[] Render(Matrix4x4 viewProjection, IReadOnlyList<SceneQuad> quads, Vector4 clearLinear)
        {
            for (int i = 0; i < _textures.Count; i++)
            {
                var t = _textures[i];
                var layout = t.Layout;
                long version = t.Version;
                if (layout is null || version == 0 || version == _seen[i] && ReferenceEquals(_mirrors[i].Layout, layout)) continue;
                if (!ReferenceEquals(_mirrors[i].Layout, layout)) _mirrors[i].Allocate(layout);
                _mirrors[i].Write(new TextureUpdate(layout, t.ReadBack(), t.IsFinal, 0, 0, new Recipe()));
                _seen[i] = version;
                Readbacks++;
            }
            return _cpu.Render(viewProjection, quads, clearLinear);
        }

        public void Dispose() => _cpu.Dispose();
    }
}
