using System;

namespace DiT.Training.Data;

public enum ResampleFilter { Box, Bicubic }

/// <summary>
/// Separable image resampling in the style of PIL's Image.resize, because ADM's preprocessing (and so the reference
/// FID statistics) is defined by PIL: each output pixel centre (i + 0.5) * scale gathers input pixels whose centres
/// fall within the filter support; when shrinking, the kernel is stretched by the scale (antialiasing); weights are
/// normalised so that they sum to 1 even where the window is clipped at the border. Horizontal pass first, then vertical.
/// </summary>
public static class Resample
{
    /// <summary>Keys' cubic convolution kernel with a = -0.5 (PIL's BICUBIC); reproduces linear (and quadratic) signals.</summary>
    public static double Cubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
        return 0;
    }

    private static double Box(double x) => x >= -0.5 && x < 0.5 ? 1 : 0;

    /// <param name="quantize">Round and clamp to 0..255 after each pass, as PIL does when it stores 8-bit images.</param>
    public static PixelImage Resize(PixelImage src, int newWidth, int newHeight, ResampleFilter filter, bool quantize = false)
    {
        if (newWidth <= 0 || newHeight <= 0) throw new ArgumentOutOfRangeException(nameof(newWidth), "target size must be positive");
        var img = src;
        if (newWidth != img.Width) img = ResizeHorizontal(img, newWidth, filter, quantize);
        if (newHeight != img.Height) img = ResizeVertical(img, newHeight, filter, quantize);
        return ReferenceEquals(img, src) ? new PixelImage(src.Width, src.Height, src.Channels, (float[])src.Data.Clone()) : img;
    }

    /// <summary>Per output index: first input index and normalised weights.</summary>
    private static (int[] start, double[][] weights) Coefficients(int inSize, int outSize, ResampleFilter filter)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = (filter == ResampleFilter.Box ? 0.5 : 2.0) * filterScale;
        var start = new int[outSize];
        var weights = new double[outSize][];
        for (int i = 0; i < outSize; i++)
        {
            double center = (i + 0.5) * scale;
            int lo = Math.Max((int)Math.Floor(center - support + 0.5), 0);
            int hi = Math.Min((int)Math.Floor(center + support + 0.5), inSize);
            var w = new double[Math.Max(hi - lo, 0)];
            double sum = 0;
            for (int j = 0; j < w.Length; j++)
            {
                double t = (lo + j + 0.5 - center) / filterScale;
                w[j] = filter == ResampleFilter.Box ? Box(t) : Cubic(t);
                sum += w[j];
            }
            if (sum != 0) for (int j = 0; j < w.Length; j++) w[j] /= sum;
            start[i] = lo;
            weights[i] = w;
        }
        return (start, weights);
    }

    private static float Store(double v, bool quantize) =>
        quantize ? (float)Math.Clamp(Math.Round(v, MidpointRounding.AwayFromZero), 0, 255) : (float)v;

    private static PixelImage ResizeHorizontal(PixelImage src, int outW, ResampleFilter filter, bool quantize)
    {
        var (start, weights) = Coefficients(src.Width, outW, filter);
        int c = src.Channels;
        var dst = new PixelImage(outW, src.Height, c);
        for (int y = 0; y < src.Height; y++)
        {
            int rowIn = y * src.Width * c, rowOut = y * outW * c;
            for (int x = 0; x < outW; x++)
            {
                var w = weights[x];
                for (int ch = 0; ch < c; ch++)
                {
                    double acc = 0;
                    int p = rowIn + start[x] * c + ch;
                    for (int j = 0; j < w.Length; j++, p += c) acc += w[j] * src.Data[p];
                    dst.Data[rowOut + x * c + ch] = Store(acc, quantize);
                }
            }
        }
        return dst;
    }

    private static PixelImage ResizeVertical(PixelImage src, int outH, ResampleFilter filter, bool quantize)
    {
        var (start, weights) = Coefficients(src.Height, outH, filter);
        int stride = src.Width * src.Channels;
        var dst = new PixelImage(src.Width, outH, src.Channels);
        var acc = new double[stride];
        for (int y = 0; y < outH; y++)
        {
            Array.Clear(acc);
            var w = weights[y];
            for (int j = 0; j < w.Length; j++)
            {
                int rowIn = (start[y] + j) * stride;
                double wj = w[j];
                for (int k = 0; k < stride; k++) acc[k] += wj * src.Data[rowIn + k];
            }
            int rowOut = y * stride;
            for (int k = 0; k < stride; k++) dst.Data[rowOut + k] = Store(acc[k], quantize);
        }
        return dst;
    }
}
