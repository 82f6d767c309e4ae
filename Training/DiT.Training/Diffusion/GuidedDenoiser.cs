using DiT.Training.Model;
using static TorchSharp.torch;

namespace DiT.Training.Diffusion;

/// <summary>
/// A class-conditional DiT as the diffusion sampler sees it (<see cref="DenoiseFn"/>) for a fixed batch of labels,
/// guided or not. Which labels and how much guidance are the sampler's choices, so they are bound here; the model
/// supplies only its forward and DiT's forward_with_cfg.
/// </summary>
public static class GuidedDenoiser
{
    /// <summary>True when sampling <paramref name="model"/> at this scale needs the doubled (cond, uncond) batch: a
    /// scale other than 1, and label dropout in training, which gave the model the null class to guide against.</summary>
    public static bool UsesGuidance(DiTModel model, double cfgScale) => cfgScale != 1.0 && model.Config.ClassDropoutProb > 0;

    /// <summary>
    /// Without guidance (see <see cref="UsesGuidance"/>) the plain conditional model; otherwise the sampler's batch
    /// is 2B: the first B rows are the samples, the last B a copy that guidance overwrites (labels [y, null], see
    /// <see cref="DiTModel.ForwardWithCfg"/>).
    /// </summary>
    public static DenoiseFn For(DiTModel model, Tensor labels, double cfgScale = 1.0, int? guidedChannels = null)
    {
        if (!UsesGuidance(model, cfgScale)) return (x, t) => model.forward(x, t, labels);
        using var nulls = full_like(labels, model.Labels.NullClass);
        var both = cat(new[] { labels, nulls }, dim: 0);
        return (x, t) => model.ForwardWithCfg(x, t, both, cfgScale, guidedChannels);
    }
}
