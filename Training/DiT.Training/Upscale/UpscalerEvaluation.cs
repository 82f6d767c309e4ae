using System;
using System.Diagnostics;
using System.Linq;
using DiT.Training.Data;
using static TorchSharp.torch;

namespace DiT.Training.Upscale;

/// <summary>
/// The upscaler against the simple ways of enlarging, on held-out images: each image is the reference, its box-filtered
/// 1/factor version the input; PSNR (per image, capped at 8-bit rounding noise) and SSIM (8-bit) of the upscaler, bicubic (PIL's, a = −0.5) and nearest; the mean
/// |Δ| between neighbouring pixels across the wrap edge against inside (seam-awareness: a tiling input should come out
/// tiling), and the upscaler's time per image.
/// </summary>
public static class UpscalerEvaluation
{
    public sealed record Scores(int Images, double Psnr, double Ssim, double BicubicPsnr, double BicubicSsim, double NearestPsnr, double NearestSsim,
        double WrapEdge, double Inside, double ReferenceWrapEdge, double ReferenceInside, double MsPerImage);

    public static Scores Evaluate(UpscalerModel model, IImageDataset data, int maxImages = 256)
    {
        int n = Math.Min(maxImages, data.Count), f = model.Config.Factor, c = data.Channels, h = data.Height, w = data.Width;
        double psnr = 0, ssim = 0, bp = 0, bs = 0, np = 0, ns = 0, wrap = 0, inside = 0, refWrap = 0, refInside = 0, seconds = 0;
        model.eval();
        // Evenly spread over the set (it is ordered by class), so every class counts.
        foreach (int index in Enumerable.Range(0, n).Select(k => (int)((long)k * data.Count / n)))
        {
            using var scope = NewDisposeScope();
            var example = data.Get(index);
            var hr = tensor(example.Chw, new long[] { 1, c, h, w });
            var lr = UpscalerTrainer.Downscale(hr, f);
            var watch = Stopwatch.StartNew();
            Tensor up;
            using (no_grad()) up = model.forward(lr).clamp(-1, 1);
            seconds += watch.Elapsed.TotalSeconds;
            var reference = ToBytes(hr);
            var output = ToBytes(up);
            var small = ToBytes(lr);
            var bicubic = Enlarge(small, c, w / f, h / f, f, ResampleFilter.Bicubic);
            var nearest = Nearest(small, c, w / f, h / f, f);
            psnr += ImageQuality.PsnrForMean(output, reference);
            ssim += ImageQuality.Ssim(output, reference, c, w, h);
            bp += ImageQuality.PsnrForMean(bicubic, reference);
            bs += ImageQuality.Ssim(bicubic, reference, c, w, h);
            np += ImageQuality.PsnrForMean(nearest, reference);
            ns += ImageQuality.Ssim(nearest, reference, c, w, h);
            var (we, ie) = WrapSteps(output, c, w, h, f);
            var (rw, ri) = WrapSteps(reference, c, w, h, f);
            wrap += we; inside += ie; refWrap += rw; refInside += ri;
        }
        return new Scores(n, psnr / n, ssim / n, bp / n, bs / n, np / n, ns / n, wrap / n, inside / n, refWrap / n, refInside / n, 1000 * seconds / n);
    }

    /// <summary>[1, C, H, W] in [-1, 1] → CHW bytes, rounded as the Plugin's ImageConverter does.</summary>
    public static byte[] ToBytes(Tensor image)
    {
        var v = image.contiguous().data<float>().ToArray();
        var b = new byte[v.Length];
        for (int i = 0; i < v.Length; i++) b[i] = (byte)Math.Clamp(Math.Round((Math.Clamp(v[i], -1f, 1f) + 1) * 127.5, MidpointRounding.AwayFromZero), 0, 255);
        return b;
    }

    private static byte[] Enlarge(byte[] chw, int c, int w, int h, int f, ResampleFilter filter)
    {
        var img = new PixelImage(w, h, c);
        for (int ch = 0; ch < c; ch++)
            for (int p = 0; p < w * h; p++) img.Data[p * c + ch] = chw[ch * w * h + p];
        var big = Resample.Resize(img, w * f, h * f, filter, quantize: true);
        var o = new byte[c * w * f * h * f];
        for (int ch = 0; ch < c; ch++)
            for (int p = 0; p < w * f * h * f; p++) o[ch * w * f * h * f + p] = (byte)Math.Clamp(Math.Round(big.Data[p * c + ch]), 0, 255);
        return o;
    }

    private static byte[] Nearest(byte[] chw, int c, int w, int h, int f)
    {
        int W = w * f, H = h * f;
        var o = new byte[c * W * H];
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) o[(ch * H + y) * W + x] = chw[(ch * h + y / f) * w + x / f];
        return o;
    }

    /// <summary>
    /// Mean |Δ| between the last and first column and row (across the wrap edge), and between neighbours inside at the
    /// same phase of the input's pixel grid (pairs that straddle a boundary between input pixels, x ≡ −1 mod
    /// <paramref name="phase"/>): the wrap edge always straddles one, and pairs inside one input pixel differ less, so
    /// comparing with all pairs would call any enlargement seamy.
    /// </summary>
    public static (double Wrap, double Inside) WrapSteps(byte[] chw, int c, int w, int h, int phase = 1)
    {
        double wrap = 0, inside = 0;
        long nw = 0, ni = 0;
        for (int ch = 0; ch < c; ch++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int k = (ch * h + y) * w + x;
                    int right = (ch * h + y) * w + (x + 1) % w, down = (ch * h + (y + 1) % h) * w + x;
                    double dr = Math.Abs(chw[k] - chw[right]), dd = Math.Abs(chw[k] - chw[down]);
                    if (x == w - 1) { wrap += dr; nw++; } else if (x % phase == phase - 1) { inside += dr; ni++; }
                    if (y == h - 1) { wrap += dd; nw++; } else if (y % phase == phase - 1) { inside += dd; ni++; }
                }
        return (wrap / nw, inside / ni);
    }
}
