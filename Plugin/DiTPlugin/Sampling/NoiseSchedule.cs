using System;
using System.Collections.Generic;

namespace DiTPlugin.Sampling
{
    /// <summary>
    /// The base noise schedule of a model: its T betas, rebuilt in float64 from the manifest's schedule (ADM's
    /// linear or cosine schedule, or explicit betas). <see cref="Respace(string)"/> gives the chains that are sampled.
    /// </summary>
    public sealed class NoiseSchedule
    {
        /// <summary>Cosine schedule offset s (Improved DDPM, eq. 17).</summary>
        public const double CosineOffset = 0.008;
        /// <summary>Betas of the cosine schedule are clipped here.</summary>
        public const double CosineMaxBeta = 0.999;

        private readonly double[] _betas;

        /// <summary>Number of timesteps T of the base chain.</summary>
        public int T => _betas.Length;
        /// <summary>The base betas (a copy-free read-only view).</summary>
        public IReadOnlyList<double> Betas => _betas;
        /// <summary>The unrespaced chain (every original timestep kept).</summary>
        public SpacedSchedule Full { get; }

        private NoiseSchedule(double[] betas)
        {
            if (betas.Length < 1) throw new ArgumentException("A schedule needs at least one beta.", nameof(betas));
            for (int i = 0; i < betas.Length; i++)
                if (!(betas[i] > 0 && betas[i] <= 1))
                    throw new ArgumentException($"beta[{i}] = {betas[i]} is not in (0, 1].", nameof(betas));
            _betas = betas;
            var all = new int[betas.Length];
            for (int i = 0; i < all.Length; i++) all[i] = i;
            Full = new SpacedSchedule(this, all);
        }

        /// <summary>ADM's linear schedule: betas from 1e-4·1000/T to 0.02·1000/T (numpy.linspace arithmetic).</summary>
        public static NoiseSchedule Linear(int timesteps) => new NoiseSchedule(LinearBetas(timesteps));

        /// <summary>The cosine schedule (s = 0.008, betas clipped at 0.999).</summary>
        public static NoiseSchedule Cosine(int timesteps) => new NoiseSchedule(CosineBetas(timesteps));

        /// <summary>A schedule with explicit betas (copied).</summary>
        public static NoiseSchedule FromBetas(IReadOnlyList<double> betas)
        {
            if (betas is null) throw new ArgumentNullException(nameof(betas));
            var b = new double[betas.Count];
            for (int i = 0; i < b.Length; i++) b[i] = betas[i];
            return new NoiseSchedule(b);
        }

        /// <summary>The schedule the manifest describes: explicit betas win over the kind ("linear" / "cosine").</summary>
        public static NoiseSchedule Create(string kind, int timesteps, IReadOnlyList<double>? betas = null)
        {
            if (betas != null && betas.Count > 0)
            {
                if (betas.Count != timesteps)
                    throw new ArgumentException($"The schedule lists {betas.Count} betas but timesteps is {timesteps}.", nameof(betas));
                return FromBetas(betas);
            }
            switch (kind)
            {
                case "linear": return Linear(timesteps);
                case "cosine": return Cosine(timesteps);
                default: throw new ArgumentException($"Unknown schedule kind '{kind}' (expected 'linear' or 'cosine').", nameof(kind));
            }
        }

        public static double[] LinearBetas(int timesteps)
        {
            if (timesteps < 1) throw new ArgumentOutOfRangeException(nameof(timesteps), timesteps, "timesteps must be at least 1.");
            double scale = 1000.0 / timesteps;
            double start = scale * 0.0001, end = scale * 0.02;
            var betas = new double[timesteps];
            if (timesteps == 1) { betas[0] = start; return betas; }
            double step = (end - start) / (timesteps - 1);
            for (int i = 0; i < timesteps; i++) betas[i] = start + i * step;
            betas[timesteps - 1] = end;
            return betas;
        }

        public static double[] CosineBetas(int timesteps)
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

        private static double CosineAlphaBar(double t)
        {
            double c = Math.Cos((t + CosineOffset) / (1 + CosineOffset) * Math.PI / 2);
            return c * c;
        }

        /// <summary>The chain keeping the timesteps ADM's space_timesteps picks for <paramref name="spec"/>.</summary>
        public SpacedSchedule Respace(string spec) => new SpacedSchedule(this, Respacing.SpaceTimesteps(T, spec));

        /// <summary>The chain of <paramref name="steps"/> steps (one section of that many steps, ADM's "N").</summary>
        public SpacedSchedule Respace(int steps)
        {
            if (steps < 1 || steps > T)
                throw new ArgumentOutOfRangeException(nameof(steps), steps, $"steps must be in 1..{T}.");
            return steps == T ? Full : new SpacedSchedule(this, Respacing.SpaceTimesteps(T, new[] { steps }));
        }
    }
}
