using System;
using System.IO;
using System.Linq;
using DiTPlugin.TestSupport;
using DiTPlugin.TextureGen;
using DiTPlugin.Tests;
using NUnit.Framework;
using StbImageSharp;

namespace DiTPlugin.Unity.Tests;

/// <summary>
/// What the window's "Variations of selected texture", mask brush and "Make seamless" rest on: fitting a texture to
/// the model's size, the brush, and recipes (format 2) that regenerate edited textures exactly from their sidecars.
/// </summary>
public class TextureEditingTests
{
    private static (byte[], int, int) ReadPng(string path)
    {
        using var s = File.OpenRead(path);
        var img = ImageResult.FromStream(s, ColorComponents.RedGreenBlueAlpha);
        return (img.Data, img.Width, img.Height);
    }

    [Test]
    public void FittingAveragesAreasAndFlipsUnityRows()
    {
        // A 4x2 texture (rows top to bottom) → 2x1: each output pixel is the mean of a 2x2 block.
        var rgba = new byte[4 * 2 * 4];
        byte[] values = { 10, 20, 30, 40, 50, 60, 70, 80 };
        for (int p = 0; p < 8; p++) { rgba[4 * p] = values[p]; rgba[4 * p + 3] = 255; }
        var fit = SourceTextures.Fit(rgba, 4, 2, 2, 1);
        Assert.That(new[] { fit[0], fit[4] }, Is.EqualTo(new byte[] { 35, 55 }), "(10+20+50+60)/4 and (30+40+70+80)/4");
        Assert.That(SourceTextures.Fit(rgba, 4, 2, 4, 2), Is.EqualTo(rgba), "same size: the same pixels");
        // 3 → 2 columns: thirds are split, so the middle pixel counts half for each side.
        var row = new byte[] { 0, 0, 0, 255, 90, 0, 0, 255, 180, 0, 0, 255 };
        Assert.That(SourceTextures.Fit(row, 3, 1, 2, 1).Where((_, i) => i % 4 == 0), Is.EqualTo(new byte[] { 30, 150 }), "(0 + 90/2)/1.5, (90/2 + 180)/1.5");
        // Unity rows run bottom to top: the first row read is the image's last.
        var bottomUp = new byte[] { 1, 1, 1, 255, 2, 2, 2, 255 };   // 1x2: bottom pixel 1, top pixel 2
        Assert.That(SourceTextures.FromBottomUp(bottomUp, 1, 2, 1, 2).Rgba8, Is.EqualTo(new byte[] { 2, 2, 2, 255, 1, 1, 1, 255 }));
    }

    [Test]
    public void TheBrushPaintsRoundDabsThatSurviveTheMaskPng()
    {
        var brush = new MaskBrush(16, 16);
        Assert.That(brush.IsEmpty, Is.True);
        brush.Dab(0.5f, 0.5f, 3f);
        Assert.That(brush.Values[8 * 16 + 8], Is.EqualTo(1f), "the centre");
        Assert.That(brush.Values[0], Is.EqualTo(0f), "a corner far away");
        int painted = brush.Values.Count(v => v > 0);
        Assert.That(painted, Is.InRange(28, 50), "about π·3.5² pixels");
        Assert.That(brush.Values.All(v => MaskBrush.Quantize(v) == v), Is.True, "multiples of 1/255");
        Assert.That(MaskBrush.FromRgba8(MaskBrush.ToRgba8(brush.Values)), Is.EqualTo(brush.Values), "the PNG round trip keeps every value");
        brush.Dab(0.5f, 0.5f, 1.5f, erase: true);
        Assert.That(brush.Values[8 * 16 + 8], Is.EqualTo(0f), "erased");
        var overlay = brush.Overlay(Enumerable.Repeat((byte)100, 16 * 16 * 4).ToArray());
        int k = (8 * 16 + 10) * 4;   // painted, not erased
        Assert.That(overlay[k], Is.GreaterThan(100));
        Assert.That(overlay[k + 1], Is.LessThan(100));
        brush.Clear();
        Assert.That(brush.IsEmpty, Is.True);
        Assert.Throws<ArgumentOutOfRangeException>(() => brush.Dab(0.5f, 0.5f, 0f));
    }

