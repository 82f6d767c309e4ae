#nullable enable
using System;

namespace DiTPlugin.TextureGen
{
    /// <summary>
    /// The inpainting mask the window's brush paints over the preview: one value per texture pixel (rows top to bottom),
    /// 1 = regenerate, 0 = keep, as <see cref="GenerationOptions.Mask"/> takes it. Strokes are round dabs with a soft
    /// one-pixel rim, and a dab only ever raises values (erasing lowers them), so overlapping dabs do not darken. Values
    /// are kept at multiples of 1/255 so the mask survives its PNG (<see cref="Quantize"/>).
    /// </summary>
    public sealed class MaskBrush
    {
        public int Width { get; }
        public int Height { get; }
        /// <summary>The mask values (the array GenerationOptions.Mask is given a copy of).</summary>
        public float[] Values { get; }

        public MaskBrush(int width, int height)
        {
            if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"The mask must be at least 1x1, got {width}x{height}.");
            Width = width;
            Height = height;
            Values = new float[width * height];
        }

        /// <summary>Whether nothing is painted (an inpainting with this mask would keep the whole texture).</summary>
        public bool IsEmpty => Array.TrueForAll(Values, v => v == 0f);

        public void Clear() => Array.Clear(Values, 0, Values.Length);

        /// <summary>
        /// A dab centred at (<paramref name="u"/>, <paramref name="v"/>) in [0, 1] across the texture (v = 0 at the top)
        /// of <paramref name="radius"/> pixels; <paramref name="erase"/> lowers values to 0 instead of raising them to 1.
        /// </summary>
        public void Dab(float u, float v, float radius, bool erase = false)
        {
            if (!(radius > 0)) throw new ArgumentOutOfRangeException(nameof(radius), radius, "The brush radius must be positive.");
            double cx = u * Width - 0.5, cy = v * Height - 0.5;
            int x0 = Math.Max(0, (int)Math.Floor(cx - radius - 1)), x1 = Math.Min(Width - 1, (int)Math.Ceiling(cx + radius + 1));
            int y0 = Math.Max(0, (int)Math.Floor(cy - radius - 1)), y1 = Math.Min(Height - 1, (int)Math.Ceiling(cy + radius + 1));
            for (int y = y0; y <= y1; y++)
                for (int x = x0; x <= x1; x++)
                {
                    double d = Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy));
                    float cover = (float)Math.Max(0, Math.Min(1, radius + 0.5 - d));   // 1 inside, a one-pixel ramp at the rim
                    if (cover <= 0) continue;
                    int k = y * Width + x;
                    Values[k] = Quantize(erase ? Math.Min(Values[k], 1f - cover) : Math.Max(Values[k], cover));
                }
        }

        /// <summary>
        /// Values are multiples of 1/255, computed as byte/255f: exactly what the mask's grayscale PNG reads back as, so a
        /// recipe's mask hash still matches when it is regenerated from the saved PNG.
        /// </summary>
        public static float Quantize(float value) => (byte)Math.Round(Math.Max(0, Math.Min(1, value)) * 255) / 255f;

        /// <summary>The mask as grayscale RGBA8 (white = regenerate), for its PNG beside the texture.</summary>
        public static byte[] ToRgba8(float[] mask)
        {
            var o = new byte[mask.Length * 4];
            for (int p = 0; p < mask.Length; p++)
            {
                byte b = (byte)Math.Round(Math.Max(0, Math.Min(1, mask[p])) * 255);
                o[4 * p] = o[4 * p + 1] = o[4 * p + 2] = b;
                o[4 * p + 3] = 255;
            }
            return o;
        }

        /// <summary>A grayscale RGBA8 mask image (its red channel) back to mask values, the inverse of <see cref="ToRgba8"/>.</summary>
        public static float[] FromRgba8(byte[] rgba)
        {
            var mask = new float[rgba.Length / 4];
            for (int p = 0; p < mask.Length; p++) mask[p] = rgba[4 * p] / 255f;
            return mask;
        }

        /// <summary>
        /// The texture (RGBA8, rows top to bottom) with the mask shown: masked pixels tinted towards red in proportion to
        /// their value, for the preview the brush paints on.
        /// </summary>
        public byte[] Overlay(byte[] rgbaTopDown)
        {
            if (rgbaTopDown is null || rgbaTopDown.Length != Values.Length * 4)
                throw new ArgumentException($"The texture must be {Width}x{Height} RGBA8 ({Values.Length * 4} bytes).", nameof(rgbaTopDown));
            var o = (byte[])rgbaTopDown.Clone();
            for (int p = 0; p < Values.Length; p++)
            {
                float m = Values[p] * 0.6f;
                if (m == 0) continue;
                o[4 * p] = (byte)Math.Round(o[4 * p] * (1 - m) + 255 * m);
                o[4 * p + 1] = (byte)Math.Round(o[4 * p + 1] * (1 - m));
                o[4 * p + 2] = (byte)Math.Round(o[4 * p + 2] * (1 - m));
            }
            return o;
        }
    }
}
