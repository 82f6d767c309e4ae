using System;
using System.Collections.Generic;
using System.Linq;

namespace DiT.Training.Vae;

/// <summary>
/// Shape of an AutoencoderKL (the Stable Diffusion VAE). The defaults are SD's: RGB in and out, 4 latent channels,
/// four encoder blocks of 128/256/512/512 channels with 2 resnets each (3 per decoder block), GroupNorm(32, 1e-6),
/// and latents multiplied by 0.18215 before the diffusion model sees them. Every block but the last halves (encoder)
/// or doubles (decoder) the resolution, so the downsampling factor is 2^(blocks-1): 8 for SD.
/// </summary>
public sealed record VaeConfig
{
    public int InChannels { get; init; } = 3;
    public int OutChannels { get; init; } = 3;
    public int LatentChannels { get; init; } = 4;
    public IReadOnlyList<int> BlockOutChannels { get; init; } = new[] { 128, 256, 512, 512 };
    public int LayersPerBlock { get; init; } = 2;
    public int NormGroups { get; init; } = 32;
    public double NormEps { get; init; } = 1e-6;
    public double ScalingFactor { get; init; } = 0.18215;

    /// <summary>The Stable Diffusion VAE (sd-vae-ft-mse / sd-vae-ft-ema and the SD 1.x checkpoints' VAE).</summary>
    public static VaeConfig StableDiffusion { get; } = new();

    /// <summary>Image side / latent side.</summary>
    public int DownsampleFactor => 1 << (BlockOutChannels.Count - 1);

    public VaeConfig Validate()
    {
        if (InChannels < 1) throw new ArgumentException($"VAE InChannels must be >= 1, got {InChannels}.");
        if (OutChannels < 1) throw new ArgumentException($"VAE OutChannels must be >= 1, got {OutChannels}.");
        if (LatentChannels < 1) throw new ArgumentException($"VAE LatentChannels must be >= 1, got {LatentChannels}.");
        if (BlockOutChannels is null || BlockOutChannels.Count < 1)
            throw new ArgumentException("VAE BlockOutChannels must list at least one block's channel count.");
        if (LayersPerBlock < 1) throw new ArgumentException($"VAE LayersPerBlock must be >= 1, got {LayersPerBlock}.");
        if (NormGroups < 1) throw new ArgumentException($"VAE NormGroups must be >= 1, got {NormGroups}.");
        var bad = BlockOutChannels.Where(c => c < 1 || c % NormGroups != 0).ToList();
        if (bad.Count > 0)
            throw new ArgumentException(
                $"VAE BlockOutChannels [{string.Join(", ", BlockOutChannels)}] must be positive multiples of NormGroups ({NormGroups}); " +
                $"{string.Join(", ", bad)} {(bad.Count == 1 ? "is" : "are")} not.");
        if (!(NormEps > 0) || double.IsInfinity(NormEps)) throw new ArgumentException($"VAE NormEps must be a positive number, got {NormEps}.");
        if (!(ScalingFactor > 0) || double.IsInfinity(ScalingFactor))
            throw new ArgumentException($"VAE ScalingFactor must be a positive number, got {ScalingFactor}.");
        return this;
    }

    public override string ToString() =>
        $"VaeConfig {{ in {InChannels}, out {OutChannels}, latent {LatentChannels}, blocks [{string.Join(", ", BlockOutChannels)}], " +
        $"layers/block {LayersPerBlock}, groups {NormGroups}, eps {NormEps:G}, scale {ScalingFactor:G} }}";

    // Records compare list members by reference; compare the channels by value.
    public bool Equals(VaeConfig? other) =>
        other is not null && InChannels == other.InChannels && OutChannels == other.OutChannels &&
        LatentChannels == other.LatentChannels && BlockOutChannels.SequenceEqual(other.BlockOutChannels) &&
        LayersPerBlock == other.LayersPerBlock && NormGroups == other.NormGroups && NormEps == other.NormEps &&
        ScalingFactor == other.ScalingFactor;

    public override int GetHashCode() =>
        HashCode.Combine(InChannels, OutChannels, LatentChannels, string.Join(",", BlockOutChannels), LayersPerBlock, NormGroups, NormEps, ScalingFactor);
}
