using System;
using System.IO;
using System.Linq;
using DiTPlugin.TestSupport;
using DiTPlugin.TextureGen;
using DiTPlugin.Tests;
using NUnit.Framework;
using StbImageSharp;

namespace DiTPlugin.Unity.Tests;

/// <summary>Save → sidecar → load → regenerate gives the same pixels, byte for byte (what "regenerate" and build-time baking rely on).</summary>
public class RegenerateTests
{
    private static byte[] ReadPng(string path)
    {
        using var s = File.OpenRead(path);
        return ImageResult.FromStream(s, ColorComponents.RedGreenBlueAlpha).Data;
    }

    private static void SaveLoadRegenerate(DiT dit, GenerationOptions options, string? expectedStem = null)
    {
        using var project = new TempDir();
        var images = dit.Generate(options);
        foreach (var image in images)
        {
            var saved = TextureSaving.Save(image, project.Path, "Assets/Generated/DiT", dit.Name, dit.License.Id);
            Assert.That(saved.AssetPath, Does.StartWith("Assets/Generated/DiT/").And.EndWith(".png"));
            Assert.That(File.Exists(saved.FullPath) && File.Exists(saved.RecipeFullPath), Is.True);
            if (expectedStem != null) Assert.That(Path.GetFileName(saved.AssetPath), Does.StartWith(expectedStem));
            Assert.That(ReadPng(saved.FullPath), Is.EqualTo(image.Rgba8), "the PNG holds the generated pixels");

            var file = RecipeFile.Load(saved.RecipeFullPath);
            Assert.That(file.Recipe.ToJson(), Is.EqualTo(image.Recipe.ToJson()));
            Assert.That((file.ModelName, file.LicenseId, file.Width, file.Height, file.Texture),
                Is.EqualTo((dit.Name, dit.License.Id, image.Width, image.Height, Path.GetFileName(saved.FullPath))));

            var again = TextureSaving.Regenerate(dit, file);
            Assert.That(again.Rgba8, Is.EqualTo(image.Rgba8), $"regenerated from {saved.RecipeAssetPath}");

            // Regenerating the file in place (build-time baking) rewrites the same PNG bytes' pixels.
            File.Delete(saved.FullPath);
            TextureSaving.RegenerateFile(dit, saved.RecipeFullPath);
            Assert.That(ReadPng(saved.FullPath), Is.EqualTo(image.Rgba8));
        }
    }

    [Test]
    public void TinyModelRegeneratesIdenticalPixels()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path);
        using var dit = DiT.Load(dir.Path);
        // Image 1 of a batch (image index 1), a stochastic sampler, seamless: every recipe field matters.
        SaveLoadRegenerate(dit, new GenerationOptions { ClassIds = new[] { 2, 1 }, Seed = 1234567890123UL, Steps = 12, Sampler = SamplerKind.Ddpm, CfgScale = 2.5f, Seamless = true });
        SaveLoadRegenerate(dit, new GenerationOptions { ClassNames = new[] { "Trouser" }, Seed = 9, Steps = 5, Sampler = SamplerKind.Ddim, CfgScale = 1f }, "trouser_9");
    }

    [Test]
    public void SavingTwiceGivesTwoFiles()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path);
        using var dit = DiT.Load(dir.Path);
        using var project = new TempDir();
        var image = dit.Generate(new GenerationOptions { ClassIds = new[] { 0 }, Seed = 3, Steps = 3 })[0];
        var a = TextureSaving.Save(image, project.Path, "Assets/Tex");
        var b = TextureSaving.Save(image, project.Path, "Assets/Tex");
        Assert.That((a.AssetPath, b.AssetPath), Is.EqualTo(("Assets/Tex/t_shirt_top_3.png", "Assets/Tex/t_shirt_top_3_2.png")));
        Assert.That(b.RecipeAssetPath, Is.EqualTo("Assets/Tex/t_shirt_top_3_2.recipe.json"));
    }

    [Test]
    public void ARecipeOfAnotherModelIsRefusedBeforeGenerating()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path);
        using var dit = DiT.Load(dir.Path);
        var recipe = new RecipeFile(new Recipe { ModelHash = "feedface", ClassId = 0, ClassName = "T-shirt/top", Steps = 3, Sampler = SamplerKind.Ddim });
        var e = Assert.Throws<RecipeFileException>(() => TextureSaving.Regenerate(dit, recipe));
        Assert.That(e!.Message, Does.Contain("feedface").And.Contain(dit.ContentHash.Substring(0, 12)));
    }

    [Test]
    public void ShippedModelRegeneratesIdenticalPixels()
    {
        string package = RepoPaths.Find("models/openarena-textures/package");
        using var dit = DiT.Load(package);
        Assert.That(dit.License.CommercialUseWarning, Is.Not.Null, "the shipped model is GPL-trained: the window shows this warning");
        SaveLoadRegenerate(dit, new GenerationOptions { ClassNames = new[] { "base_wall" }, Seed = 42, Steps = 10, CfgScale = 2f, Seamless = true }, "base_wall_42_tile");
    }
}
