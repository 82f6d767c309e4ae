using System;
using System.IO;

namespace DiTPlugin.Cli;

/// <summary>One line for an error that is the user's to fix.</summary>
internal static class CliErrors
{
    private const int ENOSPC = 28;

    public static string Describe(Exception e)
    {
        // .NET appends " (Parameter 'x')" to argument errors; x is an internal name that means nothing to the user.
        string message = e is ArgumentException a && a.ParamName is { } p ? a.Message.Replace($" (Parameter '{p}')", "") : e.Message;
        if (e is IOException && (e.HResult & 0xFFFF) == ENOSPC) message = "the disk is full: " + message;
        return message;
    }
}

/// <summary>Checks made before sampling, so that a mismatch fails in a second, not after minutes of sampling.</summary>
internal static class SamplingChecks
{
    /// <summary>A model whose samples are not 1- or 3-channel images needs a VAE to decode them, with the model's latent channels.</summary>
    public static void RequireDecodable(DiTPlugin.Training.Trainer.Checkpoint c, DiTPlugin.Training.Vae.AutoencoderKL? decoder)
    {
        int ch = c.Config.InChannels;
        if (decoder is null && ch != 1 && ch != 3)
            throw new ArgumentException($"'{c.Source}' is a {ch}-channel {(c.SamplingDefaults.LatentSpace ? "latent" : "")} model: its samples are latents, not images. " +
                                        "Give --vae FILE (the VAE weights it was trained with, e.g. sd-vae-ft-ema's diffusion_pytorch_model.safetensors) to decode them.");
        if (decoder is not null && decoder.Config.LatentChannels != ch)
            throw new ArgumentException($"The VAE has {decoder.Config.LatentChannels} latent channels but '{c.Source}' samples {ch}: they do not belong together.");
    }
}

/// <summary>Output paths checked before the work that fills them, so a typo costs a second, not a sampling run.</summary>
internal static class OutputPaths
{
    /// <summary>Throws when something on the way to <paramref name="path"/> is a file (nothing could be written under it).</summary>
    public static string Check(string path, string option)
    {
        string full = Path.GetFullPath(path);
        for (string? d = Path.GetDirectoryName(full); d != null; d = Path.GetDirectoryName(d))
        {
            if (File.Exists(d)) throw new IOException($"{option} '{path}': '{d}' is a file, so nothing can be written under it.");
            if (Directory.Exists(d)) break;
        }
        return path;
    }
}
