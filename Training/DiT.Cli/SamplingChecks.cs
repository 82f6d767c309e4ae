using System;
using System.IO;

namespace DiT.Cli;

/// <summary>Checks made before sampling, so that a mismatch fails in a second, not after minutes of sampling.</summary>
internal static class SamplingChecks
{
    /// <summary>A model whose samples are not 1- or 3-channel images needs a VAE to decode them, with the model's latent channels.</summary>
    public static void RequireDecodable(DiT.Training.Trainer.Checkpoint c, DiT.Training.Vae.AutoencoderKL? decoder)
    {
        int ch = c.Config.InChannels;
        if (decoder is null && ch != 1 && ch != 3)
            throw new ArgumentException($"'{c.Source}' is a {ch}-channel {(c.SamplingDefaults.LatentSpace ? "latent" : "")} model: its samples are latents, not images. " +
                                        "Give --vae FILE (the VAE weights it was trained with, e.g. sd-vae-ft-ema's diffusion_pytorch_model.safetensors) to decode them.");
        if (decoder is not null && decoder.Config.LatentChannels != ch)
            throw new ArgumentException($"The VAE has {decoder.Config.LatentChannels} latent channels but '{c.Source}' samples {ch}: they do not belong together.");
    }
}
