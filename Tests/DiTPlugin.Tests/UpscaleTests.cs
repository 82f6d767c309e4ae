using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Contract.Package;
using DiTPlugin.TestSupport;
using DiTPlugin.Textures;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>
/// GenerationOptions.Upscale with a package's upscaler graph (here a known one: nearest-neighbour 4x times a gain):
/// the finished image is the upscaler's output of the image a plain generation makes, texture targets get the upscaled
/// size, and recipes regenerate it.
/// </summary>
public class UpscaleTests
{
    private static LoadedPackage Package(float gain) => LoadedPackage.Custom(dir =>
    {
        var m = TinyOnnxModel.WritePackage(dir);
        TinyOnnxModel.AddUpscaler(dir, m, gain);
    });

    [Test]
    public void TheFinishedImageIsTheUpscalersOutputOfThePlainOne()
    {
        using var pkg = Package(0.5f);
        Assert.That(pkg.Dit.UpscaleFactor, Is.EqualTo(4));
        var options = new GenerationOptions { ClassIds = new[] { 1, 2 }, Seed = 3, Steps = 5 };
        var plain = pkg.Dit.Generate(options);
        var upscaledOptions = options.Clone();
        upscaledOptions.Upscale = true;
        var big = pkg.Dit.Generate(upscaledOptions);
        for (int k = 0; k < 2; k++)
        {
            Assert.That((big[k].Width, big[k].Height), Is.EqualTo((32, 32)));
            // The tiny upscaler halves each model value and repeats it 4x4: in bytes, v ↦ round(((2v/255 − 1)/2 + 1)·127.5).
            for (int y = 0; y < 32; y++)
                for (int x = 0; x < 32; x++)
                {
                    byte v = plain[k].Rgba8[4 * ((y / 4) * 8 + x / 4)];
                    double model = (v / 255.0 * 2 - 1) * 0.5;
                    int expected = (int)Math.Round((model + 1) * 127.5, MidpointRounding.AwayFromZero);
                    Assert.That(Math.Abs(big[k].Rgba8[4 * (y * 32 + x)] - expected), Is.LessThanOrEqualTo(1), $"image {k} pixel ({x}, {y})");
                }
            Assert.That(big[k].Recipe.Upscale, Is.True);
            Assert.That(plain[k].Recipe.Upscale, Is.Null);
            var again = pkg.Dit.Generate(GenerationOptions.FromRecipe(Recipe.FromJson(big[k].Recipe.ToJson())))[0];
            Assert.That(again.Rgba8, Is.EqualTo(big[k].Rgba8), "the recipe regenerates the upscaled image");
        }
    }

    [Test]
    public void TextureTargetsGetTheUpscaledSizeAndPreviewsFillIt()
    {
        using var pkg = Package(1f);
        var target = new CpuTextureTarget();
        var updates = new List<(int Width, bool Final)>();
        target.Updated += (_, u) => updates.Add((u.Layout.Width, u.IsFinal));
        var job = pkg.Dit.CreateJob(new GenerationOptions { ClassIds = new[] { 0 }, Seed = 1, Steps = 4, PreviewEvery = 2, Upscale = true }, new ITextureTarget?[] { target });
        while (!job.IsCompleted) job.Step();
        Assert.That(updates, Is.EqualTo(new[] { (32, false), (32, true) }), "a preview and the final image, both 32x32");
    }

    [Test]
    public void UpscaleWithoutAnUpscalerSaysHowToAddOne()
    {
        using var pkg = LoadedPackage.Tiny();
        Assert.That(pkg.Dit.UpscaleFactor, Is.Null);
        var e = Assert.Throws<ArgumentException>(() => pkg.Dit.CreateJob(new GenerationOptions { ClassIds = new[] { 0 }, Upscale = true }));
        Assert.That(e!.Message, Does.Contain("has none").And.Contain("dit upgrade --package <folder> --upscaler <file>"));
    }
}
