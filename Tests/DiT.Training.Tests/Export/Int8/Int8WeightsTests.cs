using System;
using System.Linq;
using DiT.Training.Export.Int8;
using NUnit.Framework;

namespace DiT.Training.Tests.Export.Int8;

public class Int8WeightsTests
{
    [Test]
    public void EachOutputChannelGetsItsOwnScale_HandComputed()
    {
        // [in = 2, out = 3], row-major: column 0 = (1.27, -0.635), column 1 = (0, 0), column 2 = (-2.54, 0.01).
        float[] w = { 1.27f, 0f, -2.54f, -0.635f, 0f, 0.01f };
        var (q, s) = Int8Weights.PerOutputChannel(w, 2, 3);
        // scale = max |column| / 127; an all-zero column gets 1 so its codes are 0.
        Assert.That(s, Is.EqualTo(new[] { 0.01f, 1f, 0.02f }).Within(1e-7f));
        // 1.27 / 0.01 = 127; -0.635 / 0.01 = -63.5 → -64 (half to even); -2.54 / 0.02 = -127; 0.01 / 0.02 = 0.5 → 0.
        Assert.That(q, Is.EqualTo(new sbyte[] { 127, 0, -127, -64, 0, 0 }));
    }

    [Test]
    public void DequantizedWeightsAreWithinHalfAStepOfTheOriginal()
    {
        var rng = new Random(5);
        int rows = 64, cols = 48;
        var w = new float[rows * cols];
        for (int i = 0; i < w.Length; i++) w[i] = (float)((rng.NextDouble() - 0.5) * (1 + i % cols));   // columns of different ranges
        var (q, s) = Int8Weights.PerOutputChannel(w, rows, cols);
        for (int c = 0; c < cols; c++)
        {
            // The bound computed independently of the code under test: half of the column's max |w| / 127.
            double maxAbs = Enumerable.Range(0, rows).Max(r => Math.Abs((double)w[r * cols + c]));
            double halfStep = maxAbs / 127 / 2;
            for (int r = 0; r < rows; r++)
            {
                double back = q[r * cols + c] * (double)s[c];
                Assert.That(Math.Abs(back - w[r * cols + c]), Is.LessThanOrEqualTo(halfStep * (1 + 1e-5)), $"[{r}, {c}]");
            }
            Assert.That(Enumerable.Range(0, rows).Max(r => Math.Abs((int)q[r * cols + c])), Is.EqualTo(127), "the largest weight uses the full range");
        }
        Assert.That(q.All(v => v >= -127), Is.True, "symmetric: -128 is never used");
    }

    [Test]
    public void NonFiniteWeightsAreRefused() =>
        Assert.Throws<ArgumentException>(() => Int8Weights.PerOutputChannel(new[] { 1f, float.NaN }, 1, 2));
}
