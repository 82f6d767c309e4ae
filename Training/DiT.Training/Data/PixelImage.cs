using System;

namespace DiT.Training.Data;

/// <summary>
/// An interleaved (HWC) image of float samples on the 0..255 scale. Preprocessing works in this layout because decoders
/// produce it and the separable resampler walks rows; the dataset converts to CHW [-1, 1] only at the end.
/// </summary>
public sealed class PixelImage
{
    public int Width { get; }
    public int Height { get; }
    public int Channels { get; }
    public float[] Data { get; }

    public PixelImage(int width, int height, int channels, float[]? data = null)
    {
        if (width <= 0 || height <= 0 || channels <= 0) throw new ArgumentOutOfRangeException(nameof(width), "image dimensions must be positive");
        Width = width;
        Height = height;
        Channels = channels;
        Data = data ?? new float[checked(width * height * channels)];
        if (Data.Length != width * height * channels) throw new ArgumentException("data length does not match width*height*channels", nameof(data));
    }

    public static PixelImage FromBytes(byte[] hwc, int width, int height, int channels)
    {
        var d = new float[hwc.Length];
        for (int i = 0; i < d.Length; i++) d[i] = hwc[i];
        return new PixelImage(width, height, channels, d);
    }

    public float this[int x, int y, int c]
    {
        get => Data[(y * Width + x) * Channels + c];
        set => Data[(y * Width + x) * Channels + c] = value;
    }

    public PixelImage Crop(int x0, int y0, int w, int h)
    {
        if (x0 < 0 || y0 < 0 || x0 + w > Width || y0 + h > Height) throw new ArgumentOutOfRangeException(nameof(x0), "crop outside image");
        var r = new PixelImage(w, h, Channels);
        for (int y = 0; y < h; y++)
            Array.Copy(Data, ((y0 + y) * Width + x0) * Channels, r.Data, y * w * Channels, w * Channels);
        return r;
    }

    /// <summary>CHW floats mapped from 0..255 to [-1, 1] (x / 127.5 - 1, as ADM does).</summary>
    public float[] ToChwSigned()
    {
        var o = new float[Data.Length];
        int plane = Width * Height;
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < Channels; c++)
                o[c * plane + p] = Data[p * Channels + c] / 127.5f - 1f;
        return o;
    }
}
