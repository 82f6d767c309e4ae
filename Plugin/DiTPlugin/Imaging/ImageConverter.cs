using System;
using DiTPlugin.Contract.Package;

namespace DiTPlugin.Imaging
{
    /// <summary>Model output in [−1, 1] (planar C×H×W) → interleaved RGBA8.</summary>
    public static class ImageConverter
    {
        /// <summary>The sRGB OETF (IEC 61966-2-1): linear light in [0, 1] → encoded value in [0, 1].</summary>
        public static double LinearToSrgb(double linear)
        {
            if (linear <= 0) return 0;
            if (linear >= 1) return 1;
            return linear <= 0.0031308 ? 12.92 * linear : 1.055 * Math.Pow(linear, 1.0 / 2.4) - 0.055;
        }

        /// <summary>The sRGB EOTF (IEC 61966-2-1), the inverse of <see cref="LinearToSrgb"/>: encoded value → linear light.</summary>
        public static double SrgbToLinear(double encoded) =>
            encoded <= 0.04045 ? encoded / 12.92 : Math.Pow((encoded + 0.055) / 1.055, 2.4);

        /// <summary>
        /// The inverse of <see cref="ToRgba8(ReadOnlySpan{float}, int, int, int, ColorSpace)"/>: RGBA8 rows → planar
        /// [C, H, W] values in [−1, 1]. C = 1 takes the Rec. 709 luma of the encoded RGB (a gray image's own value);
        /// C = 3 RGB; C = 4 RGBA. For every byte value, converting back gives the same byte.
        /// </summary>
        public static float[] FromRgba8(ReadOnlySpan<byte> rgba, int width, int height, int channels, ColorSpace colorSpace)
        {
            bool linear = IsLinear(colorSpace);
            CheckChannels(channels);
            int plane = width * height;
            if (rgba.Length != plane * 4) throw new ArgumentException($"Expected {plane * 4} RGBA bytes for {width}x{height}, got {rgba.Length}.", nameof(rgba));
            var chw = new float[channels * plane];
            float Value(double unit, bool transfer) => (float)(2.0 * (transfer ? SrgbToLinear(unit) : unit) - 1.0);
            for (int p = 0; p < plane; p++)
            {
                int o = p * 4;
                if (channels == 1)
                {
                    bool gray = rgba[o] == rgba[o + 1] && rgba[o + 1] == rgba[o + 2];
                    double luma = gray ? rgba[o] / 255.0 : (0.2126 * rgba[o] + 0.7152 * rgba[o + 1] + 0.0722 * rgba[o + 2]) / 255.0;
                    chw[p] = Value(luma, linear);
                    continue;
                }
                chw[p] = Value(rgba[o] / 255.0, linear);
                chw[plane + p] = Value(rgba[o + 1] / 255.0, linear);
                chw[2 * plane + p] = Value(rgba[o + 2] / 255.0, linear);
                if (channels == 4) chw[3 * plane + p] = Value(rgba[o + 3] / 255.0, false);
            }
            return chw;
        }

        /// <summary>Whether the model's values are linear light (the sRGB transfer function converts them), not sRGB-encoded.</summary>
        private static bool IsLinear(ColorSpace colorSpace) => colorSpace switch
        {
            ColorSpace.Srgb => false,
            ColorSpace.Linear => true,
            _ => throw new ArgumentOutOfRangeException(nameof(colorSpace), colorSpace, "Not a ColorSpace."),
        };

        private static void CheckChannels(int channels)
        {
            if (channels != 1 && channels != 3 && channels != 4) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1, 3 or 4.");
        }

        /// <summary>A value in [0, 1] → byte with rounding (half away from zero) and clamping.</summary>
        public static byte ToByte(double unit)
        {
            double v = Math.Round(unit * 255.0, MidpointRounding.AwayFromZero);
            return (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
        }

        /// <summary>One model value in [−1, 1] → byte: (v + 1)/2, through the sRGB OETF when <paramref name="linear"/>.</summary>
        public static byte ValueToByte(float v, bool linear)
        {
            double u = ToUnit(v);
            return ToByte(linear ? LinearToSrgb(u) : u);
        }

        /// <summary>One model value in [−1, 1] → [0, 1]: (v + 1)/2, clamped; NaN → 0.</summary>
        public static double ToUnit(float v)
        {
            double u = (v + 1.0) / 2.0;
            return double.IsNaN(u) ? 0 : u < 0 ? 0 : u > 1 ? 1 : u;
        }

        /// <summary>
        /// Planar [C, H, W] values in [−1, 1] → RGBA8 rows top to bottom. C = 1: grayscale replicated to RGB; C = 3: RGB;
        /// C = 4: RGBA (alpha mapped without the transfer function). Alpha is 255 unless given. colorSpace "sRGB": the
        /// values are sRGB-encoded already; "linear": the sRGB OETF is applied.
        /// </summary>
        public static byte[] ToRgba8(ReadOnlySpan<float> chw, int channels, int width, int height, string colorSpace) =>
            ToRgba8(chw, channels, width, height, ColorSpaces.TryParse(colorSpace, out var parsed) ? parsed
                : throw new ArgumentException($"colorSpace '{colorSpace}' is not {ColorSpaces.Expected}.", nameof(colorSpace)));

        /// <inheritdoc cref="ToRgba8(ReadOnlySpan{float}, int, int, int, string)"/>
        public static byte[] ToRgba8(ReadOnlySpan<float> chw, int channels, int width, int height, ColorSpace colorSpace)
        {
            bool linear = IsLinear(colorSpace);
            CheckChannels(channels);
            int plane = width * height;
            if (chw.Length != channels * plane) throw new ArgumentException($"Expected {channels * plane} values, got {chw.Length}.", nameof(chw));
            var rgba = new byte[plane * 4];
            for (int p = 0; p < plane; p++)
            {
                int o = p * 4;
                if (channels == 1)
                {
                    byte g = ValueToByte(chw[p], linear);
                    rgba[o] = rgba[o + 1] = rgba[o + 2] = g;
                }
                else
                {
                    rgba[o] = ValueToByte(chw[p], linear);
                    rgba[o + 1] = ValueToByte(chw[plane + p], linear);
                    rgba[o + 2] = ValueToByte(chw[2 * plane + p], linear);
                }
                rgba[o + 3] = channels == 4 ? ValueToByte(chw[3 * plane + p], false) : (byte)255;
            }
            return rgba;
        }
    }
}
