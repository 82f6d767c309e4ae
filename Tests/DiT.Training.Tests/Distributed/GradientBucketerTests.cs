using System;
using System.Linq;
using DiT.Training.Distributed;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Distributed;

public class GradientBucketerTests
{
    /// <summary>Three parameters with gradients g; the pretend other rank contributes h = 10 + index.</summary>
    private static (Tensor[] Params, float[][] Grads) Setup()
    {
        var ps = new[] { new long[] { 3, 4 }, new long[] { 5 }, new long[] { 2, 2, 2 } }
            .Select((shape, k) =>
            {
                var p = zeros(shape, requires_grad: true);
                p.grad = arange(0, p.numel(), dtype: ScalarType.Float32).reshape(shape) * (k + 1);
                return p;
            }).ToArray();
        return (ps, ps.Select(p => p.grad!.data<float>().ToArray()).ToArray());
    }

    [Test]
    public void GradientsBecomeTheMeanOverRanksInFewMessages()
    {
        var (ps, grads) = Setup();
        // 10 floats per bucket: [p2 (8)], [p1 (5)], [p0 (12)]; reverse registration order, a big parameter gets its own.
        var comm = new FakeCommunicator(0, 2) { OthersSum = (_, n) => Enumerable.Range(0, n).Select(i => 10f + i).ToArray() };
        var bucketer = new GradientBucketer(ps, comm, bucketBytes: 10 * sizeof(float));
        Assert.That(bucketer.BucketSizes, Is.EqualTo(new[] { 8, 5, 12 }));
        bucketer.AverageGradients();
        Assert.That(comm.AllReduceLengths, Is.EqualTo(new[] { 8, 5, 12 }), "one all-reduce per bucket, not per parameter");
        for (int k = 0; k < ps.Length; k++)
        {
            var got = ps[k].grad!.data<float>().ToArray();
            var expected = grads[k].Select((g, i) => (g + 10f + i) / 2).ToArray();
            Assert.That(got, Is.EqualTo(expected).Within(1e-6), $"parameter {k}");
        }
        Assert.That(bucketer.Calls, Is.EqualTo(1));
    }

    [Test]
    public void DefaultBucketsPackManyParametersTogether()
    {
        var (ps, _) = Setup();
        var comm = new FakeCommunicator(0, 2) { OthersSum = (_, n) => new float[n] };
        var bucketer = new GradientBucketer(ps, comm);
        Assert.That(bucketer.BucketSizes, Is.EqualTo(new[] { 25 }));
        bucketer.AverageGradients();
        Assert.That(ps[1].grad!.data<float>().ToArray(), Is.EqualTo(new[] { 0f, 1, 2, 3, 4 }), "(g + 0) / 2 with g = 2 * arange");
    }

    [Test]
    public void BucketsStartDuringBackwardInOrderOnceTheirParametersAreReady()
    {
        var (ps, _) = Setup();
        var named = new[] { ("a.w", ps[0]), ("b.w", ps[1]), ("c.w", ps[2]) };
        var comm = new FakeCommunicator(0, 2) { OthersSum = (_, n) => new float[n] };
        var bucketer = new GradientBucketer(named, comm, bucketBytes: 10 * sizeof(float));      // [c.w (8)], [b.w (5)], [a.w (12)]
        bucketer.MarkReady("b.");
        Assert.That(comm.AllReduceLengths, Is.Empty, "bucket 1 is complete, bucket 0 is not: buckets start in order on every rank");
        bucketer.MarkReady("c.");
        Assert.That(comm.AllReduceLengths, Is.EqualTo(new[] { 8, 5 }));
        Assert.That(bucketer.InFlight);
        bucketer.Finish();
        Assert.That(comm.AllReduceLengths, Is.EqualTo(new[] { 8, 5, 12 }), "the rest after backward, each bucket once");
        Assert.That(bucketer.StartedDuringBackward, Is.EqualTo(2));
        Assert.That(bucketer.InFlight, Is.False);
        Assert.That(ps[1].grad!.data<float>().ToArray(), Is.EqualTo(new[] { 0f, 1, 2, 3, 4 }));

        bucketer.MarkReady("a.");                                    // the next step starts from nothing ready
        Assert.That(comm.AllReduceLengths, Has.Count.EqualTo(3));
    }

    [Test]
    public void AMissingGradientCountsAsZero()
    {
        var (ps, _) = Setup();
        ps[1].grad = null;
        var comm = new FakeCommunicator(1, 2) { OthersSum = (_, n) => Enumerable.Repeat(4f, n).ToArray() };
        new GradientBucketer(ps, comm).AverageGradients();
        Assert.That(ps[1].grad!.data<float>().ToArray(), Is.All.EqualTo(2f));
    }

    [Test]
    public void OneProcessLeavesGradientsAlone()
    {
        var (ps, grads) = Setup();
        var comm = new FakeCommunicator(0, 1);
        new GradientBucketer(ps, comm).AverageGradients();
        Assert.That(comm.AllReduceLengths, Is.Empty);
        Assert.That(ps[2].grad!.data<float>().ToArray(), Is.EqualTo(grads[2]));
    }

    [Test]
    public void OnlyFp32ParametersAreBucketed()
    {
        var p = zeros(new long[] { 4 }, dtype: ScalarType.BFloat16, requires_grad: true);
        Assert.That(() => new GradientBucketer(new[] { p }, new FakeCommunicator(0, 2)), Throws.ArgumentException.With.Message.Contains("fp32"));
    }
}
