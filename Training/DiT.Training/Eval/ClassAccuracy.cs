using System;
using static TorchSharp.torch;

namespace DiT.Training.Eval;

/// <summary>
/// For class-conditional samples: the share whose classifier's top class (argmax of the logits) is the class they
/// were generated for. Ties go to the lowest class index, as argmax does.
/// </summary>
public static class ClassAccuracy
{
    /// <param name="logits">(N, K) class scores of the samples.</param>
    /// <param name="requestedClasses">(N) integer class each sample was generated for.</param>
    public static double Compute(Tensor logits, Tensor requestedClasses)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(requestedClasses);
        if (logits.dim() != 2 || logits.shape[0] < 1)
            throw new ArgumentException($"Class accuracy: logits must be (samples, classes) with at least one sample, got shape [{string.Join(", ", logits.shape)}].", nameof(logits));
        if (requestedClasses.dim() != 1 || requestedClasses.shape[0] != logits.shape[0])
            throw new ArgumentException($"Class accuracy: need one requested class per sample ({logits.shape[0]}), got shape [{string.Join(", ", requestedClasses.shape)}].", nameof(requestedClasses));
        if (requestedClasses.is_floating_point() || requestedClasses.dtype == ScalarType.Bool)
            throw new ArgumentException("Class accuracy: requested classes must be integers.", nameof(requestedClasses));
        using var scope = NewDisposeScope();
        var y = requestedClasses.detach().to(ScalarType.Int64).cpu();
        long k = logits.shape[1];
        if ((y < 0).any().item<bool>() || (y >= k).any().item<bool>())
            throw new ArgumentException($"Class accuracy: requested classes must lie in [0, {k}).", nameof(requestedClasses));
        if (!logits.isfinite().all().item<bool>()) throw new ArgumentException("Class accuracy: logits contain NaN or infinity.", nameof(logits));
        var top = logits.detach().cpu().argmax(1);
        return top.eq(y).sum().item<long>() / (double)logits.shape[0];
    }
}
