using System;
using System.IO;
using System.Text.Json.Nodes;
using DiTPlugin.Contract.Classes;
using DiTPlugin.TextureGen;
using DiTPlugin.Tests;
using NUnit.Framework;

namespace DiTPlugin.Unity.Tests;

/// <summary>Recipe sidecars: round trips, atomic writes, clear errors for corrupt files and for another model's recipes.</summary>
public class RecipeFileTests
{
    private static Recipe Sample() => new Recipe
    {
        ModelHash = "3f2a9c0b5e7d41aa8c6b0d9e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c",
        ClassId = 207,
        ClassName = "golden retriever",
        Seed = ulong.MaxValue - 5,
        ImageIndex = 3,
        Steps = 25,
        Sampler = SamplerKind.DpmSolverPlusPlus2M,
        CfgScale = 4.25f,
        Seamless = true,
    };

    [Test]
    public void RoundTripsEveryField()
    {
        var file = new RecipeFile(Sample()) { ModelName = "dit-xl-2-256", LicenseId = "CC-BY-NC-4.0", Width = 256, Height = 256, Texture = "golden_retriever_1.png" };
        var back = RecipeFile.Parse(file.ToJson());
        Assert.That(back.Recipe.ToJson(), Is.EqualTo(file.Recipe.ToJson()));
        Assert.That((back.ModelName, back.LicenseId, back.Width, back.Height, back.Texture),
            Is.EqualTo(("dit-xl-2-256", "CC-BY-NC-4.0", 256, 256, "golden_retriever_1.png")));
        Assert.That(back.ToJson(), Is.EqualTo(file.ToJson()), "writing is deterministic");
        Assert.That(back.Recipe.Seed, Is.EqualTo(ulong.MaxValue - 5), "64-bit seeds survive (stored as a string)");
    }

    [Test]
    public void ClipOverrideAndExternalNoiseRoundTripAndStayAbsentWhenUnset()
    {
        var plain = RecipeFile.Parse(new RecipeFile(Sample()).ToJson());
        Assert.That(plain.Recipe.ClipDenoised, Is.Null, "absent = the package's default");
        Assert.That(new RecipeFile(Sample()).ToJson(), Does.Not.Contain("clipDenoised").And.Not.Contain("externalNoise"));
        var r = Sample();
        r.ClipDenoised = false;
        r.ExternalNoise = true;
        var back = RecipeFile.Parse(new RecipeFile(r).ToJson());
        Assert.That((back.Recipe.ClipDenoised, back.Recipe.ExternalNoise), Is.EqualTo(((bool?)false, true)));
        var json = JsonNode.Parse(new RecipeFile(Sample()).ToJson())!;
        json["recipe"]!["clipDenoised"] = "yes";
        Assert.That(Assert.Throws<RecipeFileException>(() => RecipeFile.Parse(json.ToJsonString(), "x.recipe.json"))!.Message,
            Does.Contain("recipe.clipDenoised").And.Contain("true, false or absent"));
    }

    [Test]
    public void ReadsSeedsWrittenAsNumbersAndEveryCfgExactly()
    {
        var json = JsonNode.Parse(new RecipeFile(Sample()).ToJson())!;
        json["recipe"]!["seed"] = 42;
        Assert.That(RecipeFile.Parse(json.ToJsonString()).Recipe.Seed, Is.EqualTo(42UL));
        foreach (float cfg in new[] { 0f, 1f, 1.5f, 0.1f, 7.3333335f, 1e-7f })
        {
            var r = Sample();
            r.CfgScale = cfg;
            Assert.That(RecipeFile.Parse(new RecipeFile(r).ToJson()).Recipe.CfgScale, Is.EqualTo(cfg));
        }
    }

    [Test]
    public void SavesAtomicallyBesideTheTexture()
    {
        using var dir = new TempDir();
        string png = dir.File("stone_7.png");
        string sidecar = RecipeFile.SidecarPath(png);
        Assert.That(Path.GetFileName(sidecar), Is.EqualTo("stone_7.recipe.json"));
        new RecipeFile(Sample()).Save(sidecar);
        var r2 = Sample();
        r2.Seed = 8;
        new RecipeFile(r2).Save(sidecar);                       // overwrite
        Assert.That(RecipeFile.Load(sidecar).Recipe.Seed, Is.EqualTo(8UL));
        Assert.That(Directory.GetFiles(dir.Path), Is.EqualTo(new[] { sidecar }), "no temporary files left");
    }

