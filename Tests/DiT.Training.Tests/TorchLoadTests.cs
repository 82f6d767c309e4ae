using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests;

/// <summary>The native TorchSharp library loads (the GLIBCXX workaround worked) and computes.</summary>
public class TorchLoadTests
{
    [Test]
    public void MatmulOfKnownMatricesIsExact()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        using var b = tensor(new float[] { 5, 6, 7, 8 }, new long[] { 2, 2 });
        var c = matmul(a, b).data<float>().ToArray();
        Assert.That(c, Is.EqualTo(new float[] { 19, 22, 43, 50 }));
    }
}
