using System;

namespace DiTPlugin.Sampling
{
    /// <summary>
    /// DDIM (Song et al. 2021) as ADM implements it: x₀ predicted (and clipped when <see cref="ClipDenoised"/>), ε
    /// re-derived from that x₀, then
    /// x_{t−1} = √ᾱ_{t−1}·x₀ + √(1 − ᾱ_{t−1} − σ²)·ε + σ·z with σ = η·√((1 − ᾱ_{t−1})/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_{t−1}).
    /// η = 0 (default) is deterministic; no noise at the last step.
    /// </summary>
    public sealed class DdimSampler : ISampler
    {
        public SamplerKind Kind => SamplerKind.Ddim;
        public SpacedSchedule Schedule { get; }
        public double Eta { get; }
        public bool ClipDenoised { get; }

        public DdimSampler(SpacedSchedule schedule, double eta = 0.0, bool clipDenoised = true)
        {
            ClipDenoised = clipDenoised;
            Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
            if (!(eta >= 0)) throw new ArgumentOutOfRangeException(nameof(eta), eta, "eta must be >= 0.");
            Eta = eta;
        }

        public bool NeedsNoise(int index) => Eta > 0 && index > 0;

        public void Step(ReadOnlySpan<float> x, ReadOnlySpan<float> eps, ReadOnlySpan<float> v, int index,
            ReadOnlySpan<float> noise, Span<float> xPrev)
        {
            var s = Schedule;
            Samplers.CheckSpans(s, x, eps, index, xPrev);
            bool noisy = NeedsNoise(index), clip = ClipDenoised;
            if (noisy && noise.Length != x.Length) throw new ArgumentException("noise must have the length of x.", nameof(noise));
            double ra = s.SqrtRecipAlphasCumprod[index], rm1 = s.SqrtRecipm1AlphasCumprod[index];
            double abar = s.AlphasCumprod[index], abarPrev = s.AlphasCumprodPrev[index];
            double sigma = Eta * Math.Sqrt((1.0 - abarPrev) / (1.0 - abar)) * Math.Sqrt(1.0 - abar / abarPrev);
            double cx0 = Math.Sqrt(abarPrev), ceps = Math.Sqrt(Math.Max(0.0, 1.0 - abarPrev - sigma * sigma));
            for (int k = 0; k < x.Length; k++)
            {
                double xt = x[k];
                double x0 = Samplers.Clip(ra * xt - rm1 * eps[k], clip);
                double e = (ra * xt - x0) / rm1;
                double r = cx0 * x0 + ceps * e;
                if (noisy) r += sigma * noise[k];
                xPrev[k] = (float)r;
            }
        }

        public void Reset() { }
    }
}
