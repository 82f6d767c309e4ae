using System.Linq;
using DiTPlugin.Contract.Classes;
using NUnit.Framework;

namespace DiTPlugin.Contract.Tests;

/// <summary>Which class names repeat (trimmed, ignoring case) and which repeats a model may keep: only ImageNet's own.</summary>
public class ClassNameRepeatsTests
{
    private static string[] ImageNetNames() => ImageNetClasses.All.Select(c => c.Name).ToArray();

    [Test]
    public void NamesRepeatTrimmedAndIgnoringCaseButBlanksNever()
    {
        var repeats = ClassNameRepeats.Find(new[] { "Stone", "brick", "stone ", "", " ", "BRICK", "moss" });
        Assert.That(repeats.Select(r => (r.Name, r.Ids)), Is.EqualTo(new[] { ("Stone", new[] { 0, 2 }), ("brick", new[] { 1, 5 }) }));
        Assert.That(ClassNameRepeats.Describe(repeats), Is.EqualTo("'Stone' names classes 0, 2; 'brick' names classes 1, 5"));
        Assert.That(ClassNameRepeats.Refused(new[] { "", " ", "a" }), Is.Empty, "blank names are placeholders");
        Assert.That(ClassNameRepeats.Refused(new[] { "stone", "Stone" }).Single().Ids, Is.EqualTo(new[] { 0, 1 }));
    }

    [Test]
    public void ImageNetsOwnRepeatsAreKeptInAnImageNetModel()
    {
        var names = ImageNetNames();
        Assert.That(ClassNameRepeats.Find(names).Select(r => (r.Name, r.Ids)),
            Is.EqualTo(new[] { ("crane", new[] { 134, 517 }), ("Cardigan", new[] { 264, 474 }), ("maillot", new[] { 638, 639 }) }),
            "the corgi and the sweater differ only in case");
        Assert.That(ClassNameRepeats.Refused(names), Is.Empty);

        // Placeholders ("class 7", as an import without names writes) still make the model ImageNet's.
        names[7] = "class 7";
        Assert.That(ClassNameRepeats.Refused(names), Is.Empty);
    }

    [Test]
    public void AnyOtherRepeatIsRefused()
    {
        var names = ImageNetNames();
        names[5] = "crane";   // no longer ImageNet's list: its own repeats are not excused either
        Assert.That(ClassNameRepeats.Refused(names).Select(r => (r.Name, r.Ids)),
            Is.EqualTo(new[] { ("crane", new[] { 5, 134, 517 }), ("Cardigan", new[] { 264, 474 }), ("maillot", new[] { 638, 639 }) }));

        // The same ids with ImageNet's repeat are not enough without ImageNet's 1000 classes.
        var other = Enumerable.Range(0, 1000).Select(i => $"texture {i}").ToArray();
        other[134] = other[517] = "crane";
        Assert.That(ClassNameRepeats.Refused(other).Single().Ids, Is.EqualTo(new[] { 134, 517 }));
    }
}
