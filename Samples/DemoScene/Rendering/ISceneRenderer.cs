using System;
using System.Collections.Generic;
using System.Numerics;

namespace DiTPlugin.Samples.DemoScene.Rendering
{
    /// <summary>
    /// Draws textured quads offscreen and reads the frame back. Both renderers (Vulkan, and the CPU fallback) take the
    /// same inputs and give the same kind of frame, so the demo runs on any machine.
    /// </summary>
    public interface ISceneRenderer : IDisposable
    {
        /// <summary>For logs: "Vulkan (llvmpipe ...)" or "CPU".</summary>
        string Name { get; }
        int Width { get; }
        int Height { get; }

        /// <summary>
        /// Renders the quads with depth testing and returns RGBA8, sRGB-encoded, top row first (width·height·4 bytes).
        /// <paramref name="viewProjection"/> is a System.Numerics matrix (row vectors: clip = (p, 1)·M) mapping world
        /// points to Vulkan clip space: x right, y down, depth 0 (near) .. 1 (far). <paramref name="clearLinear"/> is the
        /// background in linear RGBA. A quad whose texture has no data yet is drawn mid-grey.
        /// </summary>
        byte[] Render(Matrix4x4 viewProjection, IReadOnlyList<SceneQuad> quads, Vector4 clearLinear);
    }
}
