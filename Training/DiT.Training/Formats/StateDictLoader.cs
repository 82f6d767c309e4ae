using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace DiTPlugin.Training.Formats;

/// <summary>
/// Copies a name → tensor map into a module's parameters and buffers. Strict, because a silently half-loaded model
/// samples plausible-looking garbage: every missing, unexpected and mis-shaped key is named in one error.
/// </summary>
public static class StateDictLoader
{
    /// <summary>The problems that would stop <paramref name="weights"/> loading into <paramref name="module"/>; empty when it fits.</summary>
    public static List<string> Problems(nn.Module module, IReadOnlyDictionary<string, Tensor> weights)
    {
        var own = module.state_dict();
        var problems = new List<string>();
        var missing = own.Keys.Where(k => !weights.ContainsKey(k)).ToList();
        var unexpected = weights.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var misShaped = own.Where(kv => weights.TryGetValue(kv.Key, out var w) && !w.shape.SequenceEqual(kv.Value.shape))
            .Select(kv => $"{kv.Key} ({Shape(weights[kv.Key])} vs model {Shape(kv.Value)})").ToList();
        if (missing.Count > 0) problems.Add($"missing [{string.Join(", ", missing)}]");
        if (unexpected.Count > 0) problems.Add($"unexpected [{string.Join(", ", unexpected)}]");
        if (misShaped.Count > 0) problems.Add($"mis-shaped [{string.Join(", ", misShaped)}]");
        return problems;
    }

    /// <summary>Loads or throws an <see cref="InvalidDataException"/> naming <paramref name="what"/> and every bad key. Dtypes are converted.</summary>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> weights, string what)
    {
        var problems = Problems(module, weights);
        if (problems.Count > 0)
            throw new InvalidDataException($"{what} does not fit the model: {string.Join(" ", problems)}");
        using var _ = no_grad();
        foreach (var (k, v) in module.state_dict()) v.copy_(weights[k].to(v.dtype));
    }

    public static string Shape(Tensor t) => t.shape.Length == 0 ? "scalar" : string.Join("x", t.shape);
}
