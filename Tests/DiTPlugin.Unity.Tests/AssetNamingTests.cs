using System;
using System.Collections.Generic;
using DiTPlugin.TextureGen;
using NUnit.Framework;

namespace DiTPlugin.Unity.Tests;

public class AssetNamingTests
{
    [TestCase("golden retriever", 207, "golden_retriever")]
    [TestCase("T-shirt/top", 0, "t_shirt_top")]
    [TestCase("  Base_Floor  ", 0, "base_floor")]
    [TestCase("jack-o'-lantern", 607, "jack_o_lantern")]
    [TestCase("Crème brûlée", 3, "creme_brulee")]
    [TestCase("!!!", 12, "class_12")]
    [TestCase("", 5, "class_5")]
    public void SlugsAreLowerCaseWordsJoinedByUnderscores(string name, int id, string slug) =>
        Assert.That(AssetNaming.Slug(name, id), Is.EqualTo(slug));

    [Test]
    public void LongNamesAreCut() =>
        Assert.That(AssetNaming.Slug(new string('a', 100), 0), Has.Length.EqualTo(AssetNaming.MaxSlugLength));

    [Test]
    public void StemHasClassSeedIndexAndTiling()
    {
        var r = new Recipe { ClassId = 207, ClassName = "golden retriever", Seed = 42 };
        Assert.That(AssetNaming.Stem(r), Is.EqualTo("golden_retriever_42"));
        r.ImageIndex = 3;
        r.Seamless = true;
        Assert.That(AssetNaming.Stem(r), Is.EqualTo("golden_retriever_42_i3_tile"));
    }

    [Test]
    public void PathsAreUniqueAgainstTexturesAndSidecars()
    {
        var r = new Recipe { ClassId = 1, ClassName = "base_wall", Seed = 7 };
        var taken = new HashSet<string> { "Assets/Generated/DiT/base_wall_7.png", "Assets/Generated/DiT/base_wall_7_2.recipe.json" };
        Assert.That(AssetNaming.UniqueTexturePath("Assets/Generated/DiT/", r, taken.Contains), Is.EqualTo("Assets/Generated/DiT/base_wall_7_3.png"));
        Assert.That(AssetNaming.UniqueTexturePath("", r, _ => false), Is.EqualTo("Assets/Generated/DiT/base_wall_7.png"), "empty folder: the default");
        Assert.That(AssetNaming.UniqueTexturePath(@"Assets\Textures", r, _ => false), Is.EqualTo("Assets/Textures/base_wall_7.png"));
    }

    [TestCase("Textures")]
    [TestCase("/tmp/x")]
    [TestCase("Assets/../Library")]
    [TestCase("AssetsX/y")]
    public void FoldersOutsideAssetsAreRefused(string folder) =>
        Assert.Throws<ArgumentException>(() => AssetNaming.NormalizeFolder(folder));
}
