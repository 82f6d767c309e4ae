using System;
using DiTPlugin.Contract.Sampling;
using NUnit.Framework;

namespace DiTPlugin.Contract.Tests;

/// <summary>The one sampler-spec grammar the CLI, evaluation and the trainer's grids share.</summary>
public class SamplerSpecTests
{
    [TestCase("ddpm250", SamplerFamily.Ddpm, "250", 250, "ddpm250")]
    [TestCase("250", SamplerFamily.Ddpm, "250", 250, "ddpm250")]
    [TestCase(" DDIM50 ", SamplerFamily.Ddim, "ddim50", 50, "ddim50")]
    [TestCase("dpm20", SamplerFamily.DpmSolver, "20", 20, "dpm20")]
    [TestCase("10,15,20", SamplerFamily.Ddpm, "10,15,20", 45, "ddpm10,15,20")]
    [TestCase("ddpm1000", SamplerFamily.Ddpm, "1000", 1000, "ddpm1000")]
    public void ParsesEveryForm(string text, SamplerFamily family, string respacing, int steps, string canonical)
    {
        var s = SamplerSpec.Parse(text);
        Assert.That((s.Family, s.Respacing, s.Steps, s.ToString()), Is.EqualTo((family, respacing, steps, canonical)));
        Assert.That(SamplerSpec.Parse(s.ToString()), Is.EqualTo(s), "the canonical name parses back to the same spec");
    }

    [TestCase("abc")]
    [TestCase("")]
    [TestCase("ddim0")]
    [TestCase("dpm-5")]
    [TestCase("ddpm1001")]
    [TestCase("99999999999")]
    [TestCase("ddim10,20")]
    [TestCase("600,600")]
    public void RefusesAnythingElseNamingTheGrammar(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => SamplerSpec.Parse(text))!;
        Assert.That(e.Message, Does.Contain($"'{text}'"));
        Assert.That(e.Message, Does.Contain("1..1000").Or.Contain("DDPM only").Or.Contain("the model has 1000"));
    }

    [Test]
    public void BeforeTheModelIsKnownOnlyTheGrammarIsChecked()
    {
        // A command line is parsed before the checkpoint is read: a T = 4000 model may be sampled with ddpm2000.
        Assert.That(SamplerSpec.ParseForAnyModel("ddpm2000"), Is.EqualTo(new SamplerSpec(SamplerFamily.Ddpm, "2000", 2000)));
        Assert.That(SamplerSpec.ParseForAnyModel("ddim1500").Respacing, Is.EqualTo("ddim1500"));
        Assert.Throws<ArgumentException>(() => SamplerSpec.Parse("ddpm2000"), "a T = 1000 model still refuses it");
        Assert.That(SamplerSpec.Parse("ddpm2000", 4000), Is.EqualTo(SamplerSpec.ParseForAnyModel("ddpm2000")));
        foreach (var bad in new[] { "abc", "ddim0", "dpm-5", "ddim10,20", "99999999999" })
        {
            var e = Assert.Throws<ArgumentException>(() => SamplerSpec.ParseForAnyModel(bad), bad)!;
            Assert.That(e.Message, Does.Contain($"'{bad}'").And.Contain("N in 1..T").Or.Contain("DDPM only"), bad);
        }
        Assert.That(SamplerSpec.ParseForAnyModel("2000000000,2000000000").Steps, Is.EqualTo(int.MaxValue), "the step sum saturates, never wraps negative");
        Assert.Throws<ArgumentOutOfRangeException>(() => SamplerSpec.Parse("ddim5", 0));
    }

    [Test]
    public void SpecsAreValuesAndTheStepLimitFollowsTheModel()
    {
        Assert.That(SamplerSpec.Parse(" DPM20 "), Is.EqualTo(SamplerSpec.Parse("dpm20")));
        Assert.That(SamplerSpec.Parse("dpm20").GetHashCode(), Is.EqualTo(SamplerSpec.Parse("dpm20").GetHashCode()));
        Assert.That(SamplerSpec.Parse("dpm20") == SamplerSpec.Parse("dpm20"), Is.True);
        Assert.That(SamplerSpec.Parse("dpm20") != SamplerSpec.Parse("ddim20"), Is.True);
        Assert.That(SamplerSpec.Parse("ddim50", 100).Respacing, Is.EqualTo("ddim50"));
        var e = Assert.Throws<ArgumentException>(() => SamplerSpec.Parse("250", 100))!;
        Assert.That(e.Message, Does.Contain("1..100"));
        Assert.Throws<ArgumentNullException>(() => SamplerSpec.Parse(null!));
    }
}
