using System;
using System.Security.Cryptography;

namespace DiTPlugin
{
    /// <summary>
    /// An existing texture to start from (<see cref="GenerationOptions.InitImage"/>): RGBA8 rows top to bottom, as
    /// <see cref="GeneratedImage.Rgba8"/> and engine textures hold them. Its sha256 goes into the recipes of the images
    /// made from it, so a recipe can check that it is given the same image again.
    /// </summary>
    public sealed class SourceImage
    {
        public byte[] Rgba8 { get; }
        public int Width { get; }
        public int Height { get; }
        /// <summary>Lower-case hex sha256 of <see cref="Rgba8"/>.</summary>
        public string Sha256 { get; }

        public SourceImage(byte[] rgba8, int width, int height)
        {
            if (rgba8 is null) throw new ArgumentNullException(nameof(rgba8));
            if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"The image must be at least 1x1, got {width}x{height}.");
            if (rgba8.LongLength != 4L * width * height)
                throw new ArgumentException($"A {width}x{height} RGBA8 image has {4L * width * height} bytes, got {rgba8.LongLength}.", nameof(rgba8));
            Rgba8 = rgba8;
            Width = width;
            Height = height;
            using var sha = SHA256.Create();
            Sha256 = Hex(sha.ComputeHash(rgba8));
        }

        /// <summary>A generated image as a source (its pixels, not its recipe).</summary>
        public static SourceImage From(GeneratedImage image) =>
            new SourceImage(image?.Rgba8 ?? throw new ArgumentNullException(nameof(image)), image.Width, image.Height);

        internal static string Hex(byte[] bytes)
        {
            var c = new char[bytes.Length * 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                c[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
                c[2 * i + 1] = "0123456789abcdef"[bytes[i] & 15];
            }
            return new string(c);
        }
    }
}
