using System;

namespace DiTPlugin.Imaging
{
    public static partial class MaterialMaps
    {
        /// <summary>
        /// A roughness guess: the local contrast of the albedo, nothing more. An albedo does not record how glossy a
        /// surface is; this only encodes the rule of thumb that busy, grainy areas (stone, rust, fabric) tend to be
        /// rough and uniform ones (paint, plastic, polished panels) smoother, so treat it as a starting point to remap
        /// or paint over, not a measurement.
        /// <para>
        /// Contrast at a pixel is the standard deviation of linear-light luminance (as in <see cref="Height"/>, no
        /// blur) over the (2·<paramref name="radius"/> + 1)² pixels around it; roughness is that divided by the
        /// image's largest, so it spans [0, 1] and the busiest area is 1. An image with no contrast anywhere (a
        /// constant image) gives 0.5 everywhere. Unity's Standard shader wants smoothness = 1 − roughness.
        /// </para>
        /// </summary>
        /// <returns>width·height values in [0, 1], rows top to bottom.</returns>
        public static float[] Roughness(ReadOnlySpan<byte> rgba8, int width, int height, bool wrap, int radius = 2)
        {
            CheckImage(rgba8, width, height);
            if (radius < 1) throw new ArgumentOutOfRangeException(nameof(radius), radius, "radius must be 1 or more (a window of one pixel has no contrast).");
            var lum = Luminance(rgba8, width, height);
            int n = (2 * radius + 1) * (2 * radius + 1);
            var contrast = new double[lum.Length];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    // Two passes (mean, then squared deviations) rather than E[v²] − E[v]², which can go negative.
                    double sum = 0, lo = double.PositiveInfinity, hi = double.NegativeInfinity;
                    for (int j = -radius; j <= radius; j++)
                        for (int i = -radius; i <= radius; i++)
                        {
                            double v = lum[Index(y + j, height, wrap) * width + Index(x + i, width, wrap)];
                            sum += v;
                            lo = Math.Min(lo, v);
                            hi = Math.Max(hi, v);
                        }
                    // A uniform window is exactly 0: sum/n of n equal values can miss the value by an ulp, and that
                    // residue, divided by an image-wide maximum of the same size, would turn a flat image into noise.
                    if (lo == hi) continue;
                    double mean = sum / n, sq = 0;
                    for (int j = -radius; j <= radius; j++)
                        for (int i = -radius; i <= radius; i++)
                        {
                            double d = lum[Index(y + j, height, wrap) * width + Index(x + i, width, wrap)] - mean;
                            sq += d * d;
                        }
                    contrast[y * width + x] = Math.Sqrt(sq / n);
                }

            double max = 0;
            foreach (double c in contrast) if (c > max) max = c;
            var result = new float[contrast.Length];
            for (int p = 0; p < result.Length; p++) result[p] = max > 0 ? (float)(contrast[p] / max) : 0.5f;
            return result;
        }

        /// <summary><see cref="Roughness"/> as an RGBA8 grayscale image (linear), alpha 255.</summary>
        public static byte[] RoughnessRgba8(ReadOnlySpan<byte> rgba8, int width, int height, bool wrap, int radius = 2)
            => GrayRgba8(Roughness(rgba8, width, height, wrap, radius), width, height);
    }
}
