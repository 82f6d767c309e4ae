using System;
using static TorchSharp.torch;

namespace DiT.Training.Eval;

/// <param name="Precision">Share of generated samples inside the real manifold (fidelity).</param>
/// <param name="Recall">Share of real samples inside the generated manifold (coverage).</param>
public sealed record PrecisionRecallResult(double Precision, double Recall);

/// <summary>
/// Improved precision and recall (Kynkäänniemi et al. 2019) as ADM's evaluator computes them. Each set's manifold is
/// the union of balls around its points, each ball's radius the distance to that point's k-th nearest neighbour in
/// the same set (itself excluded; ADM: k = 3). A point is inside a manifold when it lies in at least one of its balls,
/// boundary included (ADM compares with ≤).
/// Distances are computed blockwise (‖a‖² − 2a·b + ‖b‖², squared, in float64, on the features' device), so 50k x 50k
/// pairs never exist at once: memory is one <c>blockSize</c>² block. ADM compares in float16 where that is finite;
/// float64 only differs from it for points within round-off of a ball's surface.
/// </summary>
public static class PrecisionRecall
{
    public const int DefaultK = 3;
    /// <summary>Rows and columns per distance block: 2048² float64 = 32 MiB.</summary>
    public const int DefaultBlockSize = 2048;

    /// <param name="real">(N, D) features of real images (ADM: the reference batch).</param>
    /// <param name="fake">(M, D) features of generated samples.</param>
    /// <param name="k">Neighbourhood size; each set needs more than k points.</param>
    public static PrecisionRecallResult Compute(Tensor real, Tensor fake, int k = DefaultK, int blockSize = DefaultBlockSize)
    {
        Check(real, nameof(real), k);
        Check(fake, nameof(fake), k);
        if (real.shape[1] != fake.shape[1])
            throw new ArgumentException($"Precision/recall: feature dims differ (real {real.shape[1]}, fake {fake.shape[1]}).");
        if (blockSize < 1) throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "Block size must be at least 1.");

        using var scope = NewDisposeScope();
        var r = real.detach().to(ScalarType.Float64);
        var f = fake.detach().to(ScalarType.Float64).to(r.device);
        var realRadii = KnnSquaredRadii(r, k, blockSize);
        var fakeRadii = KnnSquaredRadii(f, k, blockSize);
        double precision = InsideShare(f, r, realRadii, blockSize);
        double recall = InsideShare(r, f, fakeRadii, blockSize);
        return new PrecisionRecallResult(precision, recall);
    }

    /// <summary>
    /// (N) squared distance from each point to its k-th nearest neighbour in <paramref name="points"/>, itself
    /// excluded: the (k+1)-th smallest squared distance of its row, the smallest being its distance 0 to itself (with
    /// duplicates the zeros are interchangeable, as in ADM's partition).
    /// </summary>
    public static Tensor KnnSquaredRadii(Tensor points, int k, int blockSize = DefaultBlockSize)
    {
        Check(points, nameof(points), k);
        using var scope = NewDisposeScope();
        var x = points.detach().to(ScalarType.Float64);
        long n = x.shape[0];
        var sq = x.square().sum(1);
        var radii = empty(new[] { n }, ScalarType.Float64, x.device);
        for (long r0 = 0; r0 < n; r0 += blockSize)
        {
            long rows = Math.Min(blockSize, n - r0);
            using var rowScope = NewDisposeScope();
            Tensor? best = null; // (rows, ≤ k+1): the smallest distances seen so far in this row block
            for (long c0 = 0; c0 < n; c0 += blockSize)
            {
                long cols = Math.Min(blockSize, n - c0);
                var d = SquaredDistances(x.narrow(0, r0, rows), sq.narrow(0, r0, rows), x.narrow(0, c0, cols), sq.narrow(0, c0, cols));
                var merged = best is null ? d : cat(new[] { best, d }, 1);
                best = merged.topk((int)Math.Min(k + 1, merged.shape[1]), 1, largest: false, sorted: true).values;
            }
            radii.narrow(0, r0, rows).copy_(best!.select(1, k));
        }
        return radii.MoveToOuterDisposeScope();
    }

    /// <summary>Share of <paramref name="queries"/> within squared radius radii[j] of at least one centre j.</summary>
    private static double InsideShare(Tensor queries, Tensor centres, Tensor squaredRadii, int blockSize)
    {
        long n = queries.shape[0], m = centres.shape[0];
        var qsq = queries.square().sum(1);
        var csq = centres.square().sum(1);
        long inside = 0;
        for (long q0 = 0; q0 < n; q0 += blockSize)
        {
            long rows = Math.Min(blockSize, n - q0);
            using var rowScope = NewDisposeScope();
            var hit = zeros(new[] { rows }, ScalarType.Bool, queries.device);
            for (long c0 = 0; c0 < m; c0 += blockSize)
            {
                long cols = Math.Min(blockSize, m - c0);
                var d = SquaredDistances(queries.narrow(0, q0, rows), qsq.narrow(0, q0, rows), centres.narrow(0, c0, cols), csq.narrow(0, c0, cols));
                hit = hit.logical_or((d <= squaredRadii.narrow(0, c0, cols).unsqueeze(0)).any(1));
            }
            inside += hit.sum().item<long>();
        }
        return (double)inside / n;
    }

    /// <summary>(A, B) squared Euclidean distances; clamped at 0 because the expanded form can round below it.</summary>
    private static Tensor SquaredDistances(Tensor a, Tensor aSq, Tensor b, Tensor bSq) =>
        (aSq.unsqueeze(1) - 2 * a.matmul(b.t()) + bSq.unsqueeze(0)).clamp_min(0);

    private static void Check(Tensor t, string name, int k)
    {
        ArgumentNullException.ThrowIfNull(t, name);
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "Neighbourhood size k must be at least 1.");
        if (t.dim() != 2) throw new ArgumentException($"Precision/recall: {name} features must be (samples, dim), got shape [{string.Join(", ", t.shape)}].", name);
        if (t.shape[0] <= k)
            throw new ArgumentException($"Precision/recall: {name} has {t.shape[0]} samples; the k-th nearest neighbour (k = {k}) needs at least {k + 1}.", name);
        if (!t.isfinite().all().item<bool>()) throw new ArgumentException($"Precision/recall: {name} features contain NaN or infinity.", name);
    }
}
