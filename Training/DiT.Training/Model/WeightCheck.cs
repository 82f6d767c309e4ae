using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using static TorchSharp.torch;

namespace DiT.Training.Model;

/// <summary>
/// Refuses weights that would load without complaint and then sample garbage: non-floating dtypes (an I32 tensor is
/// silently cast to float by copy_), NaN, ±Inf, and finite but absurd magnitudes. Run where weights enter or leave
/// (import, checkpoint → model, package export), so the error names the file and tensor instead of surfacing as a
/// black image at generation time.
/// </summary>
public static class WeightCheck
{
    /// <summary>
    /// Largest |w| accepted in a DiT state dict. Initialisation gives |w| &lt; 1 (xavier-uniform, N(0, 0.02), sin-cos
    /// pos_embed in [-1, 1]); AdamW moves a weight by about the learning rate per step at most, so the paper's run
    /// (lr 1e-4, 400k steps) can drift a weight by ~40, and even lr 1e-3 for 400k steps by ~400. 1e4 leaves a wide
    /// margin above that while catching what corruption produces: a flipped exponent bit in float32 gives values
    /// around 1e38, which overflow float16 (65504) outright and float32 in the first matmul's sums.
    /// </summary>
    public const double MaxAbs = 1e4;

    /// <summary>float16's largest finite value; a weight beyond it becomes ±Inf in an fp16 graph.</summary>
    public const double Fp16Max = 65504;

    /// <summary>At most this many tensors are described in one message; the count says how many more there are.</summary>
    private const int MaxListed = 8;

    /// <summary>
    /// One line per unusable tensor ("name: what is wrong"); empty when every tensor is usable. With
    /// <paramref name="fp16"/> the weights are destined for float16, and values beyond <see cref="Fp16Max"/> are
    /// reported as such (they are above <see cref="MaxAbs"/> too, so both limits refuse them; the fp16 wording is the
    /// more useful one then).
    /// </summary>
    public static List<string> Problems(IEnumerable<KeyValuePair<string, Tensor>> weights, bool fp16 = false)
    {
        var problems = new List<string>();
        foreach (var (name, t) in weights)
            if (Describe(t, fp16) is { } p) problems.Add($"{name}: {p}");
        return problems;
    }

    /// <summary>Throws an <see cref="InvalidDataException"/> naming <paramref name="what"/>, each bad tensor and the valid range.</summary>
    public static void ThrowIfInvalid(IEnumerable<KeyValuePair<string, Tensor>> weights, string what, bool fp16 = false)
    {
        var list = weights.ToList();
        var problems = Problems(list, fp16);
        if (problems.Count == 0) return;
        string more = problems.Count > MaxListed ? $"; … ({problems.Count - MaxListed} more)" : "";
        throw new InvalidDataException(
            $"{what}: {problems.Count} of {list.Count} weight tensors are unusable: {string.Join("; ", problems.Take(MaxListed))}{more}. " +
            $"Valid DiT weights are finite float32/float16/bfloat16/float64 values with |w| <= {MaxAbs:0}" +
            (fp16 ? $" (float16 export: <= {Fp16Max:0})." : "."));
    }

    private static string? Describe(Tensor t, bool fp16)
    {
        if (!t.is_floating_point())
            return $"dtype {t.dtype}, but weights must be floating point";
        long n = t.numel();
        if (n == 0) return null;
        using var scope = NewDisposeScope();
        // Fast path, one pass each: max and min propagate NaN, and ±Inf shows as an infinite extreme.
        double extreme = Math.Max(Math.Abs(Scalar(t.max())), Math.Abs(Scalar(t.min())));
        if (double.IsFinite(extreme) && extreme <= MaxAbs) return null;

        long nan = t.isnan().sum().item<long>();
        long inf = t.isinf().sum().item<long>();
        if (nan > 0 || inf > 0)
            return $"{Count(nan)} NaN and {Count(inf)} infinite of {Count(n)} values";
        if (fp16 && extreme > Fp16Max)
            return $"max |w| = {Num(extreme)} exceeds float16's largest value {Fp16Max:0}, so the fp16 graph would hold ±Inf";
        return $"max |w| = {Num(extreme)} is above {MaxAbs:0} (corrupt or diverged weights)";
    }

    private static double Scalar(Tensor t) => t.to(float64).item<double>();

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Num(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
