using System;
using static TorchSharp.torch;

namespace DiT.Training.Eval;

/// <summary>
/// Mean (D) and covariance (D x D) of a set of feature vectors, in float64: what FID and sFID compare. The covariance
/// is the unbiased one (divided by N - 1), as numpy's <c>np.cov(x, rowvar=False)</c> that ADM's evaluator uses.
/// Double precision because FID subtracts traces of 2048 x 2048 matrices whose entries are summed over 50k samples;
/// float32 loses the digits that distinguish good models.
/// Owns its two tensors (on the CPU or wherever they were computed).
/// </summary>
public sealed class FeatureStats : IDisposable
{
    /// <summary>(D) float64.</summary>
    public Tensor Mean { get; }
    /// <summary>(D, D) float64, symmetric.</summary>
    public Tensor Covariance { get; }
    /// <summary>Number of feature vectors behind the statistics (0 when built from given moments of unknown origin).</summary>
    public long Count { get; }
    public int Dim => (int)Mean.shape[0];

    private FeatureStats(Tensor mean, Tensor covariance, long count)
    {
        Mean = mean;
        Covariance = covariance;
        Count = count;
    }

    /// <summary>Statistics of a whole (N, D) feature matrix (any float dtype and device; not modified).</summary>
    public static FeatureStats FromFeatures(Tensor features)
    {
        using var acc = new FeatureStatsAccumulator();
        acc.Add(features);
        return acc.ToStats();
    }

    /// <summary>
    /// Wraps precomputed moments, e.g. the <c>mu</c>/<c>sigma</c> stored in ADM's reference batches. Copied to float64;
    /// the caller keeps its tensors.
    /// </summary>
    public static FeatureStats FromMoments(Tensor mean, Tensor covariance, long count = 0)
    {
        if (mean.dim() != 1) throw new ArgumentException($"Feature mean must be 1-D, got shape [{string.Join(", ", mean.shape)}].", nameof(mean));
        long d = mean.shape[0];
        if (covariance.dim() != 2 || covariance.shape[0] != d || covariance.shape[1] != d)
            throw new ArgumentException($"Feature covariance must be ({d}, {d}) to match the mean, got [{string.Join(", ", covariance.shape)}].", nameof(covariance));
        var m = mean.detach().to(ScalarType.Float64).clone();
        var c = covariance.detach().to(ScalarType.Float64).clone();
        if (!m.isfinite().all().item<bool>() || !c.isfinite().all().item<bool>())
        {
            m.Dispose(); c.Dispose();
            throw new ArgumentException("Feature mean or covariance contains NaN or infinity.");
        }
        return new FeatureStats(m, c, count);
    }

    internal static FeatureStats Own(Tensor mean, Tensor covariance, long count) => new(mean, covariance, count);

    public void Dispose()
    {
        Mean.Dispose();
        Covariance.Dispose();
    }
}

/// <summary>
/// Builds <see cref="FeatureStats"/> batch by batch, so 50k x 2048 features never need to be held at once: keeps
/// N, Σ(x - c) and Σ(x - c)(x - c)ᵀ in float64. The shift c is the first batch's mean; the covariance does not depend
/// on it, but without it the one-pass formula Σxxᵀ/N - μμᵀ cancels catastrophically when |μ| is large next to the spread.
/// </summary>
public sealed class FeatureStatsAccumulator : IDisposable
{
    private Tensor? _shift, _sum, _sumOuter;
    private long _count;

    public long Count => _count;
    /// <summary>Feature length, known after the first batch (0 before).</summary>
    public int Dim => _shift is null ? 0 : (int)_shift.shape[0];

    /// <summary>Adds a (B, D) batch of features (any float dtype, any device; the first batch fixes device and D).</summary>
    public void Add(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.dim() != 2)
            throw new ArgumentException($"Features must be (batch, dim), got shape [{string.Join(", ", batch.shape)}].", nameof(batch));
        if (_shift is not null && batch.shape[1] != _shift.shape[0])
            throw new ArgumentException($"Feature dim {batch.shape[1]} differs from the earlier batches' {_shift.shape[0]}.", nameof(batch));
        if (batch.shape[0] == 0) return;

        using var scope = NewDisposeScope();
        var x = batch.detach().to(ScalarType.Float64);
        if (_shift is not null) x = x.to(_shift.device);
        if (!x.isfinite().all().item<bool>())
            throw new ArgumentException($"Features contain NaN or infinity (in the batch starting at sample {_count}); " +
                                        "the feature extractor or the images it was given are broken.", nameof(batch));
        if (_shift is null)
        {
            // The running sums belong to the accumulator, not to whatever dispose scope the caller's Add runs in.
            _shift = x.mean(new long[] { 0 }).DetachFromDisposeScope();
            _sum = zeros_like(_shift).DetachFromDisposeScope();
            _sumOuter = zeros(new[] { _shift.shape[0], _shift.shape[0] }, ScalarType.Float64, _shift.device).DetachFromDisposeScope();
        }
        var centred = x - _shift;
        _sum!.add_(centred.sum(new long[] { 0 }));
        _sumOuter!.add_(centred.t().matmul(centred));
        _count += batch.shape[0];
    }

    /// <summary>The statistics so far (new tensors; the accumulator can keep going). Needs at least 2 samples.</summary>
    public FeatureStats ToStats()
    {
        if (_count < 2)
            throw new InvalidOperationException($"A covariance needs at least 2 feature vectors, got {_count}.");
        using var scope = NewDisposeScope();
        var meanShifted = _sum! / _count;
        var mean = _shift! + meanShifted;
        // Σ(x-c)(x-c)ᵀ - N m mᵀ with m = mean(x - c), over N - 1 (unbiased, as np.cov).
        var cov = (_sumOuter! - _count * meanShifted.outer(meanShifted)) / (_count - 1);
        cov = (cov + cov.t()) / 2; // exact symmetry; round-off in the matmul can break it in the last bit
        return FeatureStats.Own(mean.MoveToOuterDisposeScope(), cov.MoveToOuterDisposeScope(), _count);
    }

    public void Dispose()
    {
        _shift?.Dispose();
        _sum?.Dispose();
        _sumOuter?.Dispose();
    }
}
