using System;
using DiT.Training.Eval;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Eval;

public class InceptionScoreTests
{
    [Test]
    public void UniformPredictionsScoreOne()
    {
        using var logits = zeros(10, 7); // p(y|x) = p(y) for every x: KL = 0
        Assert.That(InceptionScore.FromLogits(logits), Is.EqualTo(1.0).Within(1e-12));
    }

    [Test]
    public void ConfidentPredictionsSpreadEvenlyOverKClassesScoreK()
    {
        // 12 one-hot predictions, 3 per class of 4: p(y) uniform, KL = log 4 for each x, IS = 4.
        var p = new double[12 * 4];
        for (int i = 0; i < 12; i++) p[i * 4 + i % 4] = 1;
        using var probs = tensor(p, new long[] { 12, 4 });
        Assert.That(InceptionScore.FromProbabilities(probs), Is.EqualTo(4.0).Within(1e-12));
        // The same through logits: a margin of 60 leaves e^-60 ≈ 1e-26 on the other classes.
        using var logits = probs * 60;
        Assert.That(InceptionScore.FromLogits(logits), Is.EqualTo(4.0).Within(1e-12));
    }

    [Test]
    public void HandComputedCase()
    {
        // p1 = (1/2, 1/2), p2 = (1, 0): p(y) = (3/4, 1/4).
        // KL1 = ½ ln(½ / ¾) + ½ ln(½ / ¼) = ½ ln(4/3); KL2 = ln(1 / ¾) = ln(4/3).
        // IS = exp(mean KL) = exp(¾ ln(4/3)) = (4/3)^¾ ≈ 1.240701.
        using var probs = tensor(new double[] { 0.5, 0.5, 1, 0 }, new long[] { 2, 2 });
        double expected = Math.Pow(4.0 / 3, 0.75);
        Assert.That(InceptionScore.FromProbabilities(probs), Is.EqualTo(expected).Within(1e-12));
        // Logits ln(p): (0, 0) and (0, -inf) would not be finite; use logits with the same softmax: (0, 0) and (0, -800).
        using var logits = tensor(new double[] { 0, 0, 0, -800 }, new long[] { 2, 2 });
        Assert.That(InceptionScore.FromLogits(logits), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void SplitsAreConsecutiveChunksAndTheScoreIsTheirMean()
    {
        // Split 1 is the hand case ((4/3)^¾); split 2 is two confident predictions of different classes (2).
        using var probs = tensor(new double[] { 0.5, 0.5, 1, 0, 1, 0, 0, 1 }, new long[] { 4, 2 });
        double expected = (Math.Pow(4.0 / 3, 0.75) + 2) / 2;
        Assert.That(InceptionScore.FromProbabilities(probs, splitSize: 2), Is.EqualTo(expected).Within(1e-12));
        // Fewer samples than one split: one split of everything. p(y) = (5/8, 3/8) over the 4 rows.
        double kl = (0.5 * Math.Log(0.5 / 0.625) + 0.5 * Math.Log(0.5 / 0.375) + 2 * Math.Log(1 / 0.625) + Math.Log(1 / 0.375)) / 4;
        Assert.That(InceptionScore.FromProbabilities(probs, splitSize: 5000), Is.EqualTo(Math.Exp(kl)).Within(1e-12));
        // A short last split: 3 + 1 rows.
        double last = 1; // one row: its own marginal, KL = 0
        double first3 = Math.Exp((0.5 * Math.Log(0.5 / (2.5 / 3)) + 0.5 * Math.Log(0.5 / (0.5 / 3)) + 2 * Math.Log(1 / (2.5 / 3))) / 3);
        Assert.That(InceptionScore.FromProbabilities(probs, splitSize: 3), Is.EqualTo((first3 + last) / 2).Within(1e-12));
    }

    [Test]
    public void BadInputGivesClearErrors()
    {
        using var nan = tensor(new float[] { 0, float.NaN }, new long[] { 1, 2 });
        Assert.That(Assert.Throws<ArgumentException>(() => InceptionScore.FromLogits(nan))!.Message, Does.Contain("NaN"));
        using var notProbs = tensor(new double[] { 0.5, 0.6 }, new long[] { 1, 2 });
        Assert.That(Assert.Throws<ArgumentException>(() => InceptionScore.FromProbabilities(notProbs))!.Message, Does.Contain("sum to 1"));
        using var flat = zeros(5);
        Assert.Throws<ArgumentException>(() => InceptionScore.FromLogits(flat));
        using var ok = zeros(2, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => InceptionScore.FromLogits(ok, splitSize: 0));
    }
}
