using System;
using System.Collections.Generic;

namespace DiTPlugin.Samples.DemoScene
{
    /// <summary>The demo's texture and rendering backends (--backend).</summary>
    public enum DemoBackendKind
    {
        /// <summary>Vulkan when a device works, else the CPU (saying why).</summary>
        Auto,
        /// <summary>CPU texture buffers and the software rasteriser.</summary>
        Cpu,
        /// <summary>Vulkan textures and the Vulkan renderer; an error where there is no Vulkan device.</summary>
        Vulkan,
        /// <summary>Direct3D 12 textures (vkd3d on Linux), read back for the CPU renderer; an error where there is no D3D12 device.</summary>
        D3D12,
    }

    /// <summary>The demo's settings (command line: see Program.cs).</summary>
    public sealed class DemoOptions
    {
        /// <summary>A model package; null: the shipped default, found above the working directory.</summary>
        public string? Model { get; set; }
        public string OutDir { get; set; } = "demoscene-out";
        public int Width { get; set; } = 640;
        public int Height { get; set; } = 360;
        /// <summary>Generation time allowed per frame.</summary>
        public TimeSpan Budget { get; set; } = TimeSpan.FromMilliseconds(16);
        public ulong Seed { get; set; } = 1;
        /// <summary>Null: the package's default (as CfgScale).</summary>
        public int? Steps { get; set; }
        public float? CfgScale { get; set; }
        /// <summary>Previews streamed into the textures every this many steps.</summary>
        public int PreviewEvery { get; set; } = 5;
        /// <summary>Class names for the scene's slots (cycled); empty: the defaults.</summary>
        public IReadOnlyList<string> Classes { get; set; } = Array.Empty<string>();
        /// <summary>Where the textures live and who draws them; <see cref="DemoBackendKind.Auto"/>: Vulkan where it works, else the CPU.</summary>
        public DemoBackendKind Backend { get; set; } = DemoBackendKind.Auto;
        /// <summary>Enlarge the finished textures with the package's upscaler when it has one (--no-upscale turns it off).</summary>
        public bool Upscale { get; set; } = true;
        /// <summary>Frames after the last texture completes (the scene keeps rendering, as a game would).</summary>
        public int TailFrames { get; set; } = 3;
    }
}
