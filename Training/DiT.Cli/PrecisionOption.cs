using System;
using System.CommandLine;
using DiT.Training.Trainer;

namespace DiT.Cli;

/// <summary>--precision auto|bf16|fp32 with the older --bf16 flag beside it, as `dit train` and `dit bench` take them.</summary>
internal sealed class PrecisionOption
{
    public Option<string> Precision { get; }
    public Option<bool> Bf16 { get; }

    public PrecisionOption(string description, string defaultValue = "auto")
    {
        Precision = new Option<string>("--precision") { Description = description, DefaultValueFactory = _ => defaultValue }
            .AcceptOnlyFromAmong("auto", "bf16", "fp32");
        Bf16 = new Option<bool>("--bf16") { Description = "Same as --precision bf16 (kept for older scripts).", Hidden = true };
    }

    public void AddTo(Command cmd)
    {
        cmd.Options.Add(Precision);
        cmd.Options.Add(Bf16);
    }

    public bool Given(ParseResult r) => r.GetResult(Precision) is { Implicit: false } || r.GetResult(Bf16) is { Implicit: false };

    /// <summary>Whether to compute in bf16: --bf16, or --precision (auto asks the CPU, <see cref="Bf16Support"/>).</summary>
    public bool UseBf16(ParseResult r, bool autoMeansCpu = true)
    {
        if (r.GetValue(Bf16))
        {
            if (r.GetResult(Precision) is { Implicit: false } && r.GetValue(Precision) == "fp32")
                throw new ArgumentException("--bf16 and --precision fp32 contradict each other; give one.");
            return true;
        }
        return r.GetValue(Precision) switch { "bf16" => true, "fp32" => false, _ => autoMeansCpu && Bf16Support.DefaultBf16 };
    }
}
