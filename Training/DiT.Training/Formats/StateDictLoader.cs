using System.Collections.Generic;
using System.IO;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Formats;

/// <summary>
/// Copies a name → tensor map into a module's parameters and buffers. Strict, because a silently half-loaded model
/// samples plausible-looking garbage: every missing, unexpected and mis-shaped key is named in one error.
/// </summary>
public static class StateDictLoader
{
    /// <summary>The problems that would stop <paramref name="weights"/> loading into <paramref name="module"/>; empty when it fits.</summary>
    public static List<string> Problems(nn.Module module, IReadOnlyDictionary<string, Tensor> weights) =>
        Problems(module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape),
                 weights.ToDictionary(kv => kv.Key, kv => kv.Value.shape));

    /// <summary>
    /// The same comparison on shapes alone (name → shape), so that a file can be checked against a model's expected
    /// shapes (e.g. <see cref="Model.DiTShapes"/>) before the model is allocated.
    /// </summary>
    public static List<string> Problems(IReadOnlyDictionary<string, long[]> expected, IReadOnlyDictionary<string, long[]> actual)
    {
        var problems = new List<string>();
        var missing = expected.Keys.Where(k => !actual.ContainsKey(k)).ToList();
        var unexpected = actual.Keys.Where(k => !expected.ContainsKey(k)).ToList();
        var misShaped = expected.Where(kv => actual.TryGetValue(kv.Key, out var a) && !a.SequenceEqual(kv.Value))
            .Select(kv => $"{kv.Key} ({Shape(actual[kv.Key])} vs model {Shape(kv.Value)})").ToList();
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

    public static string Shape(Tensor t) => Shape(t.shape);

    public static string Shape(long[] shape) => shape.Length == 0 ? "scalar" : string.Join("x", shape);
}
