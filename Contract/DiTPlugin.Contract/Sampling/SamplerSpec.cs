using System;
using System.Globalization;

namespace DiTPlugin.Contract.Sampling
{
    /// <summary>
    /// A sampler spec as the CLI and the Plugin take it: "ddpm250" or a bare "250" (ancestral DDPM over 250 respaced
    /// steps; ADM's section lists such as "10,15,20" too), "ddim50" (DDIM, η = 0, ADM's integer-stride respacing),
    /// "dpm20" (DPM-Solver++(2M)). <see cref="Respacing"/> is the string
    /// <see cref="Schedules.Respacing.SpaceTimesteps(int, string)"/> takes.
    /// </summary>
    public sealed class SamplerSpec : IEquatable<SamplerSpec>
    {
        public const string Grammar = "ddpmN or N (ancestral DDPM), ddimN (DDIM), dpmN (DPM-Solver++(2M)), N in 1..T, e.g. ddpm250, 250, ddim50, dpm20";

        public SamplerFamily Family { get; }
        /// <summary>The respacing string of the chain ("250", "10,15,20", "ddim50").</summary>
        public string Respacing { get; }
        /// <summary>Number of steps of the respaced chain.</summary>
        public int Steps { get; }

        public SamplerSpec(SamplerFamily family, string respacing, int steps)
        {
            Family = family;
            Respacing = respacing ?? throw new ArgumentNullException(nameof(respacing));
            Steps = steps;
        }

        /// <summary>Parses <paramref name="text"/> for a model of <paramref name="timesteps"/> diffusion steps; throws <see cref="ArgumentException"/> naming the grammar for anything else.</summary>
        public static SamplerSpec Parse(string text, int timesteps = 1000)
        {
            if (timesteps < 1) throw new ArgumentOutOfRangeException(nameof(timesteps), timesteps, "A diffusion has at least one step.");
            return Parse(text, (int?)timesteps);
        }

        /// <summary>
        /// Parses the grammar only, for a model whose step count is not known yet (a command line, read before the
        /// checkpoint is): every count must be at least 1. Whoever builds the chain checks it against the model's T.
        /// </summary>
        public static SamplerSpec ParseForAnyModel(string text) => Parse(text, null);

        private static SamplerSpec Parse(string text, int? maxSteps)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            int timesteps = maxSteps ?? int.MaxValue;
            string s = text.Trim().ToLowerInvariant();
            SamplerFamily family;
            string rest;
            // "ddpm"/"ddim" before "dpm": a bare count (no prefix) is DDPM, as ADM's respacing strings are.
            if (s.StartsWith("ddpm", StringComparison.Ordinal)) { family = SamplerFamily.Ddpm; rest = s.Substring(4); }
            else if (s.StartsWith("ddim", StringComparison.Ordinal)) { family = SamplerFamily.Ddim; rest = s.Substring(4); }
            else if (s.StartsWith("dpm", StringComparison.Ordinal)) { family = SamplerFamily.DpmSolver; rest = s.Substring(3); }
            else { family = SamplerFamily.Ddpm; rest = s; }
            string grammar = maxSteps is int t ? Grammar.Replace("1..T", "1.." + t.ToString(CultureInfo.InvariantCulture)) : Grammar;
            var parts = rest.Split(',');
            var counts = new int[parts.Length];
            int steps = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                if (!int.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out counts[i]) || counts[i] < 1 || counts[i] > timesteps)
                    throw new ArgumentException($"Sampler '{text}' is not valid: use {grammar}.");
                steps = (int)Math.Min((long)steps + counts[i], int.MaxValue);
            }
            if (counts.Length > 1 && family != SamplerFamily.Ddpm)
                throw new ArgumentException($"Sampler '{text}': section lists (\"10,15,20\") are for DDPM only; use {grammar}.");
            if (steps > timesteps) throw new ArgumentException($"Sampler '{text}' asks for {steps} steps; the model has {timesteps}.");
            string respacing = family == SamplerFamily.Ddim
                ? "ddim" + counts[0].ToString(CultureInfo.InvariantCulture)
                : string.Join(",", Array.ConvertAll(counts, c => c.ToString(CultureInfo.InvariantCulture)));
            return new SamplerSpec(family, respacing, steps);
        }

        /// <summary>The canonical name ("ddpm250", "ddim50", "dpm20"), which parses back to an equal spec.</summary>
        public override string ToString()
        {
            string prefix = Family == SamplerFamily.Ddim ? "ddim" : Family == SamplerFamily.DpmSolver ? "dpm" : "ddpm";
            return prefix + Respacing.Replace("ddim", "");
        }

        public bool Equals(SamplerSpec? other) =>
            other is not null && Family == other.Family && Respacing == other.Respacing && Steps == other.Steps;

        public override bool Equals(object? obj) => Equals(obj as SamplerSpec);

        public override int GetHashCode() => HashCode.Combine(Family, Respacing, Steps);

        public static bool operator ==(SamplerSpec? a, SamplerSpec? b) => a is null ? b is null : a.Equals(b);

        public static bool operator !=(SamplerSpec? a, SamplerSpec? b) => !(a == b);
    }
}
