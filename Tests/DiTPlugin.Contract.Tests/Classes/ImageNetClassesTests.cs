using System.Linq;
using DiTPlugin.Contract.Classes;
using NUnit.Framework;

namespace DiTPlugin.Contract.Tests;

/// <summary>The built-in ImageNet-1k list (ids, names, synonyms, WordNet ids) and the synset-file parser.</summary>
public class ImageNetClassesTests
{
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
        Assert.That((all[134].Name, all[517].Name), Is.EqualTo(("crane", "crane")));
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
    public void AParsedListIsSearchable()
    {
        var catalog = new ClassCatalog(ImageNetClasses.Parse("stone wall\nbrick, brickwork"));
        Assert.That(catalog.Find("brickwork"), Is.EqualTo(1));
        Assert.That(catalog.Names, Is.EqualTo(new[] { "stone wall", "brick" }));
        Assert.That(catalog.IsImageNet, Is.False);
    }
}
