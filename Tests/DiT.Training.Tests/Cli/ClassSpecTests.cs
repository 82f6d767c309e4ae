using System;
using System.Collections.Generic;
using System.Linq;
using DiT.Cli;
using DiTPlugin.Contract.Classes;
using NUnit.Framework;

namespace DiT.Training.Tests.Cli;

/// <summary>
/// `dit sample --classes`: ids and names, the names resolved by the Contract's resolver. The expected ids are the ones
/// the Plugin's tests expect of DiT.FindClass and Generate on a model with ImageNet's classes (DiTClassNameTests).
/// </summary>
public class ClassSpecTests
{
    private static readonly IReadOnlyList<string> ImageNetNames = ImageNetClasses.All.Select(c => c.Name).ToArray();
    private static readonly ClassCatalog ImageNet = ClassSpec.Catalog(ImageNetNames, 1000);

    private static int[] Parse(string? spec, ClassCatalog catalog, List<string>? notes = null) => ClassSpec.Parse(spec, catalog, notes);

    [Test]
    public void NamesAndIdsMix()
    {
        Assert.That(Parse("tabby,3", ImageNet), Is.EqualTo(new[] { 281, 3 }));
        Assert.That(Parse(" tabby cat , 0 ,,3", ImageNet), Is.EqualTo(new[] { 281, 0, 3 }), "spaces and empty entries are ignored");
    }

    [TestCase("golden retriever", 207)]
    [TestCase("GOLDEN-RETRIEVER", 207)]
    [TestCase("Carcharodon carcharias", 2)]
    [TestCase("ATM", 480)]
    [TestCase("tee shirt", 610)]
    [TestCase("Labrador", 208)]
    [TestCase("zebar", 340)]
    public void NamesResolveAsInThePlugin(string name, int id)
    {
        Assert.That(Parse(name, ImageNet), Is.EqualTo(new[] { id }));
        Assert.That(Parse(name, ImageNet).Single(), Is.EqualTo(ImageNet.Find(name)), "the same answer as the catalog the Plugin builds");
    }

    [Test]
    public void AmbiguousAndMisspeltNamesAreTakenAndSaidSo()
    {
        var notes = new List<string>();
        Assert.That(Parse("crane,golden retreiver,golden retriever", ImageNet, notes), Is.EqualTo(new[] { 134, 207, 207 }));
        Assert.That(notes, Is.EqualTo(new[]
        {
            "Class name 'crane' is 'crane' (134); equally ranked: 'crane' (517) (give a class id to pick one of those).",
            "Class name 'golden retreiver' is 'golden retriever' (207), taken as a misspelling (1 edit away).",
        }), "the messages the Plugin logs for the same names");
    }

    [Test]
    public void AnUnknownNameNamesSuggestionsAndTheValidClasses()
    {
        var e = Assert.Throws<ArgumentException>(() => Parse("tabby,golden retriever puppy", ImageNet))!;
        Assert.That(e.Message, Does.StartWith("--classes: Unknown class name 'golden retriever puppy'; did you mean 'golden retriever' (207), "));
        Assert.That(e.Message, Does.Contain(" Classes: 0 tench, 1 goldfish, 2 great white shark, ").And.EndWith(", … (1000 classes); or give a class id 0..999."));

        var small = ClassSpec.Catalog(new[] { "stone", "brick", "moss" }, 3);
        Assert.That(Assert.Throws<ArgumentException>(() => Parse("granite", small))!.Message,
            Does.StartWith("--classes: Unknown class name 'granite'").And.EndWith(" Classes: 0 stone, 1 brick, 2 moss; or give a class id 0..2."));
    }

    [Test]
    public void IdsOutOfRangeAndEmptySpecsAreRefused()
    {
        var small = ClassSpec.Catalog(new[] { "stone", "brick", "moss" }, 3);
        Assert.That(Assert.Throws<ArgumentException>(() => Parse("1,3", small))!.Message, Is.EqualTo("--classes: class id 3 is out of range: valid ids are 0..2."));
        Assert.That(Assert.Throws<ArgumentException>(() => Parse("-1", small))!.Message, Is.EqualTo("--classes: class id -1 is out of range: valid ids are 0..2."));
        Assert.That(Assert.Throws<ArgumentException>(() => Parse(" , ", small))!.Message, Does.StartWith("--classes ' , ' names no class"));
    }

    [Test]
    public void WithoutClassesTheFirstSixteen()
    {
        Assert.That(Parse(null, ImageNet), Is.EqualTo(Enumerable.Range(0, 16)));
        Assert.That(Parse("  ", ClassSpec.Catalog(new[] { "stone", "brick", "moss" }, 3)), Is.EqualTo(new[] { 0, 1, 2 }));
    }

    [Test]
    public void UnnamedClassesAreClassI()
    {
        // A checkpoint whose data named fewer classes than the model has.
        var c = ClassSpec.Catalog(new[] { "stone" }, 3);
        Assert.That(c.Entries.Select(e => e.Name), Is.EqualTo(new[] { "stone", "class 1", "class 2" }));
        Assert.That(Parse("class 2,stone", c), Is.EqualTo(new[] { 2, 0 }));
        // An imported DiT-XL/2 without --class-names ("class 0".."class 999") still takes ImageNet's names, as in the Plugin.
        var imported = ClassSpec.Catalog(Enumerable.Range(0, 1000).Select(i => $"class {i}").ToArray(), 1000);
        Assert.That(Parse("tabby,class 7", imported), Is.EqualTo(new[] { 281, 7 }));
    }
}
