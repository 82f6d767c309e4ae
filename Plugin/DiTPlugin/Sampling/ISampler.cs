using System;

namespace DiTPlugin.Sampling
{
    /// <summary>
    /// One denoising step x_t → x_{t−1} over flat float spans (a whole batch at once: every image shares the step).
    /// Steps are taken for chain indices <see cref="SpacedSchedule.Steps"/>−1 down to 0, in that order; the graph is
    /// called with the original timestep <c>Schedule.TimestepMap[index]</c>. Multistep samplers keep state between
    /// steps: one instance per generation, <see cref="Reset"/> before reuse. <c>xPrev</c> may be the
    /// same memory as x.
    /// </summary>
    public interface ISampler
    {
        SamplerKind Kind { get; }
        SpacedSchedule Schedule { get; }
        /// <summary>
        /// Whether the predicted x₀ is clamped to [−1, 1] at every step (ADM's clip_denoised): right for pixel-space
        /// models, whose data lie in [−1, 1]; wrong for VAE latents, where values beyond ±1 are normal (the official
        /// DiT sample.py uses clip_denoised=False).
        /// </summary>
        bool ClipDenoised { get; }
        /// <summary>Whether <see cref="Step"/> at this index reads fresh Gaussian noise (else pass an empty span).</summary>
        bool NeedsNoise(int index);
        /// <param name="x">x_t.</param>
        /// <param name="eps">The (guided) noise prediction at x_t.</param>
        /// <param name="v">The learned-variance value in [−1, 1] (may be empty when the sampler does not use it).</param>
        /// <param name="index">Chain index of x_t.</param>
        /// <param name="noise">Standard normal noise, the length of x, when <see cref="NeedsNoise"/>; else empty.</param>
        /// <param name="xPrev">Receives x_{t−1}.</param>
        void Step(ReadOnlySpan<float> x, ReadOnlySpan<float> eps, ReadOnlySpan<float> v, int index,
            ReadOnlySpan<float> noise, Span<float> xPrev);
        /// <summary>Forgets multistep state.</summary>
        void Reset();
    }

    /// <summary>Creates samplers by kind.</summary>
    public static class Samplers
    {
        public static ISampler Create(SamplerKind kind, SpacedSchedule schedule, bool learnSigma = true, bool clipDenoised = true)
        {
            switch (kind)
            {
                case SamplerKind.Ddpm: return new DdpmSampler(schedule, learnSigma ? DdpmVariance.LearnedRange : DdpmVariance.FixedLarge, clipDenoised);
                case SamplerKind.Ddim: return new DdimSampler(schedule, clipDenoised: clipDenoised);
                case SamplerKind.DpmSolverPlusPlus2M: return new DpmSolverPlusPlus2MSampler(schedule, clipDenoised);
                default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown sampler.");
            }
        }

        internal static void CheckSpans(SpacedSchedule s, ReadOnlySpan<float> x, ReadOnlySpan<float> eps, int index, Span<float> xPrev)
        {
            s.CheckIndex(index);
            if (eps.Length != x.Length || xPrev.Length != x.Length)
                throw new ArgumentException("x, eps and xPrev must have the same length.");
        }

        /// <summary>
        /// x₀ clamped to [−1, 1] when <paramref name="clip"/>, else as predicted. The samplers predict x₀ inline, per
        /// element in double (√(1/ᾱ)·x_t − √(1/ᾱ − 1)·ε, then this clip), fused with their update; they do not call
        /// <see cref="SpacedSchedule.PredictX0"/> (whose summary says they do), which only the previews use. Same
        /// formula, so a preview shows the x₀ the step used, up to its float32 rounding.
        /// </summary>
        internal static double Clip(double v, bool clip) => !clip ? v : v < -1 ? -1 : v > 1 ? 1 : v;
    }
}
