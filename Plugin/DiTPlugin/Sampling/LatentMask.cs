using System;

namespace DiTPlugin.Sampling
{
    /// <summary>
    /// Inpainting in a latent model (docs/model-package.md, "Starting from a texture"): each latent pixel stands for a
    /// f×f block of image pixels, and the VAE decoder spreads every latent over its neighbours' blocks too. The mask
    /// per latent pixel is therefore the largest mask value of its block: a latent is kept only where its whole block
    /// is kept, so everything the user painted is regenerated. After decoding, the image is blended back with the
    /// texture in pixel space, out = m·decoded + (1 − m)·texture with the user's own per-pixel mask m, so the pixels
    /// outside the mask are the texture itself and not its VAE reconstruction.
    /// </summary>
    internal static class LatentMask
    {
        /// <summary>A per-pixel mask of a <paramref name="width"/>-wide image → one value per latent pixel (block maximum).</summary>
        public static float[] FromPixels(float[] mask, int width, int height, int factor)
        {
            if (width % factor != 0 || height % factor != 0)
                throw new ArgumentException($"A {width}x{height} image does not divide into {factor}x{factor} blocks.");
            int lw = width / factor, lh = height / factor;
            var latent = new float[lw * lh];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    int k = y / factor * lw + x / factor;
                    latent[k] = Math.Max(latent[k], mask[y * width + x]);
                }
            return latent;
        }

        /// <summary>
        /// The pixel-space blend of one image: <paramref name="decoded"/> [C, H·W] becomes m·decoded + (1 − m)·texture,
        /// bit for bit the texture where m is 0.
        /// </summary>
        public static void BlendBack(Span<float> decoded, ReadOnlySpan<float> texture, float[] mask)
        {
            int plane = mask.Length, channels = decoded.Length / plane;
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < plane; p++)
                {
                    int k = c * plane + p;
                    float m = mask[p];
                    if (m == 0f) decoded[k] = texture[k];
                    else if (m != 1f) decoded[k] = (float)(m * decoded[k] + (1.0 - m) * texture[k]);
                }
        }
    }
}
