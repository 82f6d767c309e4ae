using System;

namespace DiTPlugin.Sampling
{
    /// <summary>How the ancestral sampler gets its variance.</summary>
    public enum DdpmVariance
    {
        /// <summary>log σ² = frac·log β + (1 − frac)·log β̃(clipped), frac = (v + 1)/2 (Improved DDPM).</summary>
        LearnedRange,
        /// <summary>σ² = β (with β̃₁ at t = 0), ADM's default for models without a learned variance.</summary>
        FixedLarge,
        /// <summary>σ² = β̃ (posterior variance, clipped at t = 0).</summary>
        FixedSmall,
    }

    /// <summary>
    /// Ancestral DDPM: x₀ predicted from ε (clipped to [−1, 1] when <see cref="ClipDenoised"/>), posterior mean c1·x₀ + c2·x_t, plus σ·z except at
    /// the last step (index 0), which returns the mean.
    /// </summary>
    public sealed class DdpmSampler : ISampler
    {
        public SamplerKind Kind => SamplerKind.Ddpm;
        public SpacedSchedule Schedule { get; }
        public DdpmVariance Variance { get; }
        public bool ClipDenoised { get; }

        public DdpmSampler(SpacedSchedule schedule, DdpmVariance variance = DdpmVariance.LearnedRange, bool clipDenoised = true)
        {
            Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
            Variance = variance;
            ClipDenoised = clipDenoised;
        }

        public bool NeedsNoise(int index) => index > 0;

        public void Step(ReadOnlySpan<float> x, ReadOnlySpan<float> eps, ReadOnlySpan<float> v, int index,
            ReadOnlySpan<float> noise, Span<float> xPrev)
        {
            var s = Schedule;
            Samplers.CheckSpans(s, x, eps, index, xPrev);
            bool last = index == 0;
            if (!last && noise.Length != x.Length) throw new ArgumentException("noise must have the length of x.", nameof(noise));
            bool learned = Variance == DdpmVariance.LearnedRange, clip = ClipDenoised;
            if (!last && learned && v.Length != x.Length) throw new ArgumentException("v must have the length of x for the learned-range variance.", nameof(v));

            double ra = s.SqrtRecipAlphasCumprod[index], rm1 = s.SqrtRecipm1AlphasCumprod[index];
            double c1 = s.PosteriorMeanCoef1[index], c2 = s.PosteriorMeanCoef2[index];
            double maxLog = s.LogBetas[index], minLog = s.PosteriorLogVarianceClipped[index];
            double fixedStd = Variance switch
            {
                DdpmVariance.FixedLarge => Math.Sqrt(index == 0 && s.Steps > 1 ? s.PosteriorVariance[1] : s.Betas[index]),
                DdpmVariance.FixedSmall => Math.Exp(0.5 * minLog),
                _ => 0,
            };
            for (int k = 0; k < x.Length; k++)
            {
                double xt = x[k];
                double x0 = Samplers.Clip(ra * xt - rm1 * eps[k], clip);
                double mean = c1 * x0 + c2 * xt;
                if (last) { xPrev[k] = (float)mean; continue; }
                double std = fixedStd;
                if (learned)
                {
                    double frac = (v[k] + 1.0) / 2.0;
                    std = Math.Exp(0.5 * (frac * maxLog + (1.0 - frac) * minLog));
                }
                xPrev[k] = (float)(mean + std * noise[k]);
            }
        }

        public void Reset() { }
    }
}
