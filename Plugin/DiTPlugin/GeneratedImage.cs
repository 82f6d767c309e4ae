using System;
using DiTPlugin.Imaging;

namespace DiTPlugin
{
    /// <summary>An RGBA8 image (rows top to bottom, 4 bytes a pixel) and the recipe that made it.</summary>
    public sealed class GeneratedImage
    {
        public byte[] Rgba8 { get; }
        public int Width { get; }
        public int Height { get; }
        /// <summary>The recipe; for previews, the recipe of the final image being previewed.</summary>
        public Recipe Recipe { get; }

        public GeneratedImage(byte[] rgba8, int width, int height, Recipe recipe)
        {
            if (rgba8 is null) throw new ArgumentNullException(nameof(rgba8));
            if (rgba8.Length != width * height * 4) throw new ArgumentException("Rgba8 must hold width·height·4 bytes.", nameof(rgba8));
            Rgba8 = rgba8;
            Width = width;
            Height = height;
            Recipe = recipe ?? throw new ArgumentNullException(nameof(recipe));
        }

        /// <summary>Writes a PNG (atomically: temp file + rename).</summary>
        public void SavePng(string path) => PngWriter.Write(path, Rgba8, Width, Height);
    }
}
