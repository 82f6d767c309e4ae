using System;
using DiTPlugin.Imaging;

namespace DiTPlugin
{
    /// <summary>
    /// An RGBA8 image (rows top to bottom, 4 bytes a pixel) and the recipe that made it; with
    /// <see cref="GenerationOutputs.Sample"/> also (or only) the raw final sample.
    /// </summary>
    public sealed class GeneratedImage
    {
        /// <summary>The pixels; empty when only the sample was asked for (<see cref="HasImage"/> false).</summary>
        public byte[] Rgba8 { get; }
        public int Width { get; }
        public int Height { get; }
        /// <summary>
        /// The raw final sample x₀ as the sampler left it, [C, S, S] channel-major: latents (not yet divided by the
        /// latent scale) for latent models, model-space values in about [−1, 1] for pixel models. Null unless asked for.
        /// </summary>
        public float[]? Sample { get; }
        /// <summary>The sample's shape (channels, height, width); (0, 0, 0) without a sample.</summary>
        public (int Channels, int Height, int Width) SampleShape { get; }
        public bool HasImage => Rgba8.Length > 0;
        /// <summary>The recipe; for previews, the recipe of the final image being previewed.</summary>
        public Recipe Recipe { get; }

        public GeneratedImage(byte[] rgba8, int width, int height, Recipe recipe) : this(rgba8, width, height, recipe, null, default) { }

        public GeneratedImage(byte[] rgba8, int width, int height, Recipe recipe, float[]? sample, (int Channels, int Height, int Width) sampleShape)
        {
            if (rgba8 is null) throw new ArgumentNullException(nameof(rgba8));
            if (rgba8.Length != width * height * 4) throw new ArgumentException("Rgba8 must hold width·height·4 bytes.", nameof(rgba8));
            Rgba8 = rgba8;
            Width = width;
            Height = height;
            Recipe = recipe ?? throw new ArgumentNullException(nameof(recipe));
            if (sample != null && sample.Length != (long)sampleShape.Channels * sampleShape.Height * sampleShape.Width)
                throw new ArgumentException("Sample must hold channels·height·width values.", nameof(sample));
            Sample = sample;
            SampleShape = sample is null ? default : sampleShape;
        }

        /// <summary>Writes a PNG (atomically: temp file + rename).</summary>
        public void SavePng(string path)
        {
            if (!HasImage) throw new InvalidOperationException("This result holds the raw sample only (Outputs = Sample); ask for GenerationOutputs.Image to get pixels.");
            PngWriter.Write(path, Rgba8, Width, Height);
        }
    }
}
