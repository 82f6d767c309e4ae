using System;
using System.Collections.Generic;
using DiTPlugin.Contract.Schedules;

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
            // The one float64 implementation Training samples with too, so a package's chain agrees on both sides.
            var c = DiffusionSchedule.Respaced(baseSchedule.Betas, kept);
            Steps = c.NumTimesteps;
            TimestepMap = Array.AsReadOnly((int[])kept.Clone());
            // Copied into arrays: the samplers index these fields on every step.
            Betas = Copy(c.Betas); AlphasCumprod = Copy(c.AlphasCumprod); AlphasCumprodPrev = Copy(c.AlphasCumprodPrev);
            SqrtRecipAlphasCumprod = Copy(c.SqrtRecipAlphasCumprod); SqrtRecipm1AlphasCumprod = Copy(c.SqrtRecipm1AlphasCumprod);
            PosteriorVariance = Copy(c.PosteriorVariance); PosteriorLogVarianceClipped = Copy(c.PosteriorLogVarianceClipped);
            PosteriorMeanCoef1 = Copy(c.PosteriorMeanCoef1); PosteriorMeanCoef2 = Copy(c.PosteriorMeanCoef2);
            LogBetas = Copy(c.LogBetas);
        }

        private static double[] Copy(IReadOnlyList<double> values)
        {
            var a = new double[values.Count];
            for (int i = 0; i < a.Length; i++) a[i] = values[i];
            return a;
        }

        /// <summary>
        /// The predicted x₀ = √(1/ᾱ_i)·x_t − √(1/ᾱ_i − 1)·ε at chain index <paramref name="index"/>, clipped to [−1, 1]
        /// when <paramref name="clip"/> (ADM's clip_denoised). Used for previews; the samplers compute the same expression inline, element by element, inside their update loops (one pass, no temporary array).
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
