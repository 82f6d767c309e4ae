using System;
using System.Collections.Generic;

namespace DiTPlugin.Samples.DemoScene
{
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
        public int Steps { get; set; } = 25;
        public float CfgScale { get; set; } = 4f;
        /// <summary>Previews streamed into the textures every this many steps.</summary>
        public int PreviewEvery { get; set; } = 5;
        /// <summary>Class names for the scene's slots (cycled); empty: the defaults.</summary>
        public IReadOnlyList<string> Classes { get; set; } = Array.Empty<string>();
        /// <summary>Use the CPU backend even where Vulkan works.</summary>
        public bool ForceCpu { get; set; }
        /// <summary>Frames after the last texture completes (the scene keeps rendering, as a game would).</summary>
        public int TailFrames { get; set; } = 3;
    }
}