    [Test]
    public void EditedTexturesSaveTheirMaskAndRegenerateFromTheSidecar()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path);
        using var dit = DiT.Load(dir.Path);
        using var project = new TempDir();
        // The texture to start from: a generated one, saved in the project as a user's asset would be.
        var first = dit.Generate(new GenerationOptions { ClassIds = new[] { 1 }, Seed = 4, Steps = 6 })[0];
        var sourceSaved = TextureSaving.Save(first, project.Path, "Assets/Textures", dit);
        var (rgba, w, h) = ReadPng(sourceSaved.FullPath);
        var source = new SourceImage(SourceTextures.Fit(rgba, w, h, 8, 8), 8, 8);

        var brush = new MaskBrush(8, 8);
        brush.Dab(0.25f, 0.25f, 2f);
        var image = dit.Generate(new GenerationOptions
        {
            ClassIds = new[] { 2 }, Seed = 11, Steps = 6, InitImage = source, Strength = 1f, Mask = (float[])brush.Values.Clone(),
            Resampling = 2, ResamplingJump = 2,
        })[0];
        Assert.Throws<ArgumentException>(() => TextureSaving.Save(image, project.Path, "Assets/Generated", dit, sourceSaved.AssetPath), "an inpainted image needs its mask");
        var saved = TextureSaving.Save(image, project.Path, "Assets/Generated", dit, sourceSaved.AssetPath, brush.Values);
        var file = RecipeFile.Load(saved.RecipeFullPath);
        Assert.That(File.ReadAllText(saved.RecipeFullPath), Does.Contain("\"formatVersion\": 2"));
        Assert.That((file.Source, file.MaskFile), Is.EqualTo((sourceSaved.AssetPath, Path.GetFileNameWithoutExtension(saved.FullPath) + ".mask.png")));
        Assert.That(file.Recipe.ToJson(), Is.EqualTo(image.Recipe.ToJson()), "every field of the recipe, the new ones included");

        var (src, mask) = TextureSaving.EditInputs(file, saved.RecipeFullPath, project.Path, 8, 8, ReadPng);
        var again = TextureSaving.Regenerate(dit, file, src, mask);
        Assert.That(again.Rgba8, Is.EqualTo(image.Rgba8), "regenerated byte for byte from the sidecar, the source asset and the mask PNG");

        var e = Assert.Throws<RecipeFileException>(() => TextureSaving.Regenerate(dit, file));
        Assert.That(e!.Message, Does.Contain("made from a texture"));
        File.Delete(Path.Combine(Path.GetDirectoryName(saved.RecipeFullPath)!, file.MaskFile!));
        Assert.That(Assert.Throws<RecipeFileException>(() => TextureSaving.EditInputs(file, saved.RecipeFullPath, project.Path, 8, 8, ReadPng))!.Message,
            Does.Contain("is not beside it"));
    }

    [Test]
    public void PlainRecipesStayVersionOneAndVersionTwoFieldsAreChecked()
    {
        var plain = new Recipe { ModelHash = "ab", ClassId = 1, ClassName = "x", Seed = 1, Steps = 3, Sampler = SamplerKind.Ddim, CfgScale = 2f };
        Assert.That(new RecipeFile(plain).ToJson(), Does.Contain("\"formatVersion\": 1").And.Not.Contain("strength"));
        var mixed = new RecipeFile(new Recipe { ModelHash = "ab", ClassId = 1, ClassName = "x", Seed = 1, Steps = 3, Sampler = SamplerKind.Ddim, CfgScale = 2f, MixClassId = 2, Mix = 0.25f });
        var back = RecipeFile.Parse(mixed.ToJson());
        Assert.That((back.Recipe.MixClassId, back.Recipe.Mix), Is.EqualTo(((int?)2, (float?)0.25f)));
        Assert.That(mixed.ToJson(), Does.Contain("\"formatVersion\": 2"));
        var bad = mixed.ToJson().Replace("\"mix\": 0.25", "\"mix\": 1.5");
        Assert.That(Assert.Throws<RecipeFileException>(() => RecipeFile.Parse(bad))!.Message, Does.Contain("recipe.mix 1.5 must be in [0, 1]"));
        var orphan = new RecipeFile(plain).ToJson().Replace("\"cfgScale\"", "\"strength\": 0.5, \"cfgScale\"");
        Assert.That(Assert.Throws<RecipeFileException>(() => RecipeFile.Parse(orphan))!.Message, Does.Contain("need recipe.initImageSha256"));
        Assert.That(Assert.Throws<RecipeFileException>(() => back.CheckModel("ab", new[] { "a", "x" }))!.Message, Does.Contain("mixed-in class 2 is not a class of the model"));
        var upscaled = new RecipeFile(new Recipe { ModelHash = "ab", ClassId = 1, ClassName = "x", Seed = 1, Steps = 3, Sampler = SamplerKind.Ddim, CfgScale = 2f, Upscale = true });
        Assert.That(upscaled.ToJson(), Does.Contain("\"formatVersion\": 2").And.Contain("\"upscale\": true"));
        Assert.That(RecipeFile.Parse(upscaled.ToJson()).Recipe.Upscale, Is.True);
        var future = mixed.ToJson().Replace("\"formatVersion\": 2", "\"formatVersion\": 3");
        Assert.That(Assert.Throws<RecipeFileException>(() => RecipeFile.Parse(future))!.Message, Does.Contain("formatVersion 3 is not supported (this package reads up to 2)"));
    }
}
