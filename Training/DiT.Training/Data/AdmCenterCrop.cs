using System;

namespace DiT.Training.Data;

/// <summary>
/// ADM's center_crop_arr (used by DiT's training script): while the shorter side is at least 2*size, halve the image
/// with a box filter; then bicubic-resize so the shorter side equals size (Python round() on each side); then take the
/// central size x size crop. With <c>quantize</c> (default) each resize rounds to 8 bits as PIL does, so the result
/// matches the reference pipeline's uint8 image.
/// </summary>
public static class AdmCenterCrop
{
    public static PixelImage Apply(PixelImage image, int size, bool quantize = true)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size));
        var img = image;
        while (Math.Min(img.Width, img.Height) >= 2 * size)
            img = Resample.Resize(img, img.Width / 2, img.Height / 2, ResampleFilter.Box, quantize);

        double scale = (double)size / Math.Min(img.Width, img.Height);
        // Python 3's round() is round-half-to-even.
        int w = (int)Math.Round(img.Width * scale, MidpointRounding.ToEven);
        int h = (int)Math.Round(img.Height * scale, MidpointRounding.ToEven);
        if (w != img.Width || h != img.Height) img = Resample.Resize(img, w, h, ResampleFilter.Bicubic, quantize);

        int cropY = (img.Height - size) / 2;
        int cropX = (img.Width - size) / 2;
        return img.Crop(cropX, cropY, size, size);
    }
}
