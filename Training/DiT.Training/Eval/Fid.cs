using System;
using static TorchSharp.torch;

namespace DiT.Training.Eval;

/// <summary>
/// Fréchet Inception Distance (Heusel et al. 2017) between two Gaussians fitted to feature sets, as ADM's evaluator
/// defines it: ‖μ1 − μ2‖² + Tr(Σ1 + Σ2 − 2 (Σ1 Σ2)^{1/2}).
/// sFID (Nash et al. 2021) is the same distance on the spatial features (<see cref="Features.Spatial"/>): call
/// <see cref="Compute"/> with statistics of those.
/// </summary>
public static class Fid
{
    /// <summary>The distance; symmetric in its arguments, 0 for identical statistics (up to round-off, ~1e-10 relative).</summary>
    public static double Compute(FeatureStats a, FeatureStats b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Dim != b.Dim) throw new ArgumentException($"FID: feature dims differ ({a.Dim} vs {b.Dim}); were both sets extracted by the same network?");

        using var scope = NewDisposeScope();
        var mu1 = a.Mean.cpu();
        var mu2 = b.Mean.cpu();
        var s1 = a.Covariance.cpu();
        var s2 = b.Covariance.cpu();
        var diff = mu1 - mu2;
        double meanTerm = diff.dot(diff).item<double>();
        double traceTerm = s1.trace().item<double>() + s2.trace().item<double>() - 2 * TraceSqrtProduct(s1, s2);
        return meanTerm + traceTerm;
    }

    /// <summary>
    /// Tr((Σ1 Σ2)^{1/2}) for symmetric positive semi-definite Σ1, Σ2, in float64.
    /// Σ1 Σ2 is not symmetric, so a general matrix square root (scipy's sqrtm in ADM) can come out complex from
    /// round-off. But Σ1 Σ2 = √Σ1 (√Σ1 Σ2) and M = (√Σ1 Σ2) √Σ1 = √Σ1 Σ2 √Σ1 share their eigenvalues (AB and BA always
    /// do), and M is symmetric PSD, so Tr((Σ1 Σ2)^{1/2}) = Σ sqrt(eig(M)) with only symmetric eigendecompositions,
    /// which are well conditioned.
    /// Eigenvalues of a PSD matrix computed in floating point come out as tiny values of either sign (about
    /// D · 1e-16 × the largest) where the true value is 0 (covariances of N &lt; D samples are singular, and Inception
    /// features have many near-null directions). sqrt of the negative ones would be NaN, and sqrt of the positive ones
    /// turns 1e-16 of round-off into 1e-8 of error per direction, which then differs between FID(a, b) and FID(b, a).
    /// So eigenvalues below D · ε · λmax (numpy's matrix_rank tolerance) are taken as the 0 they cannot be told apart
    /// from. A true eigenvalue that small would add at most √(D ε λmax) per direction: the same size as the noise.
    /// </summary>
    public static double TraceSqrtProduct(Tensor sigma1, Tensor sigma2)
    {
        using var scope = NewDisposeScope();
        var s1 = Symmetric(sigma1.to(ScalarType.Float64));
        var s2 = Symmetric(sigma2.to(ScalarType.Float64));
        var (w, v) = linalg.eigh(s1);
        var sqrtS1 = (v * RoundOffToZero(w).sqrt().unsqueeze(0)).matmul(v.t()); // V diag(√w) Vᵀ
        var m = Symmetric(sqrtS1.matmul(s2).matmul(sqrtS1));
        var eig = linalg.eigvalsh(m);
        if (!eig.isfinite().all().item<bool>())
            throw new ArithmeticException("FID: the eigenvalues of √Σ1 Σ2 √Σ1 are not finite; are the covariances finite?");
        return RoundOffToZero(eig).sqrt().sum().item<double>();
    }

    /// <summary>Eigenvalues of a PSD matrix with those below D · ε · max |λ| (round-off, or negative) set to 0.</summary>
    private static Tensor RoundOffToZero(Tensor eigenvalues)
    {
        double tol = eigenvalues.shape[0] * MachineEpsilon * eigenvalues.abs().max().item<double>();
        return where(eigenvalues > tol, eigenvalues, zeros_like(eigenvalues));
    }

    /// <summary>2^-52, the spacing of doubles at 1 (double.Epsilon is the smallest subnormal, not this).</summary>
    private const double MachineEpsilon = 2.220446049250313e-16;

    private static Tensor Symmetric(Tensor m) => (m + m.t()) / 2;
}
