using System;
using System.Globalization;
using System.Linq;

namespace DiTPlugin.Training.Diffusion;

/// <summary>The samplers a spec names.</summary>
public enum SamplerFamily { Ddpm, Ddim, DpmSolver }

/// <summary>
/// A sampler spec as the CLI takes it: "ddpm250" or a bare "250" (ancestral DDPM over 250 respaced steps; ADM's
/// section lists such as "10,15,20" too), "ddim50" (DDIM, η = 0, ADM's integer-stride respacing), "dpm20"
/// (DPM-Solver++(2M)). <see cref="Respacing"/> is the string <see cref="GaussianDiffusion.Create"/> takes.
/// </summary>
public sealed record SamplerSpec(SamplerFamily Family, string Respacing, int Steps)
{
    public const string Grammar = "ddpmN or N (ancestral DDPM), ddimN (DDIM), dpmN (DPM-Solver++(2M)), N in 1..T, e.g. ddpm250, 250, ddim50, dpm20";

    /// <summary>Parses <paramref name="text"/>; throws <see cref="ArgumentException"/> naming the grammar for anything else.</summary>
    public static SamplerSpec Parse(string text, int timesteps = 1000)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim().ToLowerInvariant();
        (SamplerFamily family, string rest) = s.StartsWith("ddpm", StringComparison.Ordinal) ? (SamplerFamily.Ddpm, s[4..])
            : s.StartsWith("ddim", StringComparison.Ordinal) ? (SamplerFamily.Ddim, s[4..])
            : s.StartsWith("dpm", StringComparison.Ordinal) ? (SamplerFamily.DpmSolver, s[3..])
            : (SamplerFamily.Ddpm, s);
        var parts = rest.Split(',');
        var counts = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out counts[i]) || counts[i] < 1 || counts[i] > timesteps)
                throw new ArgumentException($"Sampler '{text}' is not valid: use {Grammar.Replace("1..T", $"1..{timesteps}")}.");
        if (counts.Length > 1 && family != SamplerFamily.Ddpm)
            throw new ArgumentException($"Sampler '{text}': section lists (\"10,15,20\") are for DDPM only; use {Grammar.Replace("1..T", $"1..{timesteps}")}.");
        int steps = counts.Sum();
        if (steps > timesteps) throw new ArgumentException($"Sampler '{text}' asks for {steps} steps; the model has {timesteps}.");
        string respacing = family == SamplerFamily.Ddim ? "ddim" + counts[0].ToString(CultureInfo.InvariantCulture) : string.Join(",", counts);
        return new SamplerSpec(family, respacing, steps);
    }

    public override string ToString() => (Family switch { SamplerFamily.Ddim => "ddim", SamplerFamily.DpmSolver => "dpm", _ => "ddpm" }) + Respacing.Replace("ddim", "");
}
