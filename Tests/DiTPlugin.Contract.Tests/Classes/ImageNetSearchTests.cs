using System.Linq;
using DiTPlugin.Contract.Classes;
using NUnit.Framework;

namespace DiTPlugin.Contract.Tests;

/// <summary>The ranking over a model with ImageNet's names: the editor window's search box and DiT.FindClass alike.</summary>
public class ImageNetSearchTests
{
    private static readonly ClassCatalog ImageNet = new(ImageNetClasses.All.Select(c => c.Name).ToArray());

    [Test]
    public void ExactNameComesFirst()
    {
        var r = ImageNet.Search("golden retriever", 5);
        Assert.That(r[0].Id, Is.EqualTo(207));
        Assert.That(r[0].Kind, Is.EqualTo(MatchKind.ExactName));
        Assert.That(ImageNet.Find("golden retriever"), Is.EqualTo(207));
        // The rest are partial candidates: the other retrievers share a word.
        Assert.That(r.Skip(1).Select(m => m.Kind), Is.All.EqualTo(MatchKind.SomeWords));
        Assert.That(r.Skip(1).Select(m => m.Name), Is.All.Contain("retriever").Or.Contain("golden"));
    }

    [Test]
    public void PartialWordFindsAllTheRetrievers()
    {
        var r = ImageNet.Search("retriever", 10);
        Assert.That(r.Take(5).Select(m => m.Id), Is.EquivalentTo(new[] { 205, 206, 207, 208, 209 }));
        Assert.That(r.Take(5).Select(m => m.Kind), Is.All.EqualTo(MatchKind.WordsInName));
        Assert.That(r.Skip(5).Select(m => m.Kind), Is.All.GreaterThan(MatchKind.WordsInName));
        Assert.That(r[0].Name, Is.EqualTo("golden retriever"), "among equals, shorter names first");
        Assert.That(ImageNet.Find("retriever"), Is.EqualTo(207));
    }

    [Test]
    public void SynonymsFindTheirClass()
    {
        Assert.That(ImageNet.IsImageNet, Is.True);
        Assert.That(ImageNet.Search("Carcharodon carcharias", 3)[0], Has.Property("Id").EqualTo(2).And.Property("Kind").EqualTo(MatchKind.ExactSynonym));
        var shark = ImageNet.Search("white shark", 3);
        Assert.That(shark[0].Id, Is.EqualTo(2));
        Assert.That(shark[0].MatchedTerm, Is.EqualTo("white shark"));
        Assert.That(ImageNet.Search("ATM", 1)[0].Name, Is.EqualTo("cash machine"));
        Assert.That(ImageNet.Find("tee shirt"), Is.EqualTo(610), "jersey, T-shirt, tee shirt");
        Assert.That(ImageNet.Find("Labrador"), Is.EqualTo(208));
    }

    [Test]
    public void CaseAndPunctuationAreIgnoredBelowExactMatches()
    {
        Assert.That(ImageNet.Search("GOLDEN RETRIEVER", 1)[0], Has.Property("Id").EqualTo(207).And.Property("Kind").EqualTo(MatchKind.Name));
        Assert.That(ImageNet.Search("golden-retriever", 1)[0].Id, Is.EqualTo(207));
        Assert.That(ImageNet.Search("  Golden   Retriever ", 1)[0].Id, Is.EqualTo(207));
        Assert.That(ImageNet.Search("WHITE SHARK", 1)[0], Has.Property("Id").EqualTo(2).And.Property("Kind").EqualTo(MatchKind.Synonym));
    }

    [Test]
    public void PrefixesSubstringsAndWordPrefixes()
    {
        Assert.That(ImageNet.Search("golden re", 3)[0], Has.Property("Id").EqualTo(207).And.Property("Kind").EqualTo(MatchKind.NamePrefix));
        var triev = ImageNet.Search("triev", 10);
        Assert.That(triev.Select(m => m.Id), Is.EquivalentTo(new[] { 205, 206, 207, 208, 209 }));
        Assert.That(triev.Select(m => m.Kind), Is.All.EqualTo(MatchKind.InName));
        var r = ImageNet.Search("retr gold", 3);
        Assert.That(r[0], Has.Property("Id").EqualTo(207).And.Property("Kind").EqualTo(MatchKind.WordPrefixesInName));
    }

    [Test]
    public void MisspellingsResolveToTheNearestName()
    {
        var r = ImageNet.Search("golden retreiver", 3);
        Assert.That(r[0], Has.Property("Id").EqualTo(207).And.Property("Kind").EqualTo(MatchKind.Typo).And.Property("Score").EqualTo(1));
        Assert.That(ImageNet.Find("golden retreiver"), Is.EqualTo(207));
        Assert.That(ImageNet.Find("goldenretriever"), Is.EqualTo(207), "a missing space is one edit");
        // A misspelt single word is compared with each word of the names: the five retrievers, shortest first.
        var one = ImageNet.Search("retreiver", 5);
        Assert.That(one.Select(m => m.Id), Is.EquivalentTo(new[] { 205, 206, 207, 208, 209 }));
        Assert.That(one.Select(m => m.Kind), Is.All.EqualTo(MatchKind.Typo));
        Assert.That(one[0].Id, Is.EqualTo(207));
        Assert.That(ImageNet.Search("zebar", 1)[0], Has.Property("Id").EqualTo(340).And.Property("Kind").EqualTo(MatchKind.Typo).And.Property("Score").EqualTo(1));
        // A misspelling keeps its first letter: "boat" lists boats, not "fur coat" or "lab coat".
        var boat = ImageNet.Search("boat", 20);
        Assert.That(boat.Select(m => m.Id), Does.Contain(554).And.Not.Contains(568).And.Not.Contains(617));
        Assert.That(boat.Select(m => m.Kind), Is.Ordered, "misspellings (boar, boot, boa) after every real match");
        // Below 4 characters nothing is a misspelling.
        Assert.That(ImageNet.Search("cst", 5), Is.Empty);
    }

    [Test]
    public void HomonymsReturnEveryClass()
    {
        var crane = ImageNet.Search("crane", 5);
        Assert.That(crane.Take(2).Select(m => (m.Id, m.Kind)), Is.EqualTo(new[] { (134, MatchKind.ExactName), (517, MatchKind.ExactName) }));
        // "grass snake" is a synonym of two snakes.
        Assert.That(ImageNet.Search("grass snake", 5).Take(2).Select(m => m.Id), Is.EqualTo(new[] { 55, 57 }));
    }

    [Test]
    public void EmptyQueryListsClassesAndNonsenseFindsNothing()
    {
        Assert.That(ImageNet.Search("", 3).Select(m => m.Id), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(ImageNet.Search(" -- ", 2).Select(m => m.Id), Is.EqualTo(new[] { 0, 1 }), "no words: the same listing");
        Assert.That(ImageNet.Search("zzqqxx", 5), Is.Empty);
        Assert.That(ImageNet.Find("zzqqxx"), Is.Null);
        Assert.That(ImageNet.Find(""), Is.Null);
        Assert.That(ImageNet.Find("--"), Is.Null);
        Assert.That(ImageNet.Search("dog", 0), Is.Empty);
    }
}
