using System;
using System.Collections.Generic;

namespace DiTPlugin.Contract.Schedules
{
    /// <summary>
    /// All per-step constants of a (possibly respaced) Gaussian diffusion chain, derived from its betas in float64
    /// exactly as ADM's GaussianDiffusion does. Training indexes them as tensors, the Plugin as arrays; both take
    /// them from here so a package samples the same chain on either side. Index i is a chain index (0 = least noisy).
    /// </summary>
    public sealed class DiffusionSchedule
    {
        /// <summary>Number of steps of this chain.</summary>
        public int NumTimesteps { get; }

        public IReadOnlyList<double> Betas { get; }
        public IReadOnlyList<double> Alphas { get; }
        public IReadOnlyList<double> AlphasCumprod { get; }
        /// <summary>ᾱ_{t−1}, with ᾱ_{−1} = 1.</summary>
        public IReadOnlyList<double> AlphasCumprodPrev { get; }
        /// <summary>ᾱ_{t+1}, with ᾱ_T = 0.</summary>
        public IReadOnlyList<double> AlphasCumprodNext { get; }
        public IReadOnlyList<double> SqrtAlphasCumprod { get; }
        public IReadOnlyList<double> SqrtOneMinusAlphasCumprod { get; }
        public IReadOnlyList<double> LogOneMinusAlphasCumprod { get; }
        /// <summary>√(1/ᾱ): the x_t coefficient when predicting x₀ from ε.</summary>
        public IReadOnlyList<double> SqrtRecipAlphasCumprod { get; }
        /// <summary>√(1/ᾱ − 1): the ε coefficient when predicting x₀ from ε.</summary>
        public IReadOnlyList<double> SqrtRecipm1AlphasCumprod { get; }
        /// <summary>Variance of q(x_{t−1} | x_t, x₀): β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t).</summary>
        public IReadOnlyList<double> PosteriorVariance { get; }
        /// <summary>
        /// log of the posterior variance with the t = 0 entry (exactly 0, log = −∞) replaced by the t = 1 entry, so it
        /// can serve as the lower end of the learned log-variance interpolation.
        /// </summary>
        public IReadOnlyList<double> PosteriorLogVarianceClipped { get; }
        /// <summary>x₀ coefficient of the posterior mean: β_t √ᾱ_{t−1} / (1 − ᾱ_t).</summary>
        public IReadOnlyList<double> PosteriorMeanCoef1 { get; }
        /// <summary>x_t coefficient of the posterior mean: (1 − ᾱ_{t−1}) √α_t / (1 − ᾱ_t).</summary>
        public IReadOnlyList<double> PosteriorMeanCoef2 { get; }
        /// <summary>log β_t: the upper end of the learned log-variance interpolation.</summary>
        public IReadOnlyList<double> LogBetas { get; }

