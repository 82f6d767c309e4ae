using System;
using System.Linq;
using System.Threading.Tasks;
using DiTPlugin.Noise;
using NUnit.Framework;

namespace DiTPlugin.Tests;

public class NoiseTests
{
    [Test]
    public void PhiloxKnownAnswers()
    {
        // Random123 kat_vectors for philox4x32-10.
        Assert.That(Philox4x32.Generate(0, 0, 0, 0, 0, 0), Is.EqualTo((0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)));
        Assert.That(Philox4x32.Generate(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff),
            Is.EqualTo((0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)));
        Assert.That(Philox4x32.Generate(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0),
            Is.EqualTo((0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)));
    }

    [Test]
    public void NoiseIsAPureFunctionOfTheRecipeWhateverTheThreadCount()
    {
        const int images = 8, n = 1000;
        float[][] Draw(int threads)
        {
            var r = new float[images][];
            Parallel.For(0, images, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
            {
                r[i] = new float[n];
                GaussianNoise.Fill(42, (uint)i, 3, r[i]);
            });
            return r;
        }
        var one = Draw(1);
        var many = Draw(8);
        for (int i = 0; i < images; i++) Assert.That(many[i], Is.EqualTo(one[i]));
        // Any element on its own, and any sub-range, gives the same value.
        Assert.That(GaussianNoise.Sample(42, 5, 3, 777), Is.EqualTo(one[5][777]));
        var part = new float[10];
        GaussianNoise.Fill(42, 5, 3, part, 333);
        Assert.That(part, Is.EqualTo(one[5].Skip(333).Take(10)));
        // Different image, draw or seed: different noise.
        Assert.That(one[0], Is.Not.EqualTo(one[1]));
        var other = new float[n];
        GaussianNoise.Fill(43, 0, 3, other);
        Assert.That(other, Is.Not.EqualTo(one[0]));
    }

    [Test]
    public void NoiseIsStandardNormal()
    {
        var z = new float[200_000];
        GaussianNoise.Fill(1, 0, 0, z);
        double mean = z.Average(v => (double)v);
        double var = z.Average(v => (v - mean) * (v - mean));
        Assert.That(mean, Is.EqualTo(0).Within(0.01));
        Assert.That(var, Is.EqualTo(1).Within(0.02));
        Assert.That(z.All(float.IsFinite));
    }
}
