using System;
using DiT.Training.Formats;
using System.IO;
using StbImageWriteSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Trainer;

/// <summary>An 8-bit interleaved image (rows top to bottom, channels per pixel).</summary>
public sealed record Rgb8Image(byte[] Pixels, int Width, int Height, int Channels = 3);

/// <summary>
/// Tiles a batch of images in [-1, 1] into one RGB8 picture (like torchvision's make_grid + save_image) and writes PNGs
/// atomically, so a reader (or a crash) never sees a half-written sample grid.
/// </summary>
public static class ImageGrid
{
    /// <summary>Maps [-1,1] to 0..255 as round-half-up of (v+1)/2·255 after clamping: -1→0, 0→128, +1→255; NaN→0.
    /// Same rule as torchvision's save_image (x·255 + 0.5, clamp, truncate).</summary>
    public static byte ToByte(float v)
    {
        if (float.IsNaN(v)) return 0;
        double x = (v + 1.0) * 0.5 * 255.0 + 0.5;
        return (byte)Math.Clamp(Math.Floor(x), 0, 255);
    }

    /// <summary>Default column count: the smallest square that fits n images.</summary>
    public static int DefaultCols(int n) => Math.Max(1, (int)Math.Ceiling(Math.Sqrt(n)));

    /// <summary>
    /// Builds the grid from NCHW data (C = 1 or 3; grayscale is replicated to RGB). Images go left to right, top to
    /// bottom; every image is surrounded by <paramref name="padding"/> black pixels, so the picture is
    /// cols·(W+pad)+pad wide and rows·(H+pad)+pad high, and image k's top-left pixel is at
    /// ((k % cols)·(W+pad)+pad, (k / cols)·(H+pad)+pad).
    /// </summary>
    public static Rgb8Image ToRgb(float[] data, int n, int c, int h, int w, int cols = 0, int padding = 2)
    {
        if (c != 1 && c != 3) throw new ArgumentException($"Channels must be 1 or 3, got {c}.", nameof(c));
        if (n < 1 || h < 1 || w < 1) throw new ArgumentException($"Empty image batch ({n}x{c}x{h}x{w}).");
        if (data.Length != (long)n * c * h * w)
            throw new ArgumentException($"Data has {data.Length} values, expected {n}x{c}x{h}x{w}.", nameof(data));
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding));
        cols = cols > 0 ? Math.Min(cols, n) : DefaultCols(n);
        int rows = (n + cols - 1) / cols;
        int gw = cols * (w + padding) + padding, gh = rows * (h + padding) + padding;
        var px = new byte[(long)gw * gh * 3];
        for (int k = 0; k < n; k++)
        {
            int x0 = (k % cols) * (w + padding) + padding, y0 = (k / cols) * (h + padding) + padding;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    long dst = ((long)(y0 + y) * gw + x0 + x) * 3;
                    for (int ch = 0; ch < 3; ch++)
                        px[dst + ch] = ToByte(data[(((long)k * c + (c == 1 ? 0 : ch)) * h + y) * w + x]);
                }
        }
        return new Rgb8Image(px, gw, gh);
    }

    /// <summary>Grid from a (N,C,H,W) or (C,H,W) tensor on any device/dtype; the tensor is not modified.</summary>
    public static Rgb8Image ToRgb(Tensor images, int cols = 0, int padding = 2)
    {
        using var scope = NewDisposeScope();
        var t = images.dim() == 3 ? images.unsqueeze(0) : images;
        if (t.dim() != 4) throw new ArgumentException($"Expected (N,C,H,W) or (C,H,W), got shape [{string.Join(",", images.shape)}].");
        var s = t.shape;
        var data = t.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        return ToRgb(data, (int)s[0], (int)s[1], (int)s[2], (int)s[3], cols, padding);
    }

    public static void SaveGrid(string path, Tensor images, int cols = 0, int padding = 2) =>
        Save(path, ToRgb(images, cols, padding));

    public static void SaveGrid(string path, float[] data, int n, int c, int h, int w, int cols = 0, int padding = 2) =>
        Save(path, ToRgb(data, n, c, h, w, cols, padding));

    public static void Save(string path, Rgb8Image img) => SavePng(path, img.Pixels, img.Width, img.Height, img.Channels);

    /// <summary>Writes interleaved 8-bit pixels (channels 1..4) as PNG via path + ".tmp" and an overwriting move.</summary>
    public static void SavePng(string path, byte[] rgb, int w, int h, int channels)
    {
        var comp = channels switch
        {
            1 => ColorComponents.Grey,
            2 => ColorComponents.GreyAlpha,
            3 => ColorComponents.RedGreenBlue,
            4 => ColorComponents.RedGreenBlueAlpha,
            _ => throw new ArgumentException($"Channels must be 1..4, got {channels}.", nameof(channels)),
        };
        if (w < 1 || h < 1 || rgb.Length != (long)w * h * channels)
            throw new ArgumentException($"Pixel buffer has {rgb.Length} bytes, expected {w}x{h}x{channels}.", nameof(rgb));
        AtomicFile.Write(path, fs => new ImageWriter().WritePng(rgb, w, h, comp, fs));
    }
}
