using System;

namespace DiTPlugin.Sampling
{
    /// <summary>
    /// DPM-Solver++(2M) (Lu et al. 2022, Algorithm 2): multistep second order in data prediction over the respaced
    /// chain's ᾱ, with α = √ᾱ, σ = √(1 − ᾱ), λ = log(α/σ), h = λ_t − λ_s:
    /// first order x_t = (σ_t/σ_s)·x_s − α_t(e^{−h} − 1)·D with D = x₀(s); second order with
    /// D = (1 + 1/(2r))·x₀(s) − 1/(2r)·x₀(s'), r = h_prev/h. The first step and the final step (to ᾱ = 1, where it
    /// returns the predicted x₀) are first order. x₀ is clipped to [−1, 1] only when <see cref="ClipDenoised"/> (ADM's
    /// clip_denoised, the pixel-space convention; latent models are solved unclipped).
    /// </summary>
    public sealed class DpmSolverPlusPlus2MSampler : ISampler
    {
        public SamplerKind Kind => SamplerKind.DpmSolverPlusPlus2M;
        public SpacedSchedule Schedule { get; }

        private double[]? _prevX0;
        private double _prevLambda;
        private int _prevIndex = -1;

        public bool ClipDenoised { get; }

        public DpmSolverPlusPlus2MSampler(SpacedSchedule schedule, bool clipDenoised = true)
        {
            ClipDenoised = clipDenoised;
            Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        }

        public bool NeedsNoise(int index) => false;

        private static double Lambda(double abar) => 0.5 * (Math.Log(abar) - Math.Log(1.0 - abar));

        public void Step(ReadOnlySpan<float> x, ReadOnlySpan<float> eps, ReadOnlySpan<float> v, int index,
            ReadOnlySpan<float> noise, Span<float> xPrev)
        {
            var s = Schedule;
            Samplers.CheckSpans(s, x, eps, index, xPrev);
            double ra = s.SqrtRecipAlphasCumprod[index], rm1 = s.SqrtRecipm1AlphasCumprod[index];
            double abarS = s.AlphasCumprod[index], abarT = s.AlphasCumprodPrev[index];
            double lambdaS = Lambda(abarS);
            bool clip = ClipDenoised;
            bool havePrev = _prevX0 != null && _prevX0.Length == x.Length && _prevIndex == index + 1;
            if (_prevX0 == null || _prevX0.Length != x.Length) _prevX0 = new double[x.Length];
            var prev = _prevX0;

            if (abarT >= 1.0)
            {
                // Final step to ᾱ = 1 (σ_t = 0, h = ∞): first order gives exactly the predicted x₀.
                for (int k = 0; k < x.Length; k++)
                {
                    double x0 = Samplers.Clip(ra * x[k] - rm1 * eps[k], clip);
                    prev[k] = x0;
                    xPrev[k] = (float)x0;
                }
            }
            else
            {
                double lambdaT = Lambda(abarT);
                double h = lambdaT - lambdaS;
                double sigmaRatio = Math.Sqrt((1.0 - abarT) / (1.0 - abarS));
                double cD = Math.Sqrt(abarT) * (1.0 - Math.Exp(-h)); // −α_t(e^{−h} − 1)
                double w0 = 1.0, w1 = 0.0;
                if (havePrev)
                {
                    double r = (lambdaS - _prevLambda) / h;
                    w0 = 1.0 + 1.0 / (2.0 * r);
                    w1 = -1.0 / (2.0 * r);
                }
                for (int k = 0; k < x.Length; k++)
                {
                    double xs = x[k];
                    double x0 = Samplers.Clip(ra * xs - rm1 * eps[k], clip);
                    double d = w0 * x0 + w1 * prev[k];
                    prev[k] = x0;
                    xPrev[k] = (float)(sigmaRatio * xs + cD * d);
                }
            }
            _prevLambda = lambdaS;
            _prevIndex = index;
        }

        public void Reset()
        {
            _prevIndex = -1;
        }
    }
}
