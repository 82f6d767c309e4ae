using System;
using DiT.Training.Eval;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Eval;

public class FidTests
{
    private static FeatureStats Moments(double[] mean, double[] cov)
    {
        int d = mean.Length;
        using var m = tensor(mean);
        using var c = tensor(cov, new long[] { d, d });
        return FeatureStats.FromMoments(m, c);
    }

    [Test]
    public void SetAgainstItselfIsZero()
    {
        var g = new TorchSharp.torch.Generator(1);
        using var x = randn(new long[] { 300, 32 }, ScalarType.Float32, generator: g).exp(); // skewed, like ReLU features
        using var a = FeatureStats.FromFeatures(x);
        using var b = FeatureStats.FromFeatures(x);
        Assert.That(Math.Abs(Fid.Compute(a, b)), Is.LessThan(1e-6));
        Assert.That(Math.Abs(Fid.Compute(a, a)), Is.LessThan(1e-6));
    }

    [Test]
    public void NonCommutingGaussiansMatchTheClosedForm()
    {
        // Σ1 = diag(4, 1), Σ2 = [[2, 1], [1, 2]] (eigenvalues 3 and 1): Σ1Σ2 = [[8, 4], [1, 2]] ≠ Σ2Σ1 = [[8, 1], [4, 2]].
        // For a 2x2 matrix M with non-negative eigenvalues λ1, λ2: (√λ1 + √λ2)² = tr M + 2√det M, so
        // Tr(M^{1/2}) = √(tr M + 2√det M) = √(10 + 2√12) = √(10 + 4√3).
        // μ1 − μ2 = (−1, −2): ‖·‖² = 5; Tr Σ1 + Tr Σ2 = 5 + 4.
        // FID = 5 + 9 − 2√(10 + 4√3) = 14 − 2√(10 + 4√3) ≈ 5.771218.
        using var a = Moments(new double[] { 0, 0 }, new double[] { 4, 0, 0, 1 });
        using var b = Moments(new double[] { 1, 2 }, new double[] { 2, 1, 1, 2 });
        double expected = 14 - 2 * Math.Sqrt(10 + 4 * Math.Sqrt(3));
        double fid = Fid.Compute(a, b);
        TestContext.Out.WriteLine($"FID {fid:R}, closed form {expected:R}");
        Assert.That(fid, Is.EqualTo(expected).Within(1e-12));
        Assert.That(Fid.Compute(b, a), Is.EqualTo(fid).Within(1e-12), "symmetric");
    }

    [Test]
    public void ThreeDimensionalBlockCase()
    {
        // Block-diagonal: the 2x2 block above plus scalars 9 and 4 on the third axis, whose product's root is 6.
        // Tr((Σ1Σ2)^{1/2}) = √(10 + 4√3) + 6; Tr Σ1 + Tr Σ2 = 14 + 8 = 22; μ's equal:
        // FID = 22 − 2(√(10 + 4√3) + 6) = 10 − 2√(10 + 4√3) ≈ 1.771220.
        using var a = Moments(new double[] { 1, 1, 1 }, new double[] { 4, 0, 0, 0, 1, 0, 0, 0, 9 });
        using var b = Moments(new double[] { 1, 1, 1 }, new double[] { 2, 1, 0, 1, 2, 0, 0, 0, 4 });
        double expected = 22 - 2 * (Math.Sqrt(10 + 4 * Math.Sqrt(3)) + 6);
        Assert.That(Fid.Compute(a, b), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void SingularCovarianceClampsRoundOffInsteadOfGivingNaN()
    {
        // Σ1 = [[1, 1], [1, 1]] has rank 1 (eigenvalues 2, 0); Σ2 = I, so Tr((Σ1Σ2)^{1/2}) = √2 + 0.
        // FID = 2 + 2 − 2√2. The zero eigenvalue may come out as −1e-17, whose square root would be NaN.
        using var a = Moments(new double[] { 0, 0 }, new double[] { 1, 1, 1, 1 });
        using var b = Moments(new double[] { 0, 0 }, new double[] { 1, 0, 0, 1 });
        Assert.That(Fid.Compute(a, b), Is.EqualTo(4 - 2 * Math.Sqrt(2)).Within(1e-12));
        Assert.That(Fid.Compute(b, a), Is.EqualTo(4 - 2 * Math.Sqrt(2)).Within(1e-12));
    }

    [Test]
    public void FewerSamplesThanDimsStillGivesAFiniteSymmetricDistance()
    {
        // 20 samples in 64 dims: both covariances are singular (rank ≤ 19), the usual case for sFID on small runs.
        var g = new TorchSharp.torch.Generator(3);
        using var x = randn(new long[] { 20, 64 }, ScalarType.Float64, generator: g);
        using var y = randn(new long[] { 20, 64 }, ScalarType.Float64, generator: g) + 0.5;
        using var a = FeatureStats.FromFeatures(x);
        using var b = FeatureStats.FromFeatures(y);
        double ab = Fid.Compute(a, b), ba = Fid.Compute(b, a);
        TestContext.Out.WriteLine($"FID {ab:R} / {ba:R}");
        Assert.That(double.IsFinite(ab) && ab > 0, Is.True);
        Assert.That(ba, Is.EqualTo(ab).Within(1e-12 * ab));
    }

    [Test]
    public void MismatchedDimsAreRefused()
    {
        using var a = Moments(new double[] { 0, 0 }, new double[] { 1, 0, 0, 1 });
        using var b = Moments(new double[] { 0, 0, 0 }, new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 });
        Assert.That(Assert.Throws<ArgumentException>(() => Fid.Compute(a, b))!.Message, Does.Contain("dims differ"));
    }
}
