using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiT.Training.Formats;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Vae;

/// <summary>
/// The Stable Diffusion VAE (AutoencoderKL, Rombach et al. 2022): image in [-1, 1] → a diagonal Gaussian over
/// latents (mean, log-variance), and latents → image. Field names equal diffusers' state_dict keys
/// (encoder.*, quant_conv, post_quant_conv, decoder.*), so a diffusers <c>diffusion_pytorch_model.safetensors</c>
/// loads with <see cref="Load"/>.
/// <para>Scaling: the diffusion model works on latents multiplied by <see cref="VaeConfig.ScalingFactor"/>;
/// <see cref="EncodeLatents"/> returns those, <see cref="Decode"/> takes unscaled latents (what the exported graph
/// takes), <see cref="DecodeScaled"/> scaled ones.</para>
/// </summary>
public sealed class AutoencoderKL : Module<Tensor, Tensor>
{
    public const double LogVarMin = -30.0;
    public const double LogVarMax = 20.0;

    private readonly VaeEncoder encoder;
    private readonly VaeDecoder decoder;
    private readonly Conv2d quant_conv;
    private readonly Conv2d post_quant_conv;

    public VaeConfig Config { get; }
    public VaeEncoder Encoder => encoder;
    public VaeDecoder Decoder => decoder;

    public AutoencoderKL(VaeConfig? config = null) : base(nameof(AutoencoderKL))
    {
        Config = (config ?? VaeConfig.StableDiffusion).Validate();
        encoder = new VaeEncoder(Config);
        decoder = new VaeDecoder(Config);
        quant_conv = Conv2d(2 * Config.LatentChannels, 2 * Config.LatentChannels, kernel_size: 1, bias: true);
        post_quant_conv = Conv2d(Config.LatentChannels, Config.LatentChannels, kernel_size: 1, bias: true);
        RegisterComponents();
    }

