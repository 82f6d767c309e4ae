using System;
using System.Collections.Generic;
using DiTPlugin.Contract.Package;

namespace DiTPlugin.Contract.Schedules
{
    /// <summary>
    /// The base beta schedules of ADM (Nichol &amp; Dhariwal 2021) as DiT uses them. Everything is float64 because
    /// the derived quantities (1 − ᾱ near t = 0, the posterior variance at t = 1, …) lose most of their digits in
    /// float32; Training and the Plugin both start from these arrays so their chains agree bit for bit.
    /// </summary>
    public static class BetaSchedules
    {
        /// <summary>Cosine schedule offset s (Improved DDPM, eq. 17): keeps beta_0 from being vanishingly small.</summary>
        public const double CosineOffset = 0.008;

        /// <summary>Betas of the cosine schedule are clipped here so the end of the chain stays well defined.</summary>
        public const double CosineMaxBeta = 0.999;

        /// <summary>Betas of the named schedule ("linear" or "cosine") for <paramref name="timesteps"/> steps.</summary>
        public static double[] Get(string name, int timesteps = 1000) =>
            ScheduleKinds.TryParse(name, out var kind) ? Get(kind, timesteps)
                : throw new ArgumentException($"Unknown beta schedule '{name}' (expected {ScheduleKinds.Expected}).", nameof(name));

        /// <summary>Betas of the schedule <paramref name="kind"/> for <paramref name="timesteps"/> steps.</summary>
        public static double[] Get(ScheduleKind kind, int timesteps = 1000) =>
            kind switch
            {
                ScheduleKind.Linear => Linear(timesteps),
                ScheduleKind.Cosine => Cosine(timesteps),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a ScheduleKind."),
            };

        /// <summary>
        /// The betas a package's manifest describes: explicit betas (copied) win over the named kind, and must
        /// number <paramref name="timesteps"/>.
        /// </summary>
        public static double[] Get(string name, int timesteps, IReadOnlyList<double>? explicitBetas)
        {
            if (explicitBetas == null || explicitBetas.Count == 0) return Get(name, timesteps);
            if (explicitBetas.Count != timesteps)
                throw new ArgumentException($"The schedule lists {explicitBetas.Count} betas but timesteps is {timesteps}.", nameof(explicitBetas));
            var b = new double[explicitBetas.Count];
            for (int i = 0; i < b.Length; i++) b[i] = explicitBetas[i];
            return b;
        }

        /// <summary>
        /// DDPM's linear schedule as ADM generalises it: the 1e-4..0.02 range is defined for T = 1000 and scaled by
        /// 1000/T so that other chain lengths destroy the signal by roughly the same amount.
        /// </summary>
        public static double[] Linear(int timesteps = 1000)
        {
            if (timesteps < 1) throw new ArgumentOutOfRangeException(nameof(timesteps), timesteps, "timesteps must be at least 1.");
            double scale = 1000.0 / timesteps;
            double start = scale * 0.0001, end = scale * 0.02;
            var betas = new double[timesteps];
            if (timesteps == 1) { betas[0] = start; return betas; }
            // Same arithmetic as numpy.linspace (start + i*step, last element pinned to end) so values match bit for bit.
            double step = (end - start) / (timesteps - 1);
            for (int i = 0; i < timesteps; i++) betas[i] = start + i * step;
            betas[timesteps - 1] = end;
            return betas;
        }

        /// <summary>
        /// The cosine schedule: ᾱ(t) = f(t)/f(0) with f(t) = cos(((t/T + s)/(1 + s))·π/2)², discretised as
        /// beta_i = 1 − ᾱ((i+1)/T)/ᾱ(i/T) and clipped at 0.999 (the last betas would otherwise reach 1).
        /// </summary>
        public static double[] Cosine(int timesteps = 1000)
        {
            if (timesteps < 1) throw new ArgumentOutOfRangeException(nameof(timesteps), timesteps, "timesteps must be at least 1.");
            var betas = new double[timesteps];
            for (int i = 0; i < timesteps; i++)
            {
                double t1 = (double)i / timesteps, t2 = (double)(i + 1) / timesteps;
                betas[i] = Math.Min(1.0 - CosineAlphaBar(t2) / CosineAlphaBar(t1), CosineMaxBeta);
            }
            return betas;
        }

        /// <summary>The unnormalised f(t) of the cosine schedule, t in [0, 1]; the ratio f(t)/f(0) is ᾱ.</summary>
        public static double CosineAlphaBar(double t)
        {
            double c = Math.Cos((t + CosineOffset) / (1 + CosineOffset) * Math.PI / 2);
            return c * c;
        }
    }
}
