using System;
using System.Linq;
using System.Threading;
using DiTPlugin.Contract.Package;
using DiTPlugin.Contract.Sampling;
using DiT.Training.Model;
using static TorchSharp.torch;

namespace DiT.Training.Diffusion;

/// <summary>Draws class-conditional samples from a DiT with a respaced DDPM, DDIM or DPM-Solver++(2M) sampler and optional CFG.</summary>
public static class ClassSampler
{
    /// <summary>
    /// Returns (N, C, H, W) samples in [-1, 1] for the given labels. <paramref name="respacing"/> is "250", "ddim50",
    /// "dpm20"… ("ddimN" selects DDIM with eta 0, "dpmN" DPM-Solver++(2M) over N respaced steps, anything else
    /// ancestral DDPM). The noise comes from a generator seeded by
    /// <paramref name="seed"/>, so the same call gives the same pixels. <paramref name="clipDenoised"/> clamps the
    /// predicted x₀ (and the result) to [−1, 1]: true for pixel models; latent models want false (see
    /// <see cref="SamplingConvention"/>), and then the raw latents are returned for the decoder.
    /// <paramref name="diffusionSteps"/> is the length T of the chain the model was trained on (its
    /// <see cref="TrainOptions.DiffusionSteps"/>): the schedule and the respacing are built over T steps, so passing the
    /// wrong T samples with the wrong noise levels. <paramref name="edit"/> starts every sample from an existing image
    /// (variations, inpainting; see <see cref="ImageEdit"/>).
    /// </summary>
    public static Tensor Sample(DiTModel model, int[] labels, string respacing, double cfgScale, long seed,
        string schedule = ScheduleKinds.Linear, int diffusionSteps = 1000, int? guidedChannels = null, bool clipDenoised = true, Action<int, int>? progress = null,
        CancellationToken cancel = default, ImageEdit? edit = null)
    {
        var cfg = model.Config;
        foreach (var l in labels)
            if (l < 0 || l >= cfg.NumClasses)
                throw new ArgumentOutOfRangeException(nameof(labels), $"Class {l} is out of range: valid classes are 0..{cfg.NumClasses - 1}.");
        if (!(cfgScale >= 0) || double.IsInfinity(cfgScale)) throw new ArgumentOutOfRangeException(nameof(cfgScale), $"The guidance scale must be a finite number >= 0, got {cfgScale}.");
        if (guidedChannels is int gc && (gc < 1 || gc > cfg.InChannels))
            throw new ArgumentOutOfRangeException(nameof(guidedChannels), $"Guided channels must be in 1..{cfg.InChannels} (the model's channels), got {gc}.");
        if (diffusionSteps is < 1 or > GaussianDiffusion.MaxTimesteps)
            throw new ArgumentOutOfRangeException(nameof(diffusionSteps), $"The diffusion steps must be in 1..{GaussianDiffusion.MaxTimesteps}, got {diffusionSteps}.");
        if (edit is not null)
        {
            var want = new long[] { cfg.InChannels, cfg.InputSize, cfg.InputSize };
            if (!edit.Image.shape.AsSpan().SequenceEqual(want))
                throw new ArgumentException($"The image to start from is [{string.Join(", ", edit.Image.shape)}]; this model samples [{string.Join(", ", want)}].", nameof(edit));
            if (edit.Mask is { } m && !m.shape.AsSpan().SequenceEqual(want.AsSpan(1)))
                throw new ArgumentException($"The mask is [{string.Join(", ", m.shape)}]; this model needs [{cfg.InputSize}, {cfg.InputSize}] (1 = regenerate).", nameof(edit));
            StrengthSteps.StartIndex(edit.Strength, 1);   // refuses a strength outside [0, 1]
        }
        var spec = SamplerSpec.Parse(respacing, diffusionSteps);
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var _ = no_grad();
            bool dpm = spec.Family == SamplerFamily.DpmSolver, ddim = spec.Family == SamplerFamily.Ddim;
            using var diffusion = GaussianDiffusion.Create(spec.Respacing, schedule, diffusionSteps, cfg.LearnSigma);
            using var y = tensor(Array.ConvertAll(labels, l => (long)l));
            bool guided = GuidedDenoiser.UsesGuidance(model, cfgScale);
            var fn = GuidedDenoiser.For(model, y, cfgScale, guidedChannels);
            int n = labels.Length * (guided ? 2 : 1);
            var shape = new long[] { n, cfg.InChannels, cfg.InputSize, cfg.InputSize };
            using var g = new Generator((ulong)seed);
            using var z = randn(new long[] { labels.Length, cfg.InChannels, cfg.InputSize, cfg.InputSize }, generator: g);
            var abar = diffusion.Schedule.AlphasCumprod.ToArray();
            using var start = edit is null ? z.alias() : edit.Start(z, abar);
            using var noise = guided ? cat(new[] { start, start }, 0) : start.alias();
            var hooks = edit?.Hooks(abar, g);
            using var chain = ddim
                ? diffusion.DdimSampleLoop(fn, shape, eta: 0.0, generator: g, noise: noise, clipDenoised: clipDenoised, progress: progress, cancellationToken: cancel, hooks: hooks)
                : dpm ? diffusion.DpmSolverSampleLoop(fn, shape, generator: g, noise: noise, clipDenoised: clipDenoised, progress: progress, cancellationToken: cancel, hooks: hooks)
                : diffusion.PSampleLoop(fn, shape, generator: g, noise: noise, clipDenoised: clipDenoised, progress: progress, cancellationToken: cancel, hooks: hooks);
            using var samples = edit is null ? chain.alias() : edit.Finish(chain);
            // NaN or Inf here means broken weights (or an overflow): say so rather than write black images.
            using (var finite = isfinite(samples).all())
                if (!finite.item<bool>())
                    throw new System.IO.InvalidDataException("The samples contain NaN or Inf: the model's weights are broken (NaN/Inf or overflowing values); " +
                                                             "check the checkpoint, or sample the raw weights with --no-ema if only the EMA is broken.");
            return clipDenoised ? samples[..labels.Length].clamp(-1, 1) : samples[..labels.Length].clone();
        }
        finally { model.train(wasTraining); }
    }
}
