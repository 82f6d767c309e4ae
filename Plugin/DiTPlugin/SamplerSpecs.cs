using System;
using System.Globalization;
using DiTPlugin.Contract.Sampling;

namespace DiTPlugin
{
    /// <summary>
    /// The sampler-spec grammar Training's CLI takes ("ddpm250" or "250", "ddim50", "dpm20"; see
    /// <see cref="SamplerSpec.Grammar"/>), read into the Plugin's <see cref="GenerationOptions.Sampler"/> and
    /// <see cref="GenerationOptions.Steps"/>.
    /// </summary>
    /// <remarks>
    /// The Plugin always samples over ADM's evenly spread N-step chain (one section of N steps). That is Training's
    /// chain for "ddpmN" and "dpmN", but Training's "ddimN" keeps the integer-stride steps 0, s, 2s, … instead, so
    /// the same DDIM spec can visit different timesteps here. DDPM section lists ("10,15,20") have no Steps
    /// equivalent and are refused.
    /// </remarks>
    public static class SamplerSpecs
    {
        /// <summary>
        /// The sampler and step count <paramref name="spec"/> names, e.g. "dpm20" → (DpmSolverPlusPlus2M, 20), for a
        /// model of <paramref name="timesteps"/> steps. Throws <see cref="ArgumentException"/> naming the grammar.
        /// </summary>
        public static (SamplerKind Sampler, int Steps) Parse(string spec, int timesteps = 1000)
        {
            var s = SamplerSpec.Parse(spec, timesteps);
            if (s.Respacing.IndexOf(',') >= 0)
                throw new ArgumentException($"Sampler '{spec}': section lists (\"10,15,20\") cannot be expressed as a step count; use ddpmN, ddimN or dpmN.", nameof(spec));
            return (ToSamplerKind(s.Family), s.Steps);
        }

        /// <summary>The Plugin's sampler for a spec's family.</summary>
        public static SamplerKind ToSamplerKind(this SamplerFamily family)
        {
            switch (family)
            {
                case SamplerFamily.Ddpm: return SamplerKind.Ddpm;
                case SamplerFamily.Ddim: return SamplerKind.Ddim;
                case SamplerFamily.DpmSolver: return SamplerKind.DpmSolverPlusPlus2M;
                default: throw new ArgumentOutOfRangeException(nameof(family), family, "Unknown sampler family.");
            }
        }

        /// <summary>The canonical spec of a sampler and step count ("ddpm250", "ddim50", "dpm20"): parses back to them.</summary>
        public static string Format(SamplerKind sampler, int steps)
        {
            if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be at least 1.");
            string prefix;
            switch (sampler)
            {
                case SamplerKind.Ddpm: prefix = "ddpm"; break;
                case SamplerKind.Ddim: prefix = "ddim"; break;
                case SamplerKind.DpmSolverPlusPlus2M: prefix = "dpm"; break;
                default: throw new ArgumentOutOfRangeException(nameof(sampler), sampler, "Unknown sampler.");
            }
            return prefix + steps.ToString(CultureInfo.InvariantCulture);
        }
    }
}
