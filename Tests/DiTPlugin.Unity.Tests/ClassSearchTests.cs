using System.Collections.Generic;
using System.Linq;
using DiTPlugin.TextureGen;
using NUnit.Framework;

namespace DiTPlugin.Unity.Tests;

/// <summary>The ImageNet list and the ranked search behind the editor window's search box and the component's class field.</summary>
public class ClassSearchTests
{
    private static readonly ClassSearch ImageNet = ClassSearch.ForModel(ImageNetClasses.All.Select(c => c.Name).ToArray());

    [Test]
    public void TheBuiltInListIsImageNet1kInIndexOrder()
    {
        var all = ImageNetClasses.All;
        Assert.That(all, Has.Count.EqualTo(1000));
        Assert.That(all.Select(c => c.Id), Is.EqualTo(Enumerable.Range(0, 1000)));
        Assert.That(all.Select(c => c.Wnid).Distinct().Count(), Is.EqualTo(1000));
        // The standard order is the WordNet ids sorted.
        Assert.That(all.Select(c => c.Wnid), Is.Ordered.Using<string>(System.StringComparer.Ordinal));
        Assert.That((all[0].Wnid, all[0].Name, all[0].Synonyms), Is.EqualTo(("n01440764", "tench", new[] { "Tinca tinca" })));
        Assert.That((all[207].Wnid, all[207].Name), Is.EqualTo(("n02099601", "golden retriever")));
        Assert.That((all[134].Wnid, all[517].Wnid), Is.EqualTo(("n02012849", "n03126707")), "crane the bird, crane the machine");
        Assert.That((all[999].Wnid, all[999].Name), Is.EqualTo(("n15075141", "toilet tissue")));
        Assert.That(all[2].Synonyms, Is.EqualTo(new[] { "white shark", "man-eater", "man-eating shark", "Carcharodon carcharias" }));
    }

    [Test]
    public void ParsesSynsetFilesAndPlainNameLists()
    {
        var withIds = ImageNetClasses.Parse("n01440764 tench, Tinca tinca\r\n\r\nn01443537 goldfish, Carassius auratus\n");
        Assert.That(withIds.Select(c => (c.Id, c.Wnid, c.Name)), Is.EqualTo(new[] { (0, "n01440764", "tench"), (1, "n01443537", "goldfish") }));
        var plain = ImageNetClasses.Parse("stone wall\nbrick, brickwork");
        Assert.That(plain.Select(c => (c.Wnid, c.Name, c.Synonyms.Count)), Is.EqualTo(new[] { ((string?)null, "stone wall", 0), (null, "brick", 1) }));
        var e = Assert.Throws<System.FormatException>(() => ImageNetClasses.Parse("n01440764 tench\nn01443537 ,", "mapping.txt"));
        Assert.That(e!.Message, Does.Contain("mapping.txt, line 2"));
    }

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
        Assert.That(r.Select(m => m.Id), Is.EquivalentTo(new[] { 205, 206, 207, 208, 209 }));
        Assert.That(r.Select(m => m.Kind), Is.All.EqualTo(MatchKind.WordsInName));
        Assert.That(r.Select(m => m.Name).First(), Is.EqualTo("golden retriever"), "among equals, shorter names first");
    }

    [Test]
    public void SynonymsFindTheirClass()
    {
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
        Assert.That(ImageNet.Search("triev", 10).Select(m => m.Id), Is.SupersetOf(new[] { 205, 206, 207, 208, 209 }));
        Assert.That(ImageNet.Search("triev", 10).Select(m => m.Kind), Is.All.EqualTo(MatchKind.InName));
        var r = ImageNet.Search("retr gold", 3);
        Assert.That(r[0], Has.Property("Id").EqualTo(207).And.Property("Kind").EqualTo(MatchKind.WordPrefixesInName));
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
        Assert.That(ImageNet.Search("zzqqxx", 5), Is.Empty);
        Assert.That(ImageNet.Find("zzqqxx"), Is.Null);
        Assert.That(ImageNet.Find(""), Is.Null);
        Assert.That(ImageNet.Search("dog", 0), Is.Empty);
    }

    [Test]
    public void ModelsUseImageNetOnlyWhenTheirNamesAre()
    {
        Assert.That(ImageNet.IsImageNet, Is.True);
        var unnamed = ClassSearch.ForModel(Enumerable.Range(0, 1000).Select(i => "class " + i).ToArray());
        Assert.That(unnamed.IsImageNet, Is.True, "an imported model without --class-names still gets ImageNet's names");
        Assert.That(unnamed.Find("retriever"), Is.EqualTo(207));

        var other = Enumerable.Range(0, 1000).Select(i => "texture " + i).ToArray();
        Assert.That(ClassSearch.ForModel(other).IsImageNet, Is.False);

        var small = ClassSearch.ForModel(new[] { "base_floor", "base_wall", "skies" }, new Dictionary<string, int> { ["sky"] = 2, ["ground"] = 0 });
        Assert.That(small.IsImageNet, Is.False);
        Assert.That(small.Find("wall"), Is.EqualTo(1));
        Assert.That(small.Find("sky"), Is.EqualTo(2));
        Assert.That(small.Search("ground", 1)[0].Kind, Is.EqualTo(MatchKind.ExactSynonym));
        Assert.That(small.Search("base", 5).Select(m => m.Id), Is.EqualTo(new[] { 1, 0 }), "whole words in both; the shorter name first");
    }
}
