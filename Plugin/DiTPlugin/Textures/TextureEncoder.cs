using System;
using DiTPlugin.Contract.Package;
using DiTPlugin.Imaging;

namespace DiTPlugin.Textures
{
    /// <summary>
    /// Model output (planar C×H×W in [−1, 1]) → the bytes of a <see cref="TextureLayout"/>: colour space conversion,
    /// row order and the mip chain. Mips are 2x2 box filters in linear light (averaging sRGB-encoded values would darken
    /// every level); for odd sizes the last texel of a row or column also takes the leftover source texel.
    /// </summary>
    public static class TextureEncoder
    {
        /// <summary>Encodes <paramref name="chw"/> (channels 1, 3 or 4; <paramref name="sourceColorSpace"/> "sRGB" or "linear") into <paramref name="destination"/>.</summary>
        public static void Encode(ReadOnlySpan<float> chw, int channels, string sourceColorSpace, TextureLayout layout, Span<byte> destination) =>
            Encode(chw, channels, ColorSpaces.TryParse(sourceColorSpace, out var parsed) ? parsed
                : throw new ArgumentException($"Source colour space '{sourceColorSpace}' is not {ColorSpaces.Expected}.", nameof(sourceColorSpace)),
                layout, destination);

        /// <inheritdoc cref="Encode(ReadOnlySpan{float}, int, string, TextureLayout, Span{byte})"/>
        public static void Encode(ReadOnlySpan<float> chw, int channels, ColorSpace sourceColorSpace, TextureLayout layout, Span<byte> destination)
        {
            if (layout is null) throw new ArgumentNullException(nameof(layout));
            bool sourceLinear = sourceColorSpace switch
            {
                ColorSpace.Linear => true,
                ColorSpace.Srgb => false,
                _ => throw new ArgumentOutOfRangeException(nameof(sourceColorSpace), sourceColorSpace, "Not a ColorSpace."),
            };
            if (channels != 1 && channels != 3 && channels != 4) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be 1, 3 or 4.");
            int w = layout.Width, h = layout.Height, plane = w * h;
            if (chw.Length != channels * plane)
                throw new ArgumentException($"Expected {channels}x{h}x{w} = {channels * plane} values for a {layout.Width}x{layout.Height} texture, got {chw.Length}.", nameof(chw));
            if (destination.Length < layout.ByteSize)
                throw new ArgumentException($"The destination holds {destination.Length} bytes; the layout needs {layout.ByteSize}.", nameof(destination));

            // Level 0: encoded straight from the model value (so an sRGB model into an sRGB RGBA8 texture gives exactly
            // ImageConverter's bytes); linear RGBA kept only when mips are made from it.
            bool srgbTarget = layout.Settings.ColorSpace == TextureColorSpace.Srgb;
            var linear = layout.MipCount > 1 ? new float[plane * 4] : null;
            var level0 = destination.Slice(0, (int)layout.MipByteSize(0));
            for (int y = 0; y < h; y++)
            {
                int row = layout.Settings.RowOrder == RowOrder.TopDown ? y : h - 1 - y;
                for (int x = 0; x < w; x++)
                {
                    int p = y * w + x;
                    for (int c = 0; c < 4; c++)
                    {
                        double u = c == 3 ? (channels == 4 ? ImageConverter.ToUnit(chw[3 * plane + p]) : 1.0)
                                          : ImageConverter.ToUnit(chw[(channels == 1 ? 0 : c) * plane + p]);
                        // Alpha has no transfer function; colour converts only where the source and the need differ.
                        bool sameSpace = c == 3 || sourceLinear != srgbTarget;
                        double stored = sameSpace ? u : srgbTarget ? ImageConverter.LinearToSrgb(u) : SrgbToLinear(u);
                        Store(level0, layout, (row * w + x) * 4 + c, stored);
                        if (linear != null) linear[p * 4 + c] = (float)(c == 3 || sourceLinear ? u : SrgbToLinear(u));
                    }
                }
            }

            int sw = w, sh = h;
            for (int level = 1; level < layout.MipCount; level++)
            {
                int dw = layout.MipWidth(level), dh = layout.MipHeight(level);
                var next = new float[dw * dh * 4];
                var dest = destination.Slice((int)layout.MipOffset(level), (int)layout.MipByteSize(level));
                for (int y = 0; y < dh; y++)
                {
                    int y0 = Math.Min(2 * y, sh - 1), y1 = y == dh - 1 ? sh - 1 : 2 * y + 1;
                    int row = layout.Settings.RowOrder == RowOrder.TopDown ? y : dh - 1 - y;
                    for (int x = 0; x < dw; x++)
                    {
                        int x0 = Math.Min(2 * x, sw - 1), x1 = x == dw - 1 ? sw - 1 : 2 * x + 1;
                        for (int c = 0; c < 4; c++)
                        {
                            double sum = 0;
                            for (int yy = y0; yy <= y1; yy++)
                                for (int xx = x0; xx <= x1; xx++) sum += linear![(yy * sw + xx) * 4 + c];
                            double lin = sum / ((y1 - y0 + 1) * (x1 - x0 + 1));
                            next[(y * dw + x) * 4 + c] = (float)lin;
                            bool encode = c != 3 && layout.Settings.ColorSpace == TextureColorSpace.Srgb;
                            Store(dest, layout, (row * dw + x) * 4 + c, encode ? ImageConverter.LinearToSrgb(lin) : lin);
                        }
                    }
                }
                linear = next;
                sw = dw;
                sh = dh;
            }
        }

        /// <summary>Allocates and encodes.</summary>
        public static byte[] Encode(ReadOnlySpan<float> chw, int channels, string sourceColorSpace, TextureLayout layout)
        {
            var bytes = new byte[layout.ByteSize];
            Encode(chw, channels, sourceColorSpace, layout, bytes);
            return bytes;
        }

        /// <summary>The sRGB EOTF (IEC 61966-2-1): encoded value in [0, 1] → linear light.</summary>
        public static double SrgbToLinear(double encoded)
        {
            if (encoded <= 0) return 0;
            if (encoded >= 1) return 1;
            return encoded <= 0.04045 ? encoded / 12.92 : Math.Pow((encoded + 0.055) / 1.055, 2.4);
        }

        /// <summary>Writes component <paramref name="index"/> (texel·4 + channel) of a level as a byte or a little-endian half.</summary>
        private static void Store(Span<byte> level, TextureLayout layout, int index, double value)
        {
            if (layout.Format == TextureFormat.Rgba8) { level[index] = ImageConverter.ToByte(value); return; }
            ushort bits = HalfFloat.FromFloat((float)value);
            level[2 * index] = (byte)bits;
            level[2 * index + 1] = (byte)(bits >> 8);
        }
    }
}
