using System;
using System.Linq;
using DiTPlugin.Contract.Schedules;
using NUnit.Framework;

namespace DiTPlugin.Contract.Tests;

/// <summary>ADM's space_timesteps semantics, worked out by hand and against Python's loop.</summary>
public class RespacingTests
{
    [Test]
    public void TwentyFiveStepsHaveAdmIndices()
    {
        // stride 999/24 = 41.625, rounded half to even (Python round): 166.5 -> 166, 499.5 -> 500, 832.5 -> 832.
        var expected = new[] { 0, 42, 83, 125, 166, 208, 250, 291, 333, 375, 416, 458, 500, 541, 583, 624, 666, 708,
            749, 791, 832, 874, 916, 957, 999 };
        Assert.That(Respacing.SpaceTimesteps(1000, "25"), Is.EqualTo(expected));
    }

    [Test]
    public void Adm25StepsUseRunningSumWithBankersRounding()
    {
        var r = Respacing.SpaceTimesteps(1000, "25");
        double cur = 0; // reference: Python's loop
        for (int k = 0; k < 25; k++, cur += 999.0 / 24) Assert.That(r[k], Is.EqualTo((int)Math.Round(cur, MidpointRounding.ToEven)));
    }

    [Test]
    public void DdimUsesIntegerStride()
    {
        Assert.That(Respacing.SpaceTimesteps(1000, "ddim50"), Is.EqualTo(Enumerable.Range(0, 50).Select(i => 20 * i).ToArray()));
        Assert.That(Respacing.SpaceTimesteps(1000, "ddim25").Last(), Is.EqualTo(960));
        Assert.Throws<ArgumentException>(() => Respacing.SpaceTimesteps(1000, "ddim3000"));
        Assert.Throws<ArgumentException>(() => Respacing.SpaceTimesteps(1000, "ddim7000"));
    }

    [Test]
    public void TwoHundredFiftyStepsSpanTheChain()
    {
        var steps = Respacing.SpaceTimesteps(1000, "250");
        Assert.That(steps, Has.Length.EqualTo(250));
        Assert.That(steps[0], Is.EqualTo(0));
        Assert.That(steps[^1], Is.EqualTo(999));
        Assert.That(steps, Is.Ordered.Ascending);
    }

    [Test]
    public void SectionCountsSplitTheChain()
    {
        // T=100, 3 sections of sizes 34, 33, 33 (the first takes the remainder).
        // Section 0 [0,34): 10 steps, stride 33/9 = 3.667 -> 0,4,7,11,15,18,22,26,29,33 (running sum, half to even).
        // Section 1 [34,67): 10 steps, stride 32/9 -> 34 + 0,4,7,11,14,18,21,25,28,32.
        // Section 2 [67,100): 5 steps, stride 8 -> 67,75,83,91,99.
        var expected = new[] { 0, 4, 7, 11, 15, 18, 22, 26, 29, 33, 34, 38, 41, 45, 48, 52, 55, 59, 62, 66, 67, 75, 83, 91, 99 };
        Assert.That(Respacing.SpaceTimesteps(100, "10,10,5"), Is.EqualTo(expected));
        Assert.Throws<ArgumentException>(() => Respacing.SpaceTimesteps(100, "60,10"));
    }

    [Test]
    public void EqualSectionsKeepBothEnds()
    {
        // 300 steps in 3 sections of 100: 10 over [0,99], 15 over [100,199], 20 over [200,299].
        var r = Respacing.SpaceTimesteps(300, "10,15,20");
        Assert.That(r.Length, Is.EqualTo(45));
        Assert.That((r[0], r[9], r[10], r[24], r[^1]), Is.EqualTo((0, 99, 100, 199, 299)));
        Assert.Throws<ArgumentException>(() => Respacing.SpaceTimesteps(10, "11"));
        Assert.Throws<ArgumentException>(() => Respacing.SpaceTimesteps(10, "abc"));
    }

    [Test]
    public void AnyStepCountIsOneSection([Values(1, 2, 7, 250, 999, 1000)] int n)
    {
        var r = Respacing.SpaceTimesteps(1000, new[] { n });
        Assert.That(r.Length, Is.EqualTo(n));
        Assert.That(r[0], Is.EqualTo(0));
        if (n > 1) Assert.That(r[^1], Is.EqualTo(999));
        Assert.That(Respacing.SpaceTimesteps(1000, n.ToString()), Is.EqualTo(r), "the string and count forms agree");
    }
}
