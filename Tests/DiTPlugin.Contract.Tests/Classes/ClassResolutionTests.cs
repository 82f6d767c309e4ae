using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Contract.Classes;
using NUnit.Framework;

namespace DiTPlugin.Contract.Tests;

/// <summary>Resolve: the match, the equally ranked classes (ambiguity) and the suggestions for an unknown name.</summary>
public class ClassResolutionTests
{
    private static readonly ClassCatalog ImageNet = new(ImageNetClasses.All.Select(c => c.Name).ToArray());
    private static readonly ClassCatalog Fashion = new(new[] { "T-shirt/top", "Trouser", "Pullover", "Ankle boot" },
        new Dictionary<string, int> { ["tee"] = 0, ["pants"] = 1 });

    [Test]
    public void AnExactHomonymIsTheLowestIdWithTheOtherAsAlternative()
    {
        var r = ImageNet.Resolve("crane");
        Assert.That(r.Id, Is.EqualTo(134), "the bird: same kind, same length, lower id");
        Assert.That(r.IsAmbiguous, Is.True);
        Assert.That(r.Alternatives.Select(m => (m.Id, m.Kind)), Is.EqualTo(new[] { (517, MatchKind.ExactName) }));
        Assert.That(r.NeedsAttention, Is.True);
        Assert.That(r.Message, Is.EqualTo("Class name 'crane' is 'crane' (134); equally ranked: 'crane' (517) (give a class id to pick one of those)."));
        Assert.That(ImageNet.Find("crane"), Is.EqualTo(134));
        Assert.That(ImageNet.Find("crane"), Is.EqualTo(134), "the same answer every time");
    }

    [Test]
    public void ASharedSynonymIsReportedToo()
    {
        var r = ImageNet.Resolve("grass snake");
        Assert.That((r.Id, r.Match!.Value.Kind), Is.EqualTo((55, MatchKind.ExactSynonym)));
        Assert.That(r.Alternatives.Select(m => m.Id), Is.EqualTo(new[] { 57 }));
        Assert.That(r.Message, Does.Contain("as 'grass snake'"));
    }

    [Test]
    public void AWordSharedByManyNamesListsThemAsAlternatives()
    {
        var r = ImageNet.Resolve("retriever");
        Assert.That(r.Id, Is.EqualTo(207), "the shortest name of the five");
        Assert.That(r.Alternatives.Select(m => m.Id), Is.EqualTo(new[] { 208, 205, 206, 209 }), "by length, then id");
        Assert.That(r.Alternatives.Select(m => m.Kind), Is.All.EqualTo(MatchKind.WordsInName));
    }

    [Test]
    public void AnExactNameIsUnambiguousEvenWhenOthersShareItsWords()
    {
        var r = ImageNet.Resolve("golden retriever");
        Assert.That((r.Id, r.IsAmbiguous, r.IsTypo, r.NeedsAttention), Is.EqualTo(((int?)207, false, false, false)));
        Assert.That(r.Suggestions, Is.Empty);
        Assert.That(Fashion.Resolve("Trouser").NeedsAttention, Is.False);
    }

    [Test]
    public void AMisspellingIsResolvedAndSaidSo()
    {
        var r = ImageNet.Resolve("golden retreiver");
        Assert.That((r.Id, r.IsTypo, r.IsAmbiguous), Is.EqualTo(((int?)207, true, false)));
        Assert.That(r.Message, Is.EqualTo("Class name 'golden retreiver' is 'golden retriever' (207), taken as a misspelling (1 edit away)."));
        Assert.That(ImageNet.Closest("golden retreiver"), Is.EqualTo("golden retriever"));
    }

    [Test]
    public void AnUnknownNameSuggestsTheClosestClasses()
    {
        var r = Fashion.Resolve("trousr-x");
        Assert.That(r.Match, Is.Null);
        Assert.That(r.Suggestions[0], Has.Property("Id").EqualTo(1).And.Property("Kind").EqualTo(MatchKind.Nearest).And.Property("Score").EqualTo(3));
        Assert.That(r.Suggestions, Has.Count.EqualTo(1), "the other names are much farther");
        Assert.That(r.Message, Is.EqualTo("Unknown class name 'trousr-x'; did you mean 'Trouser' (1)?"));

        // Words shared with a name come before spelling: "golden" and "retriever" are both in class 207.
        var words = ImageNet.Resolve("golden retriever puppy");
        Assert.That(words.Match, Is.Null, "a match on some of the words is only a suggestion");
        Assert.That(words.Suggestions[0], Has.Property("Id").EqualTo(207).And.Property("Kind").EqualTo(MatchKind.SomeWords).And.Property("Score").EqualTo(-2));
        Assert.That(words.Message, Does.StartWith("Unknown class name 'golden retriever puppy'; did you mean 'golden retriever' (207), "));

        var none = ImageNet.Resolve("zzqqxx", 3);
        Assert.That(none.Suggestions, Has.Count.EqualTo(3));
        Assert.That(none.Suggestions.Select(m => m.Kind), Is.All.EqualTo(MatchKind.Nearest));
        Assert.That(none.Suggestions.Select(m => m.Score), Is.Ordered);
        Assert.That(none.Suggestions.Select(m => m.Id), Is.Unique);
        Assert.That(none.Suggestions[^1].Score, Is.LessThanOrEqualTo(none.Suggestions[0].Score + 1));
        Assert.That(ImageNet.Resolve("  ").Message, Is.EqualTo("A class name is empty."));
    }

    [Test]
    public void SuggestListsMatchesThenNearestNames()
    {
        Assert.That(Fashion.Suggest("boot", 2).Select(m => (m.Id, m.Kind)), Is.EqualTo(new[] { (3, MatchKind.WordsInName) }), "nothing else is near");
        var retr = ImageNet.Suggest("retreivr", 6);
        Assert.That(retr.Take(5).Select(m => m.Kind), Is.All.EqualTo(MatchKind.Typo));
        Assert.That(retr[0].Id, Is.EqualTo(207));
        Assert.That(retr.Skip(5).Select(m => m.Kind), Is.All.EqualTo(MatchKind.Nearest));
        Assert.That(Fashion.Suggest("pantz", 1).Single(), Has.Property("Id").EqualTo(1).And.Property("MatchedTerm").EqualTo("pants"));
    }
}
