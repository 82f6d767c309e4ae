using System;
using DiTPlugin.Contract.Sampling;
using static TorchSharp.torch;

namespace DiT.Training.Diffusion;

/// <summary>
/// Starting a class-conditional chain from an existing image, as the Plugin's GenerationOptions.InitImage does:
/// SDEdit (Meng et al. 2022) with <paramref name="Strength"/> in [0, 1], and inpainting with <paramref name="Mask"/>
/// (RePaint without resampling). <paramref name="Image"/> is (C, S, S) in the model's space (pixels in [-1, 1], or
/// scaled VAE latents); <paramref name="Mask"/> is (S, S) in that space, 1 = regenerate, 0 = keep.
/// </summary>
public sealed record ImageEdit(Tensor Image, float Strength, Tensor? Mask = null)
{
    /// <summary>The first chain index stepped over a chain of <paramref name="steps"/> (−1: none), as the Plugin's.</summary>
    public int StartIndex(int steps) => StrengthSteps.StartIndex(Strength, steps);

    /// <summary>
    /// Sampling hooks over a chain with cumulative alphas <paramref name="alphasCumprod"/>: the loop starts at
    /// <see cref="StartIndex"/>; with a mask, before every step the kept region becomes the image noised to that step
    /// (a draw from <paramref name="generator"/>).
    /// </summary>
    internal SamplingHooks Hooks(double[] alphasCumprod, Generator generator)
    {
        int start = StartIndex(alphasCumprod.Length);
        if (Mask is null) return new SamplingHooks { StartIndex = start };
        var x0 = Image.unsqueeze(0);
        return new SamplingHooks
        {
            StartIndex = start,
            BeforeStep = (i, x) =>
            {
                using var z = randn(x.shape, dtype: x.dtype, generator: generator);
                using var known = Math.Sqrt(alphasCumprod[i]) * x0 + Math.Sqrt(1 - alphasCumprod[i]) * z;
                return Mask * x + (1 - Mask) * known;
            },
        };
    }

    /// <summary>
    /// The chain's starting point from the initial draw <paramref name="z"/>: the image noised to the start index
    /// (z itself for strength 1, as a generation; the image for strength 0).
    /// </summary>
    internal Tensor Start(Tensor z, double[] alphasCumprod)
    {
        int start = StartIndex(alphasCumprod.Length);
        if (start == alphasCumprod.Length - 1) return z.alias();
        var x0 = Image.unsqueeze(0).expand_as(z);
        if (start < 0) return x0.clone();
        return Math.Sqrt(alphasCumprod[start]) * x0 + Math.Sqrt(1 - alphasCumprod[start]) * z;
    }

    /// <summary>After the last step: the kept region is the image itself.</summary>
    internal Tensor Finish(Tensor samples) => Mask is null ? samples.alias() : Mask * samples + (1 - Mask) * Image.unsqueeze(0);
}