    [TestCase("not json {", "is not valid JSON")]
    [TestCase("[1,2]", "not a JSON object")]
    [TestCase("{\"format\":\"something-else\",\"formatVersion\":1,\"recipe\":{}}", "format is 'something-else'")]
    [TestCase("{\"format\":\"ditplugin-texture-recipe\",\"formatVersion\":3,\"recipe\":{}}", "formatVersion 3 is not supported")]
    [TestCase("{\"format\":\"ditplugin-texture-recipe\",\"formatVersion\":1}", "'recipe' is missing")]
    public void CorruptFilesGiveClearErrors(string json, string message)
    {
        var e = Assert.Throws<RecipeFileException>(() => RecipeFile.Parse(json, "Assets/x.recipe.json"));
        Assert.That(e!.Message, Does.Contain(message).And.Contain("Assets/x.recipe.json"));
    }

    [TestCase("modelHash", "\"\"", "modelHash is empty")]
    [TestCase("seed", "\"-1\"", "recipe.seed '-1'")]
    [TestCase("sampler", "\"Euler\"", "recipe.sampler 'Euler' is not one of Ddpm, Ddim, DpmSolverPlusPlus2M")]
    [TestCase("sampler", "\"1\"", "recipe.sampler '1'")]
    [TestCase("steps", "0", "recipe.steps is 0")]
    [TestCase("steps", "2.5", "'steps' is not an integer")]
    [TestCase("classId", "-3", "recipe.classId is -3")]
    [TestCase("cfgScale", "-1", "cfgScale -1")]
    [TestCase("cfgScale", "\"4\"", "'cfgScale' is not a number")]
    [TestCase("imageIndex", "5000000000", "imageIndex 5000000000 is out of range")]
    public void BadFieldsAreNamed(string field, string value, string message)
    {
        var json = JsonNode.Parse(new RecipeFile(Sample()).ToJson())!;
        json["recipe"]![field] = JsonNode.Parse(value);
        var e = Assert.Throws<RecipeFileException>(() => RecipeFile.Parse(json.ToJsonString(), "r.json"));
        Assert.That(e!.Message, Does.Contain(message));
    }

    [Test]
    public void MissingFieldsAreNamed()
    {
        var json = JsonNode.Parse(new RecipeFile(Sample()).ToJson())!;
        json["recipe"]!.AsObject().Remove("steps");
        Assert.That(Assert.Throws<RecipeFileException>(() => RecipeFile.Parse(json.ToJsonString()))!.Message, Does.Contain("'steps' is missing"));
    }

    [Test]
    public void UnreadableFileIsARecipeError()
    {
        var e = Assert.Throws<RecipeFileException>(() => RecipeFile.Load(Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "a.recipe.json")));
        Assert.That(e!.Message, Does.StartWith("Cannot read the recipe"));
    }

    [Test]
    public void ARecipeForAnotherModelIsRefused()
    {
        var file = new RecipeFile(Sample()) { ModelName = "dit-xl-2-256" };
        var names = new string[1000];
        for (int i = 0; i < names.Length; i++) names[i] = ImageNetClasses.All[i].Name;
        Assert.DoesNotThrow(() => file.CheckModel(Sample().ModelHash.ToUpperInvariant(), names));
        var e = Assert.Throws<RecipeFileException>(() => file.CheckModel("0000aaaa", names, "openarena"));
        Assert.That(e!.Message, Does.Contain("3f2a9c0b5e7d").And.Contain("dit-xl-2-256").And.Contain("'openarena'").And.Contain(Sample().ModelHash));
        e = Assert.Throws<RecipeFileException>(() => file.CheckModel(Sample().ModelHash, new[] { "a", "b" }));
        Assert.That(e!.Message, Does.Contain("class id 207 is not a class of the model (0..1)"));
        names[207] = "retriever";
        e = Assert.Throws<RecipeFileException>(() => file.CheckModel(Sample().ModelHash, names));
        Assert.That(e!.Message, Does.Contain("'golden retriever', but the model calls it 'retriever'"));
    }
}
