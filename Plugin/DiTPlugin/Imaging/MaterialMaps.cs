using System;
using DiTPlugin.Textures;

namespace DiTPlugin.Imaging
{
    /// <summary>
    /// Height, normal and roughness maps derived from an albedo, as pure functions over RGBA8 pixels (rows top to
    /// bottom, 4 bytes a pixel, sRGB-encoded: what <see cref="GeneratedImage.Rgba8"/> holds). Alpha is ignored.
    /// <para>
    /// <c>wrap</c> chooses what lies beyond the edges: true reads around them (the image is a torus), so a seamless
    /// texture gives seamless maps; false repeats the edge pixel (clamp). With wrap every output pixel is computed by
    /// the same operations, in the same order, over its neighbourhood, and the only image-wide quantities are min and
    /// max; so the maps of an image rolled by (dx, dy) are the rolled maps bit for bit, not just nearly.
    /// </para>
    /// Outputs are data, not colour: the RGBA8 maps hold linear values (import them with sRGB off).
    /// </summary>
    public static partial class MaterialMaps
    {
        // Rec. 709 / sRGB primaries: the luminance weights for linear-light R, G, B.
        private const double Kr = 0.2126, Kg = 0.7152, Kb = 0.0722;

        // sRGB byte → linear light, once: 256 entries instead of a Math.Pow per channel per pixel.
        private static readonly double[] ByteToLinear = BuildByteToLinear();

        private static double[] BuildByteToLinear()
        {
            var t = new double[256];
            for (int i = 0; i < 256; i++) t[i] = TextureEncoder.SrgbToLinear(i / 255.0);
            return t;
        }

        /// <summary>
        /// The height map: linear-light luminance (Rec. 709 weights on the linearised sRGB channels), box-blurred over
        /// (2·<paramref name="blurRadius"/> + 1)² pixels (0: no blur; the blur tames pixel noise that would otherwise
        /// become normal-map grain), then normalised so the image's minimum is 0 and its maximum 1. An image without
        /// any variation (a constant image) has no relief to scale and gives 0.5 everywhere: mid-grey, the neutral
        /// level of a displacement with a 0.5 midlevel, and flat for the normal map either way.
        /// </summary>
        /// <returns>width·height values in [0, 1], rows top to bottom.</returns>
        public static float[] Height(ReadOnlySpan<byte> rgba8, int width, int height, bool wrap, int blurRadius = 1)
        {
            CheckImage(rgba8, width, height);
            if (blurRadius < 0) throw new ArgumentOutOfRangeException(nameof(blurRadius), blurRadius, "blurRadius must be 0 (no blur) or more.");
            var lum = Luminance(rgba8, width, height);
            if (blurRadius > 0) lum = BoxBlur(lum, width, height, wrap, blurRadius);
            return Normalise(lum);
        }

        /// <summary><see cref="Height"/> as an RGBA8 grayscale image (linear: height is data), alpha 255.</summary>
        public static byte[] HeightRgba8(ReadOnlySpan<byte> rgba8, int width, int height, bool wrap, int blurRadius = 1)
            => GrayRgba8(Height(rgba8, width, height, wrap, blurRadius), width, height);

        /// <summary>
        /// Values in [0, 1] → RGBA8 grayscale, byte = round(v·255) (half away from zero), no transfer function, alpha
        /// 255. Values outside [0, 1] are clamped; NaN or infinity is refused.
        /// </summary>
        public static byte[] GrayRgba8(ReadOnlySpan<float> values01, int width, int height)
        {
            CheckField(values01, width, height, nameof(values01));
            var rgba = new byte[values01.Length * 4];
            for (int p = 0; p < values01.Length; p++)
            {
                byte g = ImageConverter.ToByte(values01[p]);
                rgba[p * 4] = rgba[p * 4 + 1] = rgba[p * 4 + 2] = g;
                rgba[p * 4 + 3] = 255;
            }
            return rgba;
        }

        private static double[] Luminance(ReadOnlySpan<byte> rgba8, int width, int height)
        {
            var lum = new double[width * height];
            for (int p = 0; p < lum.Length; p++)
                lum[p] = Kr * ByteToLinear[rgba8[p * 4]] + Kg * ByteToLinear[rgba8[p * 4 + 1]] + Kb * ByteToLinear[rgba8[p * 4 + 2]];
            return lum;
        }

        /// <summary>Separable box blur: rows then columns, each tap sum taken from −r to +r (a fixed order, for exact rolls).</summary>
        private static double[] BoxBlur(double[] src, int width, int height, bool wrap, int r)
        {
            var rows = new double[src.Length];
            var dst = new double[src.Length];
            double n = 2 * r + 1;
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    double s = 0;
                    for (int k = -r; k <= r; k++) s += src[y * width + Index(x + k, width, wrap)];
                    rows[y * width + x] = s / n;
                }
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    double s = 0;
                    for (int k = -r; k <= r; k++) s += rows[Index(y + k, height, wrap) * width + x];
                    dst[y * width + x] = s / n;
                }
            return dst;
        }

        /// <summary>(v − min)/(max − min); 0.5 everywhere when max = min.</summary>
        private static float[] Normalise(double[] v)
        {
            double min = double.PositiveInfinity, max = double.NegativeInfinity;
            foreach (double x in v) { if (x < min) min = x; if (x > max) max = x; }
            double range = max - min;
            var result = new float[v.Length];
            for (int p = 0; p < v.Length; p++) result[p] = range > 0 ? (float)((v[p] - min) / range) : 0.5f;
            return result;
        }

        /// <summary>A neighbour's coordinate: around the edge with wrap, else the nearest edge pixel.</summary>
        private static int Index(int i, int n, bool wrap)
        {
            if (wrap) return ((i % n) + n) % n;
            return i < 0 ? 0 : i >= n ? n - 1 : i;
        }

        private static void CheckSize(int width, int height)
        {
            if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), width, "width must be positive.");
            if (height <= 0) throw new ArgumentOutOfRangeException(nameof(height), height, "height must be positive.");
        }

        private static void CheckImage(ReadOnlySpan<byte> rgba8, int width, int height)
        {
            CheckSize(width, height);
            long expected = (long)width * height * 4;
            // A null byte[] arrives here as an empty span, so it is reported by this same check.
            if (rgba8.Length != expected)
                throw new ArgumentException($"rgba8 holds {rgba8.Length} bytes; a {width}x{height} RGBA8 image needs width·height·4 = {expected}" +
                                            (rgba8.IsEmpty ? " (was it null?)." : "."), nameof(rgba8));
        }

        private static void CheckField(ReadOnlySpan<float> field, int width, int height, string name)
        {
            CheckSize(width, height);
            long expected = (long)width * height;
            if (field.Length != expected)
                throw new ArgumentException($"{name} holds {field.Length} values; a {width}x{height} map needs width·height = {expected}" +
                                            (field.IsEmpty ? " (was it null?)." : "."), name);
            for (int p = 0; p < field.Length; p++)
                if (float.IsNaN(field[p]) || float.IsInfinity(field[p]))
                    throw new ArgumentException($"{name}[{p}] (x {p % width}, y {p / width}) is {field[p]}; values must be finite.", name);
        }
    }
}
