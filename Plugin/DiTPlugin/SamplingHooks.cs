using System;

namespace DiTPlugin
{
    /// <summary>
    /// Fills the standard normal noise that an ancestral step adds to image <paramref name="image"/> (its position in
    /// the request, 0-based) at chain index <paramref name="chainIndex"/> (Steps−1 … 1; the last step adds none).
    /// <paramref name="noise"/> has the image's C·S·S values, channel-major, in the model's input space.
    /// </summary>
    public delegate void StepNoiseSource(int image, int chainIndex, Span<float> noise);

    /// <summary>
    /// Sees the raw sample of image <paramref name="image"/> after the step at chain index <paramref name="chainIndex"/>:
    /// x_{i−1} in the model's input space (latents for latent models), C·S·S values, channel-major. After the step
    /// at index 0 it is the final sample. Valid only during the call.
    /// </summary>
    public delegate void StepObserver(int image, int chainIndex, ReadOnlySpan<float> sample);

    /// <summary>What a generation returns for each image.</summary>
    [Flags]
    public enum GenerationOutputs
    {
        /// <summary>The decoded RGBA8 image (<see cref="GeneratedImage.Rgba8"/>).</summary>
        Image = 1,
        /// <summary>
        /// The raw final sample (<see cref="GeneratedImage.Sample"/>): latents before the VAE decoder for latent models,
        /// unclamped model-space values for pixel models. Alone, it skips decoding.
        /// </summary>
        Sample = 2,
        ImageAndSample = Image | Sample,
    }
}
