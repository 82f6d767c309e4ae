using System;
using static TorchSharp.torch;

namespace DiTPlugin.Training.Eval;

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
    /// Eigenvalues of a PSD matrix computed in floating point can come out as tiny negatives (≈ −1e-13 × the largest)
    /// where the true value is 0 (covariances of N &lt; D samples are singular, and Inception features have many
    /// near-null directions); sqrt of those would be NaN, so they are clamped to 0, which is the exact value they
    /// approximate.
    /// </summary>
    public static double TraceSqrtProduct(Tensor sigma1, Tensor sigma2)
    {
        using var scope = NewDisposeScope();
        var s1 = Symmetric(sigma1.to(ScalarType.Float64));
        var s2 = Symmetric(sigma2.to(ScalarType.Float64));
        var (w, v) = linalg.eigh(s1);
        var sqrtS1 = (v * w.clamp_min(0).sqrt().unsqueeze(0)).matmul(v.t()); // V diag(√w) Vᵀ
        var m = Symmetric(sqrtS1.matmul(s2).matmul(sqrtS1));
        var eig = linalg.eigvalsh(m);
        if (!eig.isfinite().all().item<bool>())
            throw new ArithmeticException("FID: the eigenvalues of √Σ1 Σ2 √Σ1 are not finite; are the covariances finite?");
        return eig.clamp_min(0).sqrt().sum().item<double>();
    }

    private static Tensor Symmetric(Tensor m) => (m + m.t()) / 2;
}
