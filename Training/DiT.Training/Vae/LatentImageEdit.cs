using System;
using DiT.Training.Diffusion;
using static TorchSharp.torch;

namespace DiT.Training.Vae;

/// <summary>
/// Starting a latent model's chain from an image, the way the Plugin does it (docs/model-package.md, "The VAE encoder
/// graph"): the image's posterior mean times the scaling factor is x₀; the per-pixel mask becomes the largest value of
/// each f×f block; after decoding, the image is blended back in pixel space with the pixel mask.
/// </summary>
public static class LatentImageEdit
{
    /// <summary><paramref name="pixels"/> (3, H, W) in [-1, 1], <paramref name="pixelMask"/> (H, W) or null → an edit of the latent chain.</summary>
    public static ImageEdit Encode(AutoencoderKL vae, Tensor pixels, Tensor? pixelMask, float strength)
    {
        using var _ = no_grad();
        var latent = vae.EncodeLatents(pixels.unsqueeze(0), sample: false, scaled: true).squeeze(0);
        Tensor? mask = null;
        if (pixelMask is not null)
        {
            int f = vae.Config.DownsampleFactor;
            using var pooled = nn.functional.max_pool2d(pixelMask.unsqueeze(0).unsqueeze(0), kernel_size: f, stride: f);
            mask = pooled.squeeze(0).squeeze(0).contiguous();
        }
        return new ImageEdit(latent, strength, mask);
    }

    /// <summary>m·decoded + (1 − m)·pixels for (N, 3, H, W) decoded images: outside the mask the image itself, not its reconstruction.</summary>
    public static Tensor BlendBack(Tensor decoded, Tensor pixels, Tensor pixelMask) =>
        pixelMask * decoded + (1 - pixelMask) * pixels.unsqueeze(0);
}
