using System;
using System.Collections.Generic;
using System.Threading;
using DiT.Training.Bench;
using DiT.Training.Data;
using NUnit.Framework;

namespace DiT.Training.Tests.Data;

public class BatchPrefetchTests
{
    [Test]
    public void APrefetchedReadIsTheSameAsReadingNow()
    {
        var data = new RandomImageDataset(20, 3, 4, 5, seed: 7);
        int[] idx = { 3, 17, 0, 9 };
        using var prefetch = new BatchPrefetch(data);
        prefetch.Start(5, idx);
        var got = prefetch.Take(5, idx);
        var want = DatasetBatch.Read(data, idx);
        Assert.That(got, Is.Not.Null);
        Assert.That(got!.Value.Pixels, Is.EqualTo(want.Pixels));
        Assert.That(got.Value.Labels, Is.EqualTo(new long[] { 3, 2, 0, 4 }), "labels cycle over the 5 classes");
        Assert.That(prefetch.Take(5, idx), Is.Null, "a read is handed out once");
    }

    [Test]
    public void AReadForAnotherStepOrOtherIndicesIsNotUsed()
    {
        var data = new RandomImageDataset(10, 1, 2, 2);
        using var prefetch = new BatchPrefetch(data);
        prefetch.Start(2, new[] { 1, 2 });
        Assert.That(prefetch.Take(3, new[] { 1, 2 }), Is.Null, "another step (a retried step asks for its own again)");
        prefetch.Start(2, new[] { 1, 2 });
        Assert.That(prefetch.Take(2, new[] { 2, 1 }), Is.Null, "other indices");
    }

    [Test]
    public void AFailedReadThrowsItsOwnErrorWhenTaken()
    {
        using var prefetch = new BatchPrefetch(new FailingDataset());
        prefetch.Start(1, new[] { 0 });
        var e = Assert.Throws<System.IO.InvalidDataException>(() => prefetch.Take(1, new[] { 0 }));
        Assert.That(e!.Message, Does.Contain("corrupt.png"));
    }

    private sealed class FailingDataset : IImageDataset
    {
        public int Count => 1;
        public int Channels => 1;
        public int Height => 2;
        public int Width => 2;
        public IReadOnlyList<string> ClassNames => new[] { "a" };
        public Example Get(int index) => throw new System.IO.InvalidDataException("corrupt.png: not a PNG file");
    }
}
