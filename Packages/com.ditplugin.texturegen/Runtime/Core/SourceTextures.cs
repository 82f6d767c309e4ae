#nullable enable
using System;

namespace DiTPlugin.TextureGen
{
    /// <summary>
    /// An existing texture made ready to start a generation from (the window's "Variations of selected texture",
    /// inpainting and "Make seamless"): Unity's pixel rows (bottom to top) turned top to bottom, and any size fitted to the
    /// model's output size by area averaging.
    /// </summary>
    public static class SourceTextures
    {
        /// <summary>
        /// RGBA8 pixels of a <paramref name="width"/>x<paramref name="height"/> texture with rows bottom to top (Unity's
        /// GetPixels32 order) as a source image of <paramref name="targetWidth"/>x<paramref name="targetHeight"/>.
        /// </summary>
        public static SourceImage FromBottomUp(byte[] rgba, int width, int height, int targetWidth, int targetHeight)
        {
            if (rgba is null) throw new ArgumentNullException(nameof(rgba));
            if (width < 1 || height < 1 || rgba.Length != 4 * width * height)
                throw new ArgumentException($"A {width}x{height} RGBA8 texture has {4 * width * height} bytes, got {rgba.Length}.", nameof(rgba));
            var topDown = new byte[rgba.Length];
            int row = width * 4;
            for (int y = 0; y < height; y++) Array.Copy(rgba, y * row, topDown, (height - 1 - y) * row, row);
            return new SourceImage(Fit(topDown, width, height, targetWidth, targetHeight), targetWidth, targetHeight);
        }

        /// <summary>
        /// Resamples RGBA8 by area: each target pixel is the average of the source area it covers (fractional pixels
        /// weighted by their overlap), so a downscale keeps the texture's mean colour and an integer factor is a box
        /// filter. Upscaling by an integer factor repeats source pixels. The same size returns a copy.
        /// </summary>
        public static byte[] Fit(byte[] rgba, int width, int height, int targetWidth, int targetHeight)
        {
            if (rgba is null) throw new ArgumentNullException(nameof(rgba));
            if (targetWidth < 1 || targetHeight < 1) throw new ArgumentOutOfRangeException(nameof(targetWidth), "The target size must be at least 1x1.");
            var values = new double[rgba.Length];
            for (int i = 0; i < rgba.Length; i++) values[i] = rgba[i];
            // Separable: rows to the target width, then columns to the target height; rounded once, at the end.
            var rows = Pass(values, width, height, targetWidth, horizontal: true);
            var both = Pass(rows, targetWidth, height, targetHeight, horizontal: false);
            var result = new byte[both.Length];
            for (int i = 0; i < both.Length; i++) result[i] = (byte)Math.Max(0, Math.Min(255, Math.Round(both[i], MidpointRounding.AwayFromZero)));
            return result;
        }

        /// <summary>One axis of <see cref="Fit"/>: <paramref name="src"/> is RGBA <paramref name="width"/>x<paramref name="height"/>.</summary>
        private static double[] Pass(double[] src, int width, int height, int target, bool horizontal)
        {
            int n = horizontal ? width : height, other = horizontal ? height : width, outWidth = horizontal ? target : width;
            var dst = new double[4 * target * other];
            double scale = (double)n / target;
            for (int t = 0; t < target; t++)
            {
                double a = t * scale, b = (t + 1) * scale;   // the source interval [a, b) this target pixel covers
                int first = (int)Math.Floor(a), last = Math.Min(n, (int)Math.Ceiling(b));
                for (int o = 0; o < other; o++)
                    for (int c = 0; c < 4; c++)
                    {
                        double sum = 0, weight = 0;
                        for (int s = first; s < last; s++)
                        {
                            double w = Math.Min(b, s + 1) - Math.Max(a, s);
                            sum += w * src[(horizontal ? o * width + s : s * width + o) * 4 + c];
                            weight += w;
                        }
                        dst[(horizontal ? o * outWidth + t : t * outWidth + o) * 4 + c] = sum / weight;
                    }
            }
            return dst;
        }
    }
}
