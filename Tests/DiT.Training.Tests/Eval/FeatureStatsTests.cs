using System;
using DiT.Training.Eval;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Eval;

public class FeatureStatsTests
{
    // Rows (1, 2), (3, 6), (5, 4): mean (3, 4); deviations (-2, -2), (0, 2), (2, 0);
    // unbiased covariance over N - 1 = 2: var x = 8/2 = 4, var y = 8/2 = 4, cov xy = 4/2 = 2.
    private static readonly double[] Rows = { 1, 2, 3, 6, 5, 4 };

    private static void AssertHandValues(FeatureStats s, double offset = 0)
    {
        Assert.That(s.Count, Is.EqualTo(3));
        Assert.That(s.Mean.dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(s.Covariance.dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(s.Mean.data<double>().ToArray(), Is.EqualTo(new[] { 3 + offset, 4 + offset }).Within(1e-9));
        Assert.That(s.Covariance.data<double>().ToArray(), Is.EqualTo(new double[] { 4, 2, 2, 4 }).Within(1e-9));
    }

    [Test]
    public void MeanAndUnbiasedCovarianceOfAHandMadeMatrix()
    {
        using var x = tensor(Rows, new long[] { 3, 2 });
        using var s = FeatureStats.FromFeatures(x);
        AssertHandValues(s);
    }

    [Test]
    public void Float32InputIsAccumulatedInDouble()
    {
        using var x = tensor(Rows, new long[] { 3, 2 }).to(ScalarType.Float32);
        using var s = FeatureStats.FromFeatures(x);
        AssertHandValues(s);
    }

    [Test]
    public void StreamingOverBatchesEqualsOneShot()
    {
        using var x = tensor(Rows, new long[] { 3, 2 });
        using var acc = new FeatureStatsAccumulator();
        acc.Add(x.narrow(0, 0, 1));
        acc.Add(x.narrow(0, 1, 0)); // empty batches are harmless
        acc.Add(x.narrow(0, 1, 2));
        using var s = acc.ToStats();
        AssertHandValues(s);
    }

    [Test]
    public void LargeOffsetDoesNotCancelTheCovariance()
    {
        // With Σxxᵀ/N - μμᵀ in double, an offset of 1e8 leaves (1e8)² = 1e16 against a spread of ~4: all digits lost.
        // The shifted sums keep the exact answer.
        using var x = tensor(Rows, new long[] { 3, 2 }) + 1e8;
        using var acc = new FeatureStatsAccumulator();
        acc.Add(x.narrow(0, 0, 2));
        acc.Add(x.narrow(0, 2, 1));
        using var s = acc.ToStats();
        AssertHandValues(s, offset: 1e8);
    }

    [Test]
    public void MatchesTheTwoPassDefinitionOnRandomData()
    {
        var g = new TorchSharp.torch.Generator(7);
        using var x = randn(new long[] { 500, 8 }, ScalarType.Float64, generator: g) * 3 + 5;
        using var acc = new FeatureStatsAccumulator();
        for (int i = 0; i < 500; i += 64) acc.Add(x.narrow(0, i, Math.Min(64, 500 - i)));
        using var s = acc.ToStats();
        using var mean = x.mean(new long[] { 0 });
        using var d = x - mean;
        using var cov = d.t().matmul(d) / 499;
        Assert.That((s.Mean - mean).abs().max().item<double>(), Is.LessThan(1e-12));
        Assert.That((s.Covariance - cov).abs().max().item<double>(), Is.LessThan(1e-12));
    }

    [Test]
    public void BadInputGivesClearErrors()
    {
        using var acc = new FeatureStatsAccumulator();
        using var one = ones(1, 4);
        acc.Add(one);
        var e = Assert.Throws<InvalidOperationException>(() => acc.ToStats())!;
        Assert.That(e.Message, Does.Contain("at least 2"));
        using var wrongDim = ones(2, 5);
        Assert.That(Assert.Throws<ArgumentException>(() => acc.Add(wrongDim))!.Message, Does.Contain("dim 5"));
        using var nan = tensor(new float[] { 1, float.NaN, 0, 0 }, new long[] { 1, 4 });
        Assert.That(Assert.Throws<ArgumentException>(() => acc.Add(nan))!.Message, Does.Contain("NaN"));
        using var flat = ones(4);
        Assert.Throws<ArgumentException>(() => acc.Add(flat));
        using var m = zeros(3);
        using var c = eye(2, dtype: ScalarType.Float64);
        Assert.Throws<ArgumentException>(() => FeatureStats.FromMoments(m, c));
    }
}
