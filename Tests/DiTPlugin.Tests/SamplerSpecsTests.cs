using System;
using DiTPlugin.Contract.Sampling;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>Training's sampler specs read into the Plugin's sampler and step count.</summary>
public class SamplerSpecsTests
{
    [TestCase("dpm20", SamplerKind.DpmSolverPlusPlus2M, 20)]
    [TestCase(" DDIM50 ", SamplerKind.Ddim, 50)]
    [TestCase("ddpm250", SamplerKind.Ddpm, 250)]
    [TestCase("250", SamplerKind.Ddpm, 250)]
    public void ParsesTheSpecsTrainingTakes(string spec, SamplerKind sampler, int steps)
    {
        Assert.That(SamplerSpecs.Parse(spec), Is.EqualTo((sampler, steps)));
        Assert.That(SamplerSpecs.Parse(SamplerSpecs.Format(sampler, steps)), Is.EqualTo((sampler, steps)), "the canonical name parses back");
        Assert.That(SamplerSpecs.Format(sampler, steps), Is.EqualTo(SamplerSpec.Parse(spec).ToString()), "the same canonical name as Training's");
    }

    [Test]
    public void EveryFamilyHasASampler()
    {
        foreach (SamplerFamily f in Enum.GetValues(typeof(SamplerFamily)))
            Assert.That(() => f.ToSamplerKind(), Throws.Nothing, f.ToString());
    }

    [TestCase("euler20")]
    [TestCase("dpm0")]
    [TestCase("10,15,20")]
    [TestCase("ddpm10,15")]
    public void RefusesWhatItCannotSample(string spec)
    {
        var e = Assert.Throws<ArgumentException>(() => SamplerSpecs.Parse(spec))!;
        Assert.That(e.Message, Does.Contain($"'{spec}'"));
    }

    [Test]
    public void TheStepLimitIsTheModels()
    {
        Assert.That(SamplerSpecs.Parse("ddim100", 100), Is.EqualTo((SamplerKind.Ddim, 100)));
        Assert.Throws<ArgumentException>(() => SamplerSpecs.Parse("ddim101", 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplerSpecs.Format(SamplerKind.DpmSolverPlusPlus2M, 0));
    }
}
