using DiTPlugin.Contract.Package;

namespace DiT.Training.Trainer;

/// <summary>
/// How a model is sampled unless the user says otherwise; a checkpoint records it, `dit sample`/`eval` follow it and
/// `dit export` writes it into model.json (guidance.guidedChannels, sampling.clipDenoised).
/// </summary>
/// <param name="LatentSpace">The model denoises VAE latents rather than pixels.</param>
/// <param name="GuidedChannels">Eps channels guidance acts on; null = all.</param>
/// <param name="ClipDenoised">Clamp the predicted x₀ to [−1, 1] at each step; null = the space's default.</param>
public sealed record SamplingConvention(bool LatentSpace, int? GuidedChannels = null, bool? ClipDenoised = null)
{
    /// <summary>
    /// ADM clips x₀ in pixel space, where data lie in [−1, 1]. Scaled VAE latents routinely exceed ±1, so clamping
    /// them would bias every sample: the official DiT sample.py samples latents with clip_denoised=False.
    /// </summary>
    public static bool DefaultClip(bool latentSpace) => PackageFormat.DefaultClipDenoised(latentSpace ? InputSpace.Latent : InputSpace.Pixel);

    public bool ResolveClipDenoised() => ClipDenoised ?? DefaultClip(LatentSpace);

    /// <summary>
    /// The official DiT release's convention for its 4-channel latent models: forward_with_cfg guides the first 3
    /// eps channels ("for exact reproducibility"), sample.py does not clip. Other channel counts keep all channels.
    /// </summary>
    public static SamplingConvention Official(int inChannels) =>
        new(LatentSpace: inChannels == 4, GuidedChannels: inChannels == 4 ? 3 : null, ClipDenoised: inChannels == 4 ? false : null);
}
