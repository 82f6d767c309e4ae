using System;
using System.Collections.Generic;
using System.Linq;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>Class names through DiT (FindClass, Generate(string), ClassNames) on a tiny graph with ImageNet's 1000 classes.</summary>
public class DiTClassNameTests
{
    private LoadedPackage _pkg = null!;
    private DiT _dit => _pkg.Dit;
    private List<string> _log => _pkg.Log;

    [OneTimeSetUp]
    public void Setup() => _pkg = LoadedPackage.ImageNet();

    [OneTimeTearDown]
    public void TearDown() => _pkg.Dispose();

    private GeneratedImage Generate(string name) =>
        _dit.Generate(new GenerationOptions { ClassNames = new[] { name }, Steps = 2 })[0];

    [Test]
    public void RetrieverIsTheSameClassThroughEveryEntryPoint()
    {
        Assert.That(_dit.Catalog.IsImageNet, Is.True);
        Assert.That(_dit.FindClass("retriever"), Is.EqualTo(207));
        Assert.That(Generate("retriever").Recipe.ClassId, Is.EqualTo(207));
        Assert.That(_dit.Catalog.Search("retriever", 1)[0].Id, Is.EqualTo(207));
        Assert.That(_dit.ResolveClass("retriever").Id, Is.EqualTo(207));
    }

    [Test]
    public void ImageNetAndManifestSynonymsResolve()
    {
        Assert.That(_dit.FindClass("Carcharodon carcharias"), Is.EqualTo(2));
        Assert.That(_dit.FindClass("goldie"), Is.EqualTo(207));
        Assert.That(Generate("ATM").Recipe.ClassId, Is.EqualTo(480));
    }

    [Test]
    public void AmbiguousAndMisspeltNamesGenerateAndAreLogged()
    {
        lock (_log) _log.Clear();
        Assert.That(Generate("crane").Recipe.ClassId, Is.EqualTo(134));
        Assert.That(Generate("golden retreiver").Recipe.ClassId, Is.EqualTo(207));
        Assert.That(Generate("golden retriever").Recipe.ClassId, Is.EqualTo(207));
        lock (_log)
            Assert.That(_log, Is.EqualTo(new[]
            {
                "DiTPlugin: Class name 'crane' is 'crane' (134); equally ranked: 'crane' (517) (give a class id to pick one of those).",
                "DiTPlugin: Class name 'golden retreiver' is 'golden retriever' (207), taken as a misspelling (1 edit away).",
            }));
        Assert.That(_dit.ResolveClass("crane").Alternatives.Single().Id, Is.EqualTo(517));
    }

    [Test]
    public void AnUnknownNameListsSuggestionsAndSomeClasses()
    {
        var e = Assert.Throws<ArgumentException>(() => Generate("golden retriever puppy"))!;
        Assert.That(e.Message, Does.StartWith("Unknown class name 'golden retriever puppy'; did you mean 'golden retriever' (207), "));
        Assert.That(e.Message, Does.Contain("Classes: tench, goldfish, great white shark, ").And.Contain(", … (1000 classes)."));
    }
}
