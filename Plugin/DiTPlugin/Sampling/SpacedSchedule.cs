using System;
using System.Collections.Generic;

namespace DiTPlugin.Sampling
{
    /// <summary>
    /// A (possibly respaced) chain that is sampled: the kept original timesteps (<see cref="TimestepMap"/>) and every
    /// derived constant in float64. Its betas are recomputed from the kept alphas_cumprod,
    /// beta_i = 1 − ᾱ_{k_i}/ᾱ_{k_{i−1}}, as ADM's SpacedDiffusion does. Index i is a chain index (0 = least noisy).
    /// </summary>
    public sealed class SpacedSchedule
    {
        public NoiseSchedule Base { get; }
        /// <summary>Number of steps N of this chain.</summary>
        public int Steps { get; }
        /// <summary>Chain index → original timestep, ascending; the graph is always called with these.</summary>
        public IReadOnlyList<int> TimestepMap { get; }

        public readonly double[] Betas, AlphasCumprod, AlphasCumprodPrev, SqrtRecipAlphasCumprod,
            SqrtRecipm1AlphasCumprod, PosteriorVariance, PosteriorLogVarianceClipped, PosteriorMeanCoef1,
            PosteriorMeanCoef2, LogBetas;

        internal SpacedSchedule(NoiseSchedule baseSchedule, int[] kept)
        {
            Base = baseSchedule;
            int n = kept.Length;
            if (n < 1) throw new ArgumentException("No timesteps kept.", nameof(kept));
            for (int i = 0; i < n; i++)
            {
                if (kept[i] < 0 || kept[i] >= baseSchedule.T) throw new ArgumentException("Kept timesteps must lie in [0, T).", nameof(kept));
                if (i > 0 && kept[i] <= kept[i - 1]) throw new ArgumentException("Kept timesteps must be ascending and distinct.", nameof(kept));
            }
            Steps = n;
            TimestepMap = Array.AsReadOnly((int[])kept.Clone());

            // Base alphas_cumprod, then the kept ones.
            var baseAc = new double[baseSchedule.T];
            double prod = 1.0;
            for (int i = 0; i < baseAc.Length; i++) { prod *= 1.0 - baseSchedule.Betas[i]; baseAc[i] = prod; }

            Betas = new double[n]; AlphasCumprod = new double[n]; AlphasCumprodPrev = new double[n];
            SqrtRecipAlphasCumprod = new double[n]; SqrtRecipm1AlphasCumprod = new double[n];
            PosteriorVariance = new double[n]; PosteriorLogVarianceClipped = new double[n];
            PosteriorMeanCoef1 = new double[n]; PosteriorMeanCoef2 = new double[n]; LogBetas = new double[n];

            double last = 1.0;
            for (int i = 0; i < n; i++)
            {
                double ac = baseAc[kept[i]];
                Betas[i] = 1.0 - ac / last;
                last = ac;
            }
            // Recompute the cumulative product from the new betas, exactly as ADM's GaussianDiffusion does.
            prod = 1.0;
            for (int i = 0; i < n; i++)
            {
                AlphasCumprodPrev[i] = prod;
                prod *= 1.0 - Betas[i];
                AlphasCumprod[i] = prod;
            }
            for (int i = 0; i < n; i++)
            {
                double b = Betas[i], ac = AlphasCumprod[i], acPrev = AlphasCumprodPrev[i];
                SqrtRecipAlphasCumprod[i] = Math.Sqrt(1.0 / ac);
                SqrtRecipm1AlphasCumprod[i] = Math.Sqrt(1.0 / ac - 1.0);
                PosteriorVariance[i] = b * (1.0 - acPrev) / (1.0 - ac);
                PosteriorMeanCoef1[i] = b * Math.Sqrt(acPrev) / (1.0 - ac);
                PosteriorMeanCoef2[i] = (1.0 - acPrev) * Math.Sqrt(1.0 - b) / (1.0 - ac);
                LogBetas[i] = Math.Log(b);
            }
            // log of the posterior variance with the t=0 entry (0, log = −inf) replaced by the t=1 entry.
            for (int i = 0; i < n; i++)
                PosteriorLogVarianceClipped[i] = Math.Log(i == 0 ? (n > 1 ? PosteriorVariance[1] : Betas[0]) : PosteriorVariance[i]);
        }

        /// <summary>
        /// The predicted x₀ = √(1/ᾱ_i)·x_t − √(1/ᾱ_i − 1)·ε at chain index <paramref name="index"/>, clipped to [−1, 1]
        /// when <paramref name="clip"/> (ADM's clip_denoised). Used by the samplers and for previews.
        /// </summary>
        public void PredictX0(ReadOnlySpan<float> x, ReadOnlySpan<float> eps, int index, Span<float> x0, bool clip = true)
        {
            CheckIndex(index);
            if (eps.Length != x.Length || x0.Length != x.Length) throw new ArgumentException("x, eps and x0 must have the same length.");
            double a = SqrtRecipAlphasCumprod[index], b = SqrtRecipm1AlphasCumprod[index];
            for (int k = 0; k < x.Length; k++)
            {
                double v = a * x[k] - b * eps[k];
                if (clip) v = v < -1 ? -1 : v > 1 ? 1 : v;
                x0[k] = (float)v;
            }
        }

        internal void CheckIndex(int index)
        {
            if ((uint)index >= (uint)Steps)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"Chain index must be in 0..{Steps - 1}.");
        }
    }
}
