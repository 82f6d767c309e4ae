using System;
using DiT.Training.Eval;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Eval;

public class ClassAccuracyTests
{
    [Test]
    public void ShareOfArgmaxHits()
    {
        // argmax per row: 0, 2, 1, 1 (row 3 ties 1 and 2 → the lower index); asked for 0, 2, 2, 1 → 3 of 4.
        using var logits = tensor(new float[] { 5, 1, 0, 0, 1, 2, 0, 3, 1, -1, 4, 4 }, new long[] { 4, 3 });
        using var asked = tensor(new long[] { 0, 2, 2, 1 });
        Assert.That(ClassAccuracy.Compute(logits, asked), Is.EqualTo(0.75));
    }

    [Test]
    public void BadInputGivesClearErrors()
    {
        using var logits = zeros(2, 3);
        using var wrongCount = tensor(new long[] { 0 });
        using var outOfRange = tensor(new long[] { 0, 3 });
        using var floats = tensor(new float[] { 0, 1 });
        Assert.That(Assert.Throws<ArgumentException>(() => ClassAccuracy.Compute(logits, wrongCount))!.Message, Does.Contain("one requested class per sample"));
        Assert.That(Assert.Throws<ArgumentException>(() => ClassAccuracy.Compute(logits, outOfRange))!.Message, Does.Contain("[0, 3)"));
        Assert.Throws<ArgumentException>(() => ClassAccuracy.Compute(logits, floats));
    }
}

public class SampleImagesTests
{
    [Test]
    public void MapsMinusOneToOneOntoBytesAndPermutesToNhwc()
    {
        // (1, 3, 1, 3): channel c, column x. Values → round((v + 1) · 127.5) clamped:
        // -1 → 0, 1 → 255, 0 → 127.5 → 128 (half to even), -0.5 → 63.75 → 64, 2 → 382.5 → 255, -3 → 0,
        // 0.003 → 127.88 → 128, -0.999 → 0.1275 → 0, 0.996 → 254.49 → 254.
        var v = new float[] { -1, 1, 0, -0.5f, 2, -3, 0.003f, -0.999f, 0.996f };
        using var x = tensor(v, new long[] { 1, 3, 1, 3 });
        using var b = SampleImages.ToUint8Nhwc(x);
        Assert.That(b.dtype, Is.EqualTo(ScalarType.Byte));
        Assert.That(b.shape, Is.EqualTo(new long[] { 1, 1, 3, 3 }));
        // NHWC: pixel x holds (c0[x], c1[x], c2[x]).
        Assert.That(b.data<byte>().ToArray(), Is.EqualTo(new byte[] { 0, 64, 128, 255, 255, 0, 128, 0, 254 }));
    }

    [Test]
    public void NaNIsRefused()
    {
        using var x = full(new long[] { 1, 3, 2, 2 }, float.NaN);
        Assert.That(Assert.Throws<ArgumentException>(() => SampleImages.ToUint8Nhwc(x))!.Message, Does.Contain("NaN"));
    }
}