        /// <param name="betas">Betas of this chain (copied), each in (0, 1].</param>
        public DiffusionSchedule(IReadOnlyList<double> betas)
        {
            if (betas is null) throw new ArgumentNullException(nameof(betas));
            int n = betas.Count;
            if (n < 1) throw new ArgumentException("At least one beta is needed.", nameof(betas));
            for (int i = 0; i < n; i++)
                if (!(betas[i] > 0 && betas[i] <= 1)) throw new ArgumentException($"beta[{i}] = {betas[i]} is not in (0, 1].", nameof(betas));
            NumTimesteps = n;

            var b = new double[n];
            var a = new double[n];
            var ac = new double[n];
            var acPrev = new double[n];
            var acNext = new double[n];
            var sqrtAc = new double[n];
            var sqrtOneMinusAc = new double[n];
            var logOneMinusAc = new double[n];
            var sqrtRecip = new double[n];
            var sqrtRecipm1 = new double[n];
            var pv = new double[n];
            var plv = new double[n];
            var c1 = new double[n];
            var c2 = new double[n];
            var logB = new double[n];

            double prod = 1.0;
            for (int i = 0; i < n; i++)
            {
                b[i] = betas[i];
                a[i] = 1.0 - b[i];
                acPrev[i] = prod;
                prod *= a[i];
                ac[i] = prod;
            }
            for (int i = 0; i < n; i++)
            {
                acNext[i] = i + 1 < n ? ac[i + 1] : 0.0;
                sqrtAc[i] = Math.Sqrt(ac[i]);
                sqrtOneMinusAc[i] = Math.Sqrt(1.0 - ac[i]);
                logOneMinusAc[i] = Math.Log(1.0 - ac[i]);
                sqrtRecip[i] = Math.Sqrt(1.0 / ac[i]);
                sqrtRecipm1[i] = Math.Sqrt(1.0 / ac[i] - 1.0);
                pv[i] = b[i] * (1.0 - acPrev[i]) / (1.0 - ac[i]);
                c1[i] = b[i] * Math.Sqrt(acPrev[i]) / (1.0 - ac[i]);
                c2[i] = (1.0 - acPrev[i]) * Math.Sqrt(a[i]) / (1.0 - ac[i]);
                logB[i] = Math.Log(b[i]);
            }
            // With a single step there is no t = 1 entry to borrow; keep log(beta_0) rather than −∞.
            for (int i = 0; i < n; i++) plv[i] = Math.Log(i == 0 ? (n > 1 ? pv[1] : b[0]) : pv[i]);

            Betas = Array.AsReadOnly(b);
            Alphas = Array.AsReadOnly(a);
            AlphasCumprod = Array.AsReadOnly(ac);
            AlphasCumprodPrev = Array.AsReadOnly(acPrev);
            AlphasCumprodNext = Array.AsReadOnly(acNext);
            SqrtAlphasCumprod = Array.AsReadOnly(sqrtAc);
            SqrtOneMinusAlphasCumprod = Array.AsReadOnly(sqrtOneMinusAc);
            LogOneMinusAlphasCumprod = Array.AsReadOnly(logOneMinusAc);
            SqrtRecipAlphasCumprod = Array.AsReadOnly(sqrtRecip);
            SqrtRecipm1AlphasCumprod = Array.AsReadOnly(sqrtRecipm1);
            PosteriorVariance = Array.AsReadOnly(pv);
            PosteriorLogVarianceClipped = Array.AsReadOnly(plv);
            PosteriorMeanCoef1 = Array.AsReadOnly(c1);
            PosteriorMeanCoef2 = Array.AsReadOnly(c2);
            LogBetas = Array.AsReadOnly(logB);
        }

        /// <summary>The chain of a named beta schedule ("linear" / "cosine") of <paramref name="timesteps"/> steps.</summary>
        public static DiffusionSchedule FromName(string name, int timesteps = 1000) => new DiffusionSchedule(BetaSchedules.Get(name, timesteps));

        /// <summary>
        /// The chain that keeps only the timesteps <paramref name="kept"/> (ascending, distinct, in [0, T)) of the base
        /// chain with <paramref name="baseBetas"/>, as ADM's SpacedDiffusion builds it: its betas are recomputed so that
        /// ᾱ at each kept step equals the base ᾱ there, β_i = 1 − ᾱ_{k_i}/ᾱ_{k_{i−1}}, and every constant is then
        /// derived from those betas.
        /// </summary>
        public static DiffusionSchedule Respaced(IReadOnlyList<double> baseBetas, IReadOnlyList<int> kept) =>
            new DiffusionSchedule(RespacedBetas(baseBetas, kept));

        /// <summary>The betas of <see cref="Respaced"/>.</summary>
        public static double[] RespacedBetas(IReadOnlyList<double> baseBetas, IReadOnlyList<int> kept)
        {
            if (baseBetas is null) throw new ArgumentNullException(nameof(baseBetas));
            if (kept is null) throw new ArgumentNullException(nameof(kept));
            int n = kept.Count;
            if (n < 1) throw new ArgumentException("No timesteps kept.", nameof(kept));
            for (int i = 0; i < n; i++)
            {
                if (kept[i] < 0 || kept[i] >= baseBetas.Count) throw new ArgumentException("Kept timesteps must lie in [0, T).", nameof(kept));
                if (i > 0 && kept[i] <= kept[i - 1]) throw new ArgumentException("Kept timesteps must be ascending and distinct.", nameof(kept));
            }
            // The base ᾱ as the full chain computes it (the running product of 1 − β), so the ratios are bit-identical.
            var baseAc = new DiffusionSchedule(baseBetas).AlphasCumprod;
            var betas = new double[n];
            double last = 1.0;
            for (int i = 0; i < n; i++)
            {
                double ac = baseAc[kept[i]];
                betas[i] = 1.0 - ac / last;
                last = ac;
            }
            return betas;
        }
    }
}
