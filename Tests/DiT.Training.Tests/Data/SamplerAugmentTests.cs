using System;
using System.Linq;
using DiT.Training.Data;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Data;

public class SamplerAugmentTests
{
    [Test]
    public void SameSeedAndEpochGiveSameOrder()
    {
        var a = new BatchSampler(1000, 32, seed: 7);
        var b = new BatchSampler(1000, 32, seed: 7);
        Assert.That(a.EpochPermutation(3), Is.EqualTo(b.EpochPermutation(3)));
        Assert.That(a.EpochPermutation(3), Is.Not.EqualTo(a.EpochPermutation(4)));
        Assert.That(a.EpochPermutation(0), Is.Not.EqualTo(new BatchSampler(1000, 32, seed: 8).EpochPermutation(0)));
        Assert.That(a.EpochPermutation(0), Is.Not.EqualTo(Enumerable.Range(0, 1000).ToArray()));
    }

    [Test]
    public void EveryIndexOncePerEpoch()
    {
        var s = new BatchSampler(103, 10, seed: 1, dropLast: false);
        var all = s.EpochBatches(2).SelectMany(b => b).ToArray();
        Assert.That(s.BatchesPerEpoch, Is.EqualTo(11));
        Assert.That(all.OrderBy(i => i), Is.EqualTo(Enumerable.Range(0, 103)));

        var d = new BatchSampler(103, 10, seed: 1);
        var batches = d.EpochBatches(0).ToList();
        Assert.That(batches, Has.Count.EqualTo(10));
        Assert.That(batches.All(b => b.Length == 10), Is.True);
        Assert.That(batches.SelectMany(b => b).Distinct().Count(), Is.EqualTo(100));
    }

    [Test]
    public void ResumingAtAGlobalStepContinuesExactly()
    {
        var s = new BatchSampler(50, 8, seed: 99); // 6 batches per epoch
        var straight = s.From(0).Take(20).ToList();
        var resumed = new BatchSampler(50, 8, seed: 99).From(13).Take(7).ToList();
        for (int k = 0; k < 7; k++)
        {
            Assert.That(resumed[k].Step, Is.EqualTo(13 + k));
            Assert.That(resumed[k].Indices, Is.EqualTo(straight[13 + k].Indices));
        }
        Assert.That(straight[13].Epoch, Is.EqualTo(2));
        Assert.That(s.BatchAt(13), Is.EqualTo(s.EpochBatches(2).ElementAt(1)));
    }

    [Test]
    public void HorizontalFlipOfChwArray()
    {
        // C=2, H=2, W=3
        var x = new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
        Assert.That(Augment.HorizontalFlip(x, 2, 2, 3), Is.EqualTo(new float[] { 3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10 }));
        Assert.That(x[0], Is.EqualTo(1), "copy leaves the input alone");
    }

    [Test]
    public void HorizontalFlipOfBatchFollowsMask()
    {
        using var x = arange(2 * 1 * 2 * 3, dtype: ScalarType.Float32).reshape(2, 1, 2, 3);
        using var y = Augment.HorizontalFlip(x, new[] { false, true });
        Assert.That(y.data<float>().ToArray(), Is.EqualTo(new float[] { 0, 1, 2, 3, 4, 5, 8, 7, 6, 11, 10, 9 }));
        var m = Augment.RandomFlipMask(1000, new Random(3));
        Assert.That(m.Count(v => v), Is.InRange(430, 570));
    }
}