    /// <summary>
    /// A VAE holding <paramref name="weights"/> (diffusers layout; the legacy attention names and 1x1-conv attention
    /// weights are accepted, see <see cref="VaeStateDict.Normalize"/>), in eval mode. The config is inferred from the
    /// shapes when not given. Throws <see cref="InvalidDataException"/> naming every missing, unexpected and mis-shaped key.
    /// </summary>
    public static AutoencoderKL Load(IReadOnlyDictionary<string, Tensor> weights, VaeConfig? config = null)
    {
        using var scope = NewDisposeScope();     // the views Normalize makes
        var normalized = VaeStateDict.Normalize(weights);
        var model = new AutoencoderKL(config ?? VaeStateDict.InferConfig(normalized));
        try
        {
            StateDictLoader.Load(model, normalized, "The VAE weights");
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return model;
    }

    /// <summary>
    /// Loads diffusers AutoencoderKL weights from a file: .safetensors (e.g. sd-vae-ft-mse's
    /// diffusion_pytorch_model.safetensors) or a PyTorch .bin/.pt through <see cref="StateDictFile"/>; <paramref name="key"/>
    /// picks an entry of a wrapped checkpoint. Errors name the file.
    /// </summary>
    public static AutoencoderKL FromFile(string path, string? key = null, VaeConfig? config = null)
    {
        using var file = StateDictFile.Load(path, key);
        try
        {
            return Load(file.Tensors, config);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Image (B, in, H, W) in [-1, 1], H and W multiples of the downsampling factor → posterior (mean, logvar), each (B, latent, H/f, W/f); logvar clamped to [-30, 20].</summary>
    public (Tensor Mean, Tensor LogVar) Encode(Tensor image)
    {
        int f = Config.DownsampleFactor;
        if (image.ndim != 4 || image.shape[1] != Config.InChannels || image.shape[2] % f != 0 || image.shape[3] % f != 0)
            throw new ArgumentException(
                $"The VAE encoder expects (B, {Config.InChannels}, H, W) with H and W multiples of {f}, got ({string.Join(", ", image.shape)}).");
        using var scope = NewDisposeScope();
        var moments = quant_conv.forward(encoder.forward(image));
        var parts = moments.chunk(2, dim: 1);
        var mean = parts[0].contiguous();
        var logvar = parts[1].clamp(LogVarMin, LogVarMax);
        return (mean.MoveToOuterDisposeScope(), logvar.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Latents for the diffusion model: the posterior mean, or a sample mean + exp(logvar / 2)·N(0, 1) when
    /// <paramref name="sample"/>, multiplied by the scaling factor (unless <paramref name="scaled"/> is false).
    /// </summary>
    public Tensor EncodeLatents(Tensor image, Generator? generator = null, bool sample = false, bool scaled = true)
    {
        using var scope = NewDisposeScope();
        var (mean, logvar) = Encode(image);
        var z = mean;
        if (sample)
        {
            var noise = randn(mean.shape, dtype: mean.dtype, device: mean.device, generator: generator);
            z = mean + (logvar * 0.5).exp() * noise;
        }
        if (scaled) z = z * Config.ScalingFactor;
        return z.MoveToOuterDisposeScope();
    }

    /// <summary>Latent (B, latent, h, w), already divided by the scaling factor → image (B, out, h·f, w·f), roughly in [-1, 1] (not clamped).</summary>
    public Tensor Decode(Tensor latent)
    {
        if (latent.ndim != 4 || latent.shape[1] != Config.LatentChannels)
            throw new ArgumentException($"The VAE decoder expects (B, {Config.LatentChannels}, h, w), got ({string.Join(", ", latent.shape)}).");
        using var z = post_quant_conv.forward(latent);
        return decoder.forward(z);
    }

    /// <summary>Decode of latents as the diffusion model produces them (multiplied by the scaling factor).</summary>
    public Tensor DecodeScaled(Tensor scaledLatent)
    {
        using var z = scaledLatent / Config.ScalingFactor;
        return Decode(z);
    }

    /// <summary>Reconstruction through the posterior mean (no sampling), unclamped.</summary>
    public override Tensor forward(Tensor image)
    {
        var (mean, logvar) = Encode(image);
        using (mean)
        using (logvar)
            return Decode(mean);
    }

    /// <summary>
    /// An encoder for <see cref="Data.LatentCache.Build"/>: images in [-1, 1] → UNSCALED latents (the posterior mean,
    /// or samples drawn from <paramref name="generator"/>), without autograd, on the model's device, returned on the
    /// CPU. LatentCache multiplies by <see cref="Data.LatentCacheOptions.Scale"/> itself and records it for decoders,
    /// so pass <c>Scale = Config.ScalingFactor</c> there (as <see cref="CacheOptions"/> does); the stored latents are
    /// then exactly <see cref="EncodeLatents"/>'s.
    /// </summary>
    public Func<Tensor, Tensor> AsLatentEncoder(bool sample = false, Generator? generator = null) => images =>
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var device = parameters().First().device;
        var z = EncodeLatents(images.to(device), generator, sample, scaled: false);
        return z.cpu().MoveToOuterDisposeScope();
    };

    /// <summary>Cache options that go with <see cref="AsLatentEncoder"/>: this VAE's scaling factor, and a source description.</summary>
    public Data.LatentCacheOptions CacheOptions(string source = "AutoencoderKL (SD VAE)", int batchSize = 16,
        SafetensorsDtype dtype = SafetensorsDtype.F16) => new()
    {
        Scale = Config.ScalingFactor,
        Source = source,
        BatchSize = batchSize,
        Dtype = dtype,
        Device = parameters().First().device,
    };

    /// <summary>Parameters by part: encoder, decoder, quant_conv + post_quant_conv, and their sum.</summary>
    public (long Encoder, long Decoder, long QuantConvs, long Total) ParameterCounts()
    {
        static long Count(Module m) => m.parameters().Sum(p => p.numel());
        long e = Count(encoder), d = Count(decoder), q = Count(quant_conv) + Count(post_quant_conv);
        return (e, d, q, e + d + q);
    }
}
