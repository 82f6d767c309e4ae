using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using DiTPlugin.Contract.Sampling;
using DiT.Training.Diffusion;

namespace DiT.Cli;

/// <summary>
/// Range checks on option values, run by the parser: a bad value gets one line naming the option and what is valid,
/// before any file is read or any tensor allocated (rather than an exception, an overflow or silent nonsense later).
/// </summary>
internal static class OptionChecks
{
    public static Option<int> InRange(this Option<int> o, int min, int max)
    {
        o.Validators.Add(r =>
        {
            int v = r.GetValueOrDefault<int>();
            if (v < min || v > max) r.AddError($"{o.Name} {v} is out of range: valid values are {min}..{max}.");
        });
        return o;
    }

    public static Option<long> InRange(this Option<long> o, long min, long max)
    {
        o.Validators.Add(r =>
        {
            long v = r.GetValueOrDefault<long>();
            if (v < min || v > max) r.AddError($"{o.Name} {v} is out of range: valid values are {min}..{max}.");
        });
        return o;
    }

    public static Option<int?> InRange(this Option<int?> o, int min, int max)
    {
        o.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is int v && (v < min || v > max)) r.AddError($"{o.Name} {v} is out of range: valid values are {min}..{max}.");
        });
        return o;
    }

    /// <summary>A finite number in [min, max] (NaN and infinities are refused by name).</summary>
    public static Option<double> Finite(this Option<double> o, double min, double max)
    {
        o.Validators.Add(r =>
        {
            double v = r.GetValueOrDefault<double>();
            if (!double.IsFinite(v) || v < min || v > max)
                r.AddError($"{o.Name} {v.ToString(CultureInfo.InvariantCulture)} is not valid: give a finite number in {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}.");
        });
        return o;
    }

    /// <summary>As <see cref="Finite(Option{double}, double, double)"/>, for an option that may be left out.</summary>
    public static Option<double?> Finite(this Option<double?> o, double min, double max)
    {
        o.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double?>() is double v && (!double.IsFinite(v) || v < min || v > max))
                r.AddError($"{o.Name} {v.ToString(CultureInfo.InvariantCulture)} is not valid: give a finite number in {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}.");
        });
        return o;
    }

    /// <summary>A sampler spec (<see cref="SamplerSpec.Grammar"/>).</summary>
    public static Option<string> SamplerSpecs(this Option<string> o, bool list = false)
    {
        o.Validators.Add(r =>
        {
            string v = r.GetValueOrDefault<string>() ?? "";
            try
            {
                foreach (var s in list ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : new[] { v })
                    SamplerSpec.ParseForAnyModel(s);   // the model's T is checked once the checkpoint is read
            }
            catch (ArgumentException e) { r.AddError($"{o.Name}: {e.Message}"); }
        });
        return o;
    }
}
