using System;
using static TorchSharp.torch;

namespace DiT.Training.Eval;

/// <summary>
/// Inception Score (Salimans et al. 2016) as ADM's evaluator computes it: the samples are cut, in order, into
/// consecutive splits of <c>splitSize</c> (the last may be shorter; fewer samples than one split make one split); per
/// split, exp(mean over x of KL(p(y|x) ‖ p(y))) with p(y) the split's mean prediction; the result is the mean over
/// splits. In float64.
/// </summary>
public static class InceptionScore
{
    /// <summary>ADM's split size (its 50k-sample evaluations use 10 splits).</summary>
    public const int DefaultSplitSize = 5000;

    /// <summary>From unnormalised class scores (N, K): log p(y|x) = log_softmax, in float64.</summary>
    public static double FromLogits(Tensor logits, int splitSize = DefaultSplitSize)
    {
        Check(logits, splitSize, "logits");
        using var scope = NewDisposeScope();
        var logP = logits.detach().to(ScalarType.Float64).log_softmax(1);
        return Score(logP.exp(), logP, splitSize);
    }

    /// <summary>
    /// From probabilities (N, K), rows summing to 1 (checked to 1e-6). Zeros are allowed: p log p → 0 as p → 0, so a
    /// class with p(y|x) = 0 adds nothing to the KL (numpy's 0 * log 0 would give NaN there).
    /// </summary>
    public static double FromProbabilities(Tensor probabilities, int splitSize = DefaultSplitSize)
    {
        Check(probabilities, splitSize, "probabilities");
        using var scope = NewDisposeScope();
        var p = probabilities.detach().to(ScalarType.Float64);
        if ((p < 0).any().item<bool>()) throw new ArgumentException("Inception Score: probabilities must be non-negative.", nameof(probabilities));
        double worst = (p.sum(1) - 1).abs().max().item<double>();
        if (worst > 1e-6) throw new ArgumentException($"Inception Score: probability rows must sum to 1 (one is off by {worst:G3}); pass logits to FromLogits instead.", nameof(probabilities));
        return Score(p, p.log(), splitSize);
    }

    private static double Score(Tensor p, Tensor logP, int splitSize)
    {
        long n = p.shape[0];
        double total = 0;
        int splits = 0;
        for (long start = 0; start < n; start += splitSize)
        {
            long len = Math.Min(splitSize, n - start);
            var part = p.narrow(0, start, len);
            var logPart = logP.narrow(0, start, len);
            var logMarginal = part.mean(new long[] { 0 }, keepdim: true).log();
            // p (log p − log p(y)), with 0 where p = 0 (its limit), whatever −inf the logs hold there.
            var kl = where(part > 0, part * (logPart - logMarginal), zeros_like(part));
            total += Math.Exp(kl.sum(1).mean().item<double>());
            splits++;
        }
        return total / splits;
    }

    private static void Check(Tensor t, int splitSize, string what)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.dim() != 2 || t.shape[0] < 1 || t.shape[1] < 1)
            throw new ArgumentException($"Inception Score: {what} must be (samples, classes) with at least one of each, got shape [{string.Join(", ", t.shape)}].");
        if (splitSize < 1) throw new ArgumentOutOfRangeException(nameof(splitSize), splitSize, "Split size must be at least 1.");
        if (!t.isfinite().all().item<bool>()) throw new ArgumentException($"Inception Score: {what} contain NaN or infinity.");
    }
}
