using System;
using DiT.Training.Eval;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Eval;

public class PrecisionRecallTests
{
    private static Tensor Column(params double[] xs) => tensor(xs, new long[] { xs.Length, 1 });

    [Test]
    public void KthNeighbourRadiiExcludeThePointItself()
    {
        // {0, 1, 2, 10}: nearest other points 1, 1, 1, 8 → squared 1, 1, 1, 64.
        using var real = Column(0, 1, 2, 10);
        using var r1 = PrecisionRecall.KnnSquaredRadii(real, 1);
        Assert.That(r1.data<double>().ToArray(), Is.EqualTo(new double[] { 1, 1, 1, 64 }));
        // 3rd nearest: 0 → {1, 2, 10} → 10; 1 → {1, 1, 9} → 9; 2 → {1, 2, 8} → 8; 10 → {8, 9, 10} → 10.
        using var r3 = PrecisionRecall.KnnSquaredRadii(real, 3);
        Assert.That(r3.data<double>().ToArray(), Is.EqualTo(new double[] { 100, 81, 64, 100 }));
    }

    [Test]
    public void OneDimensionalCountedByHandK1()
    {
        // Real {0, 1, 2, 10}, radii (k = 1) 1, 1, 1, 8. Fake {0.5, 5, 20, 30}, radii 4.5, 4.5, 10, 10.
        // Precision: 0.5 (0.5 from 0 ≤ 1) in, 5 (5 from 10 ≤ 8) in, 20 (10 from 10 > 8) out, 30 out → 2/4.
        // Recall: 0, 1, 2 are within 4.5 of 0.5; 10 is 5 > 4.5 from 5 but exactly 10 from 20, on the boundary of a
        // radius-10 ball, which counts (≤) → 4/4.
        using var real = Column(0, 1, 2, 10);
        using var fake = Column(0.5, 5, 20, 30);
        var pr = PrecisionRecall.Compute(real, fake, k: 1);
        Assert.That(pr.Precision, Is.EqualTo(0.5));
        Assert.That(pr.Recall, Is.EqualTo(1.0));
    }

    [Test]
    public void OneDimensionalCountedByHandK3()
    {
        // Real {0, 1, 2, 10, 100}, 3rd-neighbour radii 10, 9, 8, 10, 99 (100: {90, 98, 99, 100} → 99).
        // Fake {0.5, 5, 20, 30}, radii 29.5, 25, 19.5, 29.5.
        // Precision: 0.5, 5 in 0's ball; 20 is 10 from 10 (radius 10, boundary) and 80 from 100 (radius 99); 30 is 70
        // from 100 → 4/4. Recall: 0..10 are within 29.5 of 0.5; 100 is 70 from 30 (radius 29.5) → out → 4/5.
        using var real = Column(0, 1, 2, 10, 100);
        using var fake = Column(0.5, 5, 20, 30);
        var pr = PrecisionRecall.Compute(real, fake, k: 3);
        Assert.That(pr.Precision, Is.EqualTo(1.0));
        Assert.That(pr.Recall, Is.EqualTo(0.8));
        // Swapping the sets swaps the answers.
        var swapped = PrecisionRecall.Compute(fake, real, k: 3);
        Assert.That(swapped.Precision, Is.EqualTo(0.8));
        Assert.That(swapped.Recall, Is.EqualTo(1.0));
    }

    [Test]
    public void TwoDimensionalCountedByHand()
    {
        // Real: unit square corners, nearest neighbour 1 away → radius 1 each.
        // Fake (0.5, 0.5): √0.5 from every corner → in. (3, 3): 2√2 from (1, 1) → out. (1, 2): exactly 1 from (1, 1) → in.
        // Precision 2/3. Fake radii (k = 1): (0.5, 0.5) ↔ (1, 2) √2.5; (3, 3) ↔ (1, 2) √5; every corner is √0.5 ≤ √2.5
        // from (0.5, 0.5) → recall 4/4.
        using var real = tensor(new double[] { 0, 0, 1, 0, 0, 1, 1, 1 }, new long[] { 4, 2 });
        using var fake = tensor(new double[] { 0.5, 0.5, 3, 3, 1, 2 }, new long[] { 3, 2 });
        var pr = PrecisionRecall.Compute(real, fake, k: 1);
        Assert.That(pr.Precision, Is.EqualTo(2.0 / 3));
        Assert.That(pr.Recall, Is.EqualTo(1.0));
    }

    [Test]
    public void BlockSizeDoesNotChangeTheAnswer()
    {
        var g = new TorchSharp.torch.Generator(5);
        using var real = randn(new long[] { 57, 6 }, ScalarType.Float32, generator: g);
        using var fake = randn(new long[] { 43, 6 }, ScalarType.Float32, generator: g) * 1.3 + 0.4;
        var whole = PrecisionRecall.Compute(real, fake);
        TestContext.Out.WriteLine($"random sets: precision {whole.Precision}, recall {whole.Recall}");
        foreach (int block in new[] { 1, 5, 16 })
            Assert.That(PrecisionRecall.Compute(real, fake, blockSize: block), Is.EqualTo(whole), $"block {block}");
        Assert.That(whole.Precision, Is.GreaterThan(0).And.LessThan(1));
        Assert.That(whole.Recall, Is.GreaterThan(0).And.LessThan(1));
    }

    [Test]
    public void BadInputGivesClearErrors()
    {
        using var three = Column(0, 1, 2);
        using var four = Column(0, 1, 2, 3);
        Assert.That(Assert.Throws<ArgumentException>(() => PrecisionRecall.Compute(three, four, k: 3))!.Message, Does.Contain("at least 4"));
        using var wide = zeros(4, 2, dtype: ScalarType.Float64);
        Assert.That(Assert.Throws<ArgumentException>(() => PrecisionRecall.Compute(four, wide, k: 1))!.Message, Does.Contain("dims differ"));
        using var nan = Column(0, double.NaN, 2, 3);
        Assert.That(Assert.Throws<ArgumentException>(() => PrecisionRecall.Compute(four, nan, k: 1))!.Message, Does.Contain("NaN"));
    }
}
