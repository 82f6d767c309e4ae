using System;
using System.IO;
using System.Linq;
using System.Reflection;
using DiTPlugin.Contract.Classes;
using DiTPlugin.Tests;
using DiTPlugin.TextureGen;
using NUnit.Framework;

namespace DiTPlugin.Unity.Tests;

/// <summary>
/// The package resolves class names with the Contract's ClassCatalog: the window searches the loaded model's catalog,
/// the inspector one built from model.json, the component resolves through the model's. All agree with DiT.
/// (The ranking itself is tested in Tests/DiTPlugin.Contract.Tests/Classes.)
/// </summary>
[NonParallelizable]
public class ClassResolverTests
{
    private LoadedPackage _pkg = null!;
    private DiT _dit => _pkg.Dit;

    [OneTimeSetUp]
    public void Setup() => _pkg = LoadedPackage.ImageNet(new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu });

    [OneTimeTearDown]
    public void TearDown() => _pkg.Dispose();

    /// <summary>The component's private ResolveClass, as Generate calls it; an unknown name's exception unwrapped.</summary>
    private int ComponentResolves(string name)
    {
        var g = new DiTTextureGenerator { ClassName = name };
        var m = typeof(DiTTextureGenerator).GetMethod("ResolveClass", BindingFlags.NonPublic | BindingFlags.Instance)!;
        try { return (int)m.Invoke(g, new object[] { _dit })!; }
        catch (TargetInvocationException e) { throw e.InnerException!; }
    }

    /// <summary>The inspector's catalog: read from the package's model.json without loading the model.</summary>
    private ClassCatalog InspectorCatalog()
    {
        var manifest = ModelLocator.ReadManifest(_pkg.Path);
        return new ClassCatalog(manifest.Classes.Names, manifest.Classes.Synonyms);
    }

    [TestCase("retriever", 207)]
    [TestCase("golden retriever", 207)]
    [TestCase("golden retreiver", 207)]
    [TestCase("crane", 134)]
    [TestCase("ATM", 480)]
    [TestCase("goldie", 207)]
    [TestCase("Carcharodon carcharias", 2)]
    public void EveryEntryPointGivesTheSameClass(string name, int id)
    {
        Assert.That(_dit.FindClass(name), Is.EqualTo(id), "DiT.FindClass");
        Assert.That(_dit.Generate(new GenerationOptions { ClassNames = new[] { name }, Steps = 2 })[0].Recipe.ClassId, Is.EqualTo(id), "DiT.Generate by name");
        Assert.That(_dit.Catalog.Search(name, 8)[0].Id, Is.EqualTo(id), "the window's search box, first row");
        Assert.That(InspectorCatalog().Search(name, 6)[0].Id, Is.EqualTo(id), "the inspector's list, first row");
        Assert.That(ComponentResolves(name), Is.EqualTo(id), "DiTTextureGenerator");
    }

    [Test]
    public void TheWindowSeesImageNetAndTheAmbiguity()
    {
        Assert.That(_dit.Catalog.IsImageNet, Is.True);
        Assert.That(InspectorCatalog().IsImageNet, Is.True);
        var crane = _dit.Catalog.Search("crane", 8);
        Assert.That(crane.Take(2).Select(m => (m.Id, m.Kind)), Is.EqualTo(new[] { (134, MatchKind.ExactName), (517, MatchKind.ExactName) }));
        Assert.That(_dit.ResolveClass("crane").Alternatives.Select(m => m.Id), Is.EqualTo(new[] { 517 }));
    }

    [Test]
    public void TheComponentWarnsAboutAnAmbiguousNameAndSuggestsForAnUnknownOne()
    {
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        try { Assert.That(ComponentResolves("crane"), Is.EqualTo(134)); }
        finally { Console.SetOut(previous); }
        Assert.That(output.ToString(), Does.Contain("warning: Class name 'crane' is 'crane' (134); equally ranked: 'crane' (517)"));

        var e = Assert.Throws<ArgumentException>(() => ComponentResolves("golden retriever puppy"))!;
        Assert.That(e.Message, Does.StartWith("No class of 'tiny-imagenet' matches 'golden retriever puppy'; did you mean 'golden retriever'? Classes: tench, goldfish,"));
    }
}
