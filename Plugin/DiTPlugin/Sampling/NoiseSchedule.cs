using System;
using System.Collections.Generic;
using DiTPlugin.Contract.Schedules;

namespace DiTPlugin.Sampling
{
    /// <summary>
    /// The base noise schedule of a model: its T betas, rebuilt in float64 from the manifest's schedule (ADM's
    /// linear or cosine schedule, or explicit betas). <see cref="Respace(string)"/> gives the chains that are sampled.
    /// </summary>
    public sealed class NoiseSchedule
    {
        /// <summary>Cosine schedule offset s (Improved DDPM, eq. 17).</summary>
        public const double CosineOffset = BetaSchedules.CosineOffset;
        /// <summary>Betas of the cosine schedule are clipped here.</summary>
        public const double CosineMaxBeta = BetaSchedules.CosineMaxBeta;

        private readonly double[] _betas;

        /// <summary>Number of timesteps T of the base chain.</summary>
        public int T => _betas.Length;
        /// <summary>The base betas (a copy-free read-only view).</summary>
        public IReadOnlyList<double> Betas => _betas;
        /// <summary>The unrespaced chain (every original timestep kept).</summary>
        public SpacedSchedule Full { get; }

        // The betas are checked (at least one, each in (0, 1]) by the shared chain constants that Full builds.
        private NoiseSchedule(double[] betas)
        {
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
        public static NoiseSchedule Create(string kind, int timesteps, IReadOnlyList<double>? betas = null) =>
            new NoiseSchedule(BetaSchedules.Get(kind, timesteps, betas));

        /// <summary>The betas of <see cref="Linear"/>, as Training computes them (<see cref="BetaSchedules.Linear"/>).</summary>
        public static double[] LinearBetas(int timesteps) => BetaSchedules.Linear(timesteps);

        /// <summary>The betas of <see cref="Cosine"/>, as Training computes them (<see cref="BetaSchedules.Cosine"/>).</summary>
        public static double[] CosineBetas(int timesteps) => BetaSchedules.Cosine(timesteps);

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
