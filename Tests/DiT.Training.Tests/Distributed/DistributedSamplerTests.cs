using System;
using System.Linq;
using DiT.Training.Data;
using DiT.Training.Distributed;
using NUnit.Framework;

namespace DiT.Training.Tests.Distributed;

public class DistributedSamplerTests
{
    [Test]
    public void ShardsAreDisjointAndCoverTheEpoch()
    {
        const int n = 103, world = 3, batch = 12;
        var shards = Enumerable.Range(0, world).Select(r => new DistributedSampler(n, batch, r, world, seed: 5).Shard(epoch: 2)).ToArray();
        var all = shards.SelectMany(s => s).ToArray();
        Assert.That(all, Is.Unique, "no example on two ranks");
        Assert.That(all.Length, Is.EqualTo(n / batch * batch), "every full global batch of the epoch; the tail is dropped");
        Assert.That(shards.Select(s => s.Length), Is.All.EqualTo(n / batch * batch / world));
    }

    [Test]
    public void TheRanksBatchesTogetherAreTheOneProcessGlobalBatch()
    {
        const int n = 50, world = 4, batch = 8;
        var single = new BatchSampler(n, batch, seed: 11);
        var ranks = Enumerable.Range(0, world).Select(r => new DistributedSampler(n, batch, r, world, seed: 11)).ToArray();
        for (long step = 0; step < 20; step++)                    // 6 steps per epoch: crosses three reshuffles
        {
            var global = single.BatchAt(step);
            foreach (var s in ranks)
            {
                var (indices, positions) = s.BatchAt(step);
                Assert.That(indices.Length, Is.EqualTo(batch / world));
                for (int i = 0; i < indices.Length; i++)
                    Assert.That(indices[i], Is.EqualTo(global[positions[i]]), $"step {step} rank {s.Rank} example {i}");
            }
            Assert.That(ranks.SelectMany(s => s.BatchAt(step).GlobalPositions).OrderBy(p => p), Is.EqualTo(Enumerable.Range(0, batch)));
        }
    }

    [Test]
    public void OneRankIsTheOneProcessSampler()
    {
        var single = new BatchSampler(40, 8, seed: 3);
        var one = new DistributedSampler(40, 8, 0, 1, seed: 3);
        for (long step = 0; step < 12; step++) Assert.That(one.BatchAt(step).Indices, Is.EqualTo(single.BatchAt(step)));
    }

    [Test]
    public void EachEpochIsReshuffledTheSameWayOnEveryRank()
    {
        var a = new DistributedSampler(64, 8, 1, 2, seed: 9);
        var b = new DistributedSampler(64, 8, 1, 2, seed: 9);
        Assert.That(a.Shard(0), Is.EqualTo(b.Shard(0)), "a pure function of (seed, epoch)");
        Assert.That(a.Shard(1), Is.Not.EqualTo(a.Shard(0)), "reshuffled per epoch");
        Assert.That(a.Shard(1).OrderBy(i => i), Is.Not.EqualTo(a.Shard(0).OrderBy(i => i)), "and the rank's share changes, not only its order");
    }

    [Test]
    public void BadSplitsAreRefusedClearly()
    {
        Assert.That(() => new DistributedSampler(100, 10, 0, 3, 0), Throws.ArgumentException.With.Message.Contains("does not split evenly over 3 ranks"));
        Assert.That(() => new DistributedSampler(6, 8, 0, 2, 0), Throws.ArgumentException.With.Message.Contains("larger than the dataset"));
        Assert.That(() => new DistributedSampler(100, 8, 2, 2, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
