using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiTPlugin.TextureGen;
using DiTPlugin.Tests;
using NUnit.Framework;

namespace DiTPlugin.Unity.Tests;

/// <summary>The build-time licence check's logic: which generated textures a build would ship against their model's licence.</summary>
public class LicenceGuardTests
{
    private static RecipeFile Recipe(bool? commercial, string? license, string? texture = null) =>
        new(new Recipe { ModelHash = "ab", ClassId = 1, ClassName = "x", Steps = 5 }) { CommercialUse = commercial, LicenseId = license, Texture = texture, ModelName = "m" };

    [Test]
    public void RecordedCommercialUseDecidesElseTheLicenceIdsNcTerm()
    {
        Assert.That(LicenceGuard.IsNonCommercial(Recipe(false, "MIT")), Is.True, "recorded flag wins");
        Assert.That(LicenceGuard.IsNonCommercial(Recipe(true, "CC-BY-NC-4.0")), Is.False);
        Assert.That(LicenceGuard.IsNonCommercial(Recipe(null, "CC-BY-NC-4.0")), Is.True, "old recipe: the id's NC term");
        Assert.That(LicenceGuard.IsNonCommercial(Recipe(null, "cc-by-nc-sa-4.0")), Is.True);
        Assert.That(LicenceGuard.IsNonCommercial(Recipe(null, "CC-BY-4.0")), Is.False);
        Assert.That(LicenceGuard.IsNonCommercial(Recipe(null, "BSD-3-Clause")), Is.False);
        Assert.That(LicenceGuard.IsNonCommercial(Recipe(null, null)), Is.False, "unknown: not flagged");
    }

    [Test]
    public void OnlyNonCommercialTexturesThatTheBuildIncludesAreReported()
    {
        var recipes = new List<(string, RecipeFile)>
        {
            ("Assets/Generated/DiT/dog_1.recipe.json", Recipe(false, "CC-BY-NC-4.0", "dog_1.png")),
            ("Assets/Generated/DiT/dog_2.recipe.json", Recipe(false, "CC-BY-NC-4.0")),           // texture = the .png beside it
            ("Assets/Generated/DiT/stone.recipe.json", Recipe(true, "BSD-3-Clause", "stone.png")),
            ("Assets/Unused/cat.recipe.json", Recipe(false, "CC-BY-NC-4.0", "cat.png")),          // not in the build
        };
        var build = new HashSet<string> { "Assets/Generated/DiT/dog_1.png", "Assets/Generated/DiT/dog_2.png", "Assets/Generated/DiT/stone.png", "Assets/Scenes/Main.unity" };
        var found = LicenceGuard.NonCommercialInBuild(recipes, build);
        Assert.That(found.Select(f => f.TexturePath), Is.EqualTo(new[] { "Assets/Generated/DiT/dog_1.png", "Assets/Generated/DiT/dog_2.png" }));
        string message = LicenceGuard.Message(found);
        Assert.That(message, Does.Contain("2 texture(s)").And.Contain("dog_1.png (m, CC-BY-NC-4.0)").And.Contain("Fail Build On Non Commercial Textures"));
        Assert.That(LicenceGuard.Message(new List<LicenceFinding>()), Is.Empty);
    }

    [Test]
    public void SavedTexturesRecordTheModelsCommercialUseAndTheCheckReadsThem()
    {
        using var dir = new TempDir();
        var pkg = Path.Combine(dir.Path, "pkg");
        TinyOnnxModel.WriteLatentPackage(pkg, 4, ("vae_decoder.onnx", "fp32", null, 1f));   // CC-BY-NC-4.0, commercialUse false
        using var dit = DiT.Load(pkg);
        var project = Path.Combine(dir.Path, "project");
        Directory.CreateDirectory(Path.Combine(project, "Assets"));
        var image = dit.Generate(new GenerationOptions { ClassIds = new[] { 0 }, Steps = 2 })[0];
        var saved = TextureSaving.Save(image, project, "Assets/Generated/DiT", dit);
        var back = RecipeFile.Load(saved.RecipeFullPath);
        Assert.That((back.CommercialUse, back.LicenseId), Is.EqualTo(((bool?)false, "CC-BY-NC-4.0")));
        File.WriteAllText(Path.Combine(project, "Assets", "broken.recipe.json"), "{");
        var problems = new List<string>();
        var recipes = LicenceGuard.ReadRecipes(project, Path.Combine(project, "Assets"), problems);
        Assert.That(recipes.Select(r => r.RecipePath), Is.EqualTo(new[] { saved.RecipeAssetPath }));
        Assert.That(problems.Single(), Does.Contain("broken.recipe.json"));
        var found = LicenceGuard.NonCommercialInBuild(recipes, new HashSet<string> { saved.AssetPath });
        Assert.That(found.Single().TexturePath, Is.EqualTo(saved.AssetPath));
    }
}
