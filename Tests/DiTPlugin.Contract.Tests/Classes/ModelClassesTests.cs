using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Contract.Classes;
using NUnit.Framework;

namespace DiTPlugin.Contract.Tests;

/// <summary>Which names and synonyms a model's catalog searches: ImageNet's only for ImageNet's 1000 classes, the manifest's always.</summary>
public class ModelClassesTests
{
    [Test]
    public void ImageNetNamesBringImageNetSynonymsAndKeepTheManifests()
    {
        var names = ImageNetClasses.All.Select(c => c.Name).ToArray();
        names[207] = "Golden Retriever";   // the model's spelling is kept, ImageNet's synonyms still apply
        var c = new ClassCatalog(names, new Dictionary<string, int> { ["goldie"] = 207, ["white shark"] = 2 });
        Assert.That(c.IsImageNet, Is.True);
        Assert.That(c.Entries[207].Name, Is.EqualTo("Golden Retriever"));
        Assert.That(c.Entries[207].Wnid, Is.EqualTo("n02099601"));
        Assert.That(c.Entries[207].Synonyms, Is.EqualTo(new[] { "goldie" }));
        Assert.That(c.Entries[2].Synonyms, Is.EqualTo(new[] { "white shark", "man-eater", "man-eating shark", "Carcharodon carcharias" }), "no duplicates");
        Assert.That(c.Find("goldie"), Is.EqualTo(207));
        Assert.That(c.Find("Golden Retriever"), Is.EqualTo(207));
        Assert.That(c.Find("ATM"), Is.EqualTo(480));
        Assert.That(c.Names[207], Is.EqualTo("Golden Retriever"));
    }

    [Test]
    public void UnnamedImageNetClassesAreShownByImageNetsNames()
    {
        var c = new ClassCatalog(Enumerable.Range(0, 1000).Select(i => "class " + i).ToArray());
        Assert.That(c.IsImageNet, Is.True, "an imported model without --class-names still gets ImageNet's names");
        Assert.That(c.Find("retriever"), Is.EqualTo(207));
        Assert.That(c.Search("retriever", 1)[0].Name, Is.EqualTo("golden retriever"));
        Assert.That(c.Search("class 7", 1)[0], Has.Property("Id").EqualTo(7).And.Property("Kind").EqualTo(MatchKind.ExactSynonym));
        Assert.That(c.Names[207], Is.EqualTo("class 207"), "Names stay the model's");
    }

    [Test]
    public void OtherModelsUseTheirOwnNamesAndSynonyms()
    {
        var other = Enumerable.Range(0, 1000).Select(i => "texture " + i).ToArray();
        other[207] = "golden retriever";
        var c = new ClassCatalog(other);
        Assert.That(c.IsImageNet, Is.False);
        Assert.That(c.Find("Labrador"), Is.Null);

        var small = new ClassCatalog(new[] { "base_floor", "base_wall", "skies" }, new Dictionary<string, int> { ["sky"] = 2, ["ground"] = 0 });
        Assert.That(small.IsImageNet, Is.False);
        Assert.That(small.Find("wall"), Is.EqualTo(1));
        Assert.That(small.Find("sky"), Is.EqualTo(2));
        Assert.That(small.Search("ground", 1)[0].Kind, Is.EqualTo(MatchKind.ExactSynonym));
        Assert.That(small.Search("base", 5).Select(m => m.Id), Is.EqualTo(new[] { 1, 0 }), "whole words in both; the shorter name first");
        Assert.That(small.Resolve("base").Alternatives.Select(m => m.Id), Is.EqualTo(new[] { 0 }));
    }

    [Test]
    public void BlankNamesBecomePlaceholders()
    {
        var c = new ClassCatalog(new[] { "stone", " " });
        Assert.That(c.Entries[1].Name, Is.EqualTo("class 1"));
        Assert.That(c.Find("class 1"), Is.EqualTo(1));
        Assert.That(c.Names, Is.EqualTo(new[] { "stone", " " }));
    }
}
