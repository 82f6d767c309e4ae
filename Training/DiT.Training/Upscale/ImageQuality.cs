using System;

namespace DiT.Training.Upscale;

/// <summary>
/// Full-reference image quality on 8-bit images (HWC or CHW planes of the same layout, values 0..255): PSNR, and SSIM
/// (Wang et al. 2004) with its usual constants: an 11x11 Gaussian window of σ 1.5 over the valid positions, K1 0.01,
/// K2 0.03, L 255, computed per channel and averaged.
/// </summary>
public static class ImageQuality
{
    /// <summary>
    /// The PSNR of 8-bit rounding noise (MSE 1/12: uniform error of ±½), 10·log10(255²·12) ≈ 58.92 dB: what
    /// <see cref="PsnrForMean"/> gives an exact reproduction, which no 8-bit measurement can tell from one within rounding.
    /// </summary>
    public static readonly double QuantisationLimitDb = 10 * Math.Log10(255.0 * 255.0 * 12);

    /// <summary>
    /// <see cref="Psnr"/> capped at <see cref="QuantisationLimitDb"/>, for averaging over a set: flat crops (a sky, a
    /// solid panel) are reproduced exactly by every method, and one +∞ would make the whole mean infinite.
    /// </summary>
    public static double PsnrForMean(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => Math.Min(Psnr(a, b), QuantisationLimitDb);

    /// <summary>10·log10(255² / MSE); +∞ for identical images.</summary>
    public static double Psnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length || a.Length == 0) throw new ArgumentException("The images must have the same, non-zero size.");
        double se = 0;
        for (int i = 0; i < a.Length; i++) { double d = a[i] - b[i]; se += d * d; }
        double mse = se / a.Length;
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>Mean SSIM of CHW planes (<paramref name="channels"/> of <paramref name="height"/> x <paramref name="width"/>).</summary>
    public static double Ssim(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int channels, int width, int height)
    {
        const int r = 5;
        if (a.Length != b.Length || a.Length != channels * width * height) throw new ArgumentException("The images must be channels x height x width.");
        if (width < 2 * r + 1 || height < 2 * r + 1) throw new ArgumentException($"SSIM's 11x11 window needs images of at least 11x11, got {width}x{height}.");
        var w = new double[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) sum += w[i + r] = Math.Exp(-i * i / (2 * 1.5 * 1.5));
        for (int i = 0; i < w.Length; i++) w[i] /= sum;
        const double c1 = (0.01 * 255) * (0.01 * 255), c2 = (0.03 * 255) * (0.03 * 255);
        double total = 0;
        long count = 0;
        int plane = width * height;
        for (int c = 0; c < channels; c++)
            for (int y = r; y < height - r; y++)
                for (int x = r; x < width - r; x++)
                {
                    double ma = 0, mb = 0, aa = 0, bb = 0, ab = 0;
                    for (int dy = -r; dy <= r; dy++)
                        for (int dx = -r; dx <= r; dx++)
                        {
                            double wt = w[dy + r] * w[dx + r];
                            int k = c * plane + (y + dy) * width + x + dx;
                            double va = a[k], vb = b[k];
                            ma += wt * va; mb += wt * vb; aa += wt * va * va; bb += wt * vb * vb; ab += wt * va * vb;
                        }
                    double va2 = aa - ma * ma, vb2 = bb - mb * mb, cov = ab - ma * mb;
                    total += (2 * ma * mb + c1) * (2 * cov + c2) / ((ma * ma + mb * mb + c1) * (va2 + vb2 + c2));
                    count++;
                }
        return total / count;
    }
}
