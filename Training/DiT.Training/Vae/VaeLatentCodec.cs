using DiT.Training.Trainer;
using static TorchSharp.torch;

namespace DiT.Training.Vae;

/// <summary>
/// The SD VAE as the trainer's latent space: like the official train.py, each batch is encoded by sampling the
/// posterior (not its mean) and multiplying by the scaling factor; the VAE itself is frozen.
/// </summary>
public sealed class VaeLatentCodec : ILatentCodec
{
    private readonly AutoencoderKL _vae;

    public VaeLatentCodec(AutoencoderKL vae, string description)
    {
        _vae = vae;
        _vae.eval();
        foreach (var p in _vae.parameters()) p.requires_grad = false;
        Description = description;
    }

    public int LatentChannels => _vae.Config.LatentChannels;
    public int Downsample => _vae.Config.DownsampleFactor;
    public string Description { get; }

    public Tensor Encode(Tensor images, Generator generator)
    {
        using var _ = no_grad();
        return _vae.EncodeLatents(images, generator, sample: true, scaled: true);
    }

    public Tensor Decode(Tensor latents)
    {
        using var _ = no_grad();
        return _vae.DecodeScaled(latents).clamp(-1, 1);
    }
}
