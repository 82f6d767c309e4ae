using static TorchSharp.torch;

namespace DiT.Training.Trainer;

/// <summary>
/// Moves training between pixels and a latent space, as the paper trains DiT on SD-VAE latents: the trainer
/// augments image batches (flips act on pixels, as in the official train.py) and then encodes them; preview grids
/// are decoded back to pixels. Implemented by the VAE (Vae/VaeLatentCodec), kept as an interface so the trainer does
/// not depend on one autoencoder.
/// </summary>
public interface ILatentCodec
{
    int LatentChannels { get; }
    /// <summary>Pixels per latent pixel along each side (8 for the SD VAE).</summary>
    int Downsample { get; }
    /// <summary>Images (B, C, H, W) in [-1, 1] → scaled latents (B, LatentChannels, H/f, W/f), drawn with <paramref name="generator"/>.</summary>
    Tensor Encode(Tensor images, Generator generator);
    /// <summary>Scaled latents → images in [-1, 1].</summary>
    Tensor Decode(Tensor latents);
    /// <summary>For logs and checkpoints, e.g. the weights file.</summary>
    string Description { get; }
}
