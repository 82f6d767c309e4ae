using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Textures;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>The job streams previews and final images into texture targets, in each target's layout.</summary>
public class TextureStreamingTests
{
    private LoadedPackage _pkg = null!;
    private DiT _dit => _pkg.Dit;

    [OneTimeSetUp]
    public void Setup() => _pkg = LoadedPackage.Tiny();

    [OneTimeTearDown]
    public void TearDown() => _pkg.Dispose();

    [Test]
    public void PreviewsEveryKStepsThenTheFinalImage()
    {
        var options = new GenerationOptions { ClassIds = new[] { 1, 2 }, Seed = 4, Steps = 10, PreviewEvery = 3 };
        var targets = new[] { new CpuTextureTarget(), new CpuTextureTarget() };
        var updates = new List<(int Image, int Step, bool Final)>();
        for (int k = 0; k < 2; k++)
        {
            int image = k;
            targets[k].Updated += (_, u) => updates.Add((image, u.Step, u.IsFinal));
        }
        var job = _dit.CreateJob(options, targets);
        Assert.That(targets.All(t => t.Layout is { Width: 8, Height: 8 }), Is.True, "allocated when the job is created, at the model's size");
        while (!job.IsCompleted) job.Step(TimeSpan.Zero);

        // Image 0 is sampled first (batch 1): previews after steps 3, 6, 9 of its 10, then the final; then image 1.
        Assert.That(updates, Is.EqualTo(new[] { (0, 3, false), (0, 6, false), (0, 9, false), (0, 10, true),
                                                (1, 3, false), (1, 6, false), (1, 9, false), (1, 10, true) }));
        Assert.That(targets.Select(t => (t.Version, t.IsFinal)), Is.EqualTo(new[] { (4L, true), (4L, true) }));
        var images = job.Result;
        for (int k = 0; k < 2; k++)
        {
            Assert.That(targets[k].Snapshot(), Is.EqualTo(images[k].Rgba8), "the default layout (RGBA8 sRGB top-down) is the image's bytes");
            Assert.That(targets[k].Latest.Recipe!.ToJson(), Is.EqualTo(images[k].Recipe.ToJson()));
        }
    }

    [Test]
    public void PreviewIsThePredictedX0OfTheImage()
    {
        var target = new CpuTextureTarget();
        byte[]? firstPreview = null;
        target.Updated += (t, u) => firstPreview ??= u.Data.ToArray();
        var job = _dit.CreateJob(new GenerationOptions { ClassIds = new[] { 0 }, Seed = 9, Steps = 6, PreviewEvery = 2 }, new[] { target });
        job.Step(TimeSpan.Zero);
        job.Step(TimeSpan.Zero);
        Assert.That(firstPreview, Is.EqualTo(job.Progress.Preview!.Rgba8), "the target and Progress show the same x₀ estimate");
        while (!job.IsCompleted) job.Step(TimeSpan.Zero);
        Assert.That(target.Snapshot(), Is.Not.EqualTo(firstPreview), "the final image replaces the early preview");
    }

    [Test]
    public void UnityLayoutIsBottomUpWithMips()
    {
        var unity = new CpuTextureTarget(TextureSettings.Unity());
        var plain = new CpuTextureTarget();
        var options = new GenerationOptions { ClassIds = new[] { 2, 2 }, Seed = 1, Steps = 5 };
        var job = _dit.CreateJob(options, new ITextureTarget?[] { unity, null });
        while (!job.IsCompleted) job.Step(TimeSpan.FromSeconds(1));
        var img = job.Result[0];
        var layout = unity.Layout!;
        Assert.That(layout.MipCount, Is.EqualTo(4), "8x8 → 4x4 → 2x2 → 1x1");
        var data = unity.Snapshot();
        Assert.That(data, Has.Length.EqualTo((64 + 16 + 4 + 1) * 4));
        for (int y = 0; y < 8; y++)
            Assert.That(data.AsSpan(y * 32, 32).ToArray(), Is.EqualTo(img.Rgba8.AsSpan((7 - y) * 32, 32).ToArray()), $"row {y} is image row {7 - y}");
        // The job builds mips from the unquantised image; from its 8-bit bytes they come within one level.
        var expected = TextureEncoder.Encode(PlanarFromRgba(img), 3, "sRGB", layout);
        for (int k = 256; k < data.Length; k++)
            Assert.That(data[k], Is.EqualTo(expected[k]).Within(1), $"mip byte {k}");
        Assert.That(plain.Version, Is.Zero, "a target not passed to the job is untouched");
    }

    [Test]
    public void ThreadedGenerationHandsTheNewestDataToThePollingThread()
    {
        var target = new CpuTextureTarget();
        var images = _dit.GenerateAsync(new GenerationOptions { ClassIds = new[] { 1 }, Seed = 2, Steps = 8, PreviewEvery = 1 }, new[] { target }).Result;
        long seen = 0;
        Assert.That(target.TryTake(ref seen, out var data, out bool final), Is.True);
        Assert.That((seen, final), Is.EqualTo((8L, true)), "7 previews and the final");
        Assert.That(data, Is.EqualTo(images[0].Rgba8));
        Assert.That(target.TryTake(ref seen, out _, out _), Is.False, "nothing new since");
    }

    [Test]
    public void TargetCountMustMatchTheImages()
    {
        var e = Assert.Throws<ArgumentException>(() => _dit.CreateJob(new GenerationOptions { ClassIds = new[] { 0, 1 } }, new[] { new CpuTextureTarget() }));
        Assert.That(e!.Message, Does.Contain("2 images, 1 targets"));
        Assert.Throws<InvalidOperationException>(() => new CpuTextureTarget().Write(
            new TextureUpdate(new TextureLayout(1, 1, new TextureSettings()), new byte[4], true, 1, 1, new Recipe())));
    }

    [Test]
    public void SeamlessRecipesRegenerateTheSamePixelsInAnyBatch()
    {
        var batch = _dit.Generate(new GenerationOptions { ClassIds = new[] { 0, 1, 2 }, Seed = 8, Steps = 10, Seamless = true });
        var plain = _dit.Generate(new GenerationOptions { ClassIds = new[] { 0, 1, 2 }, Seed = 8, Steps = 10 });
        // The tiny graph works per pixel (it commutes with any roll), so rolling in and out must change nothing: a
        // check that the outputs are rolled back exactly, in every image of the batch.
        for (int k = 0; k < 3; k++) Assert.That(batch[k].Rgba8, Is.EqualTo(plain[k].Rgba8), $"image {k}");
        var recipe = Recipe.FromJson(batch[2].Recipe.ToJson());
        Assert.That(recipe.Seamless, Is.True);
        Assert.That(_dit.Generate(GenerationOptions.FromRecipe(recipe))[0].Rgba8, Is.EqualTo(batch[2].Rgba8));
        Assert.That(Recipe.FromJson("{\"classId\":1,\"steps\":5}").Seamless, Is.False, "recipes from before the field read as not seamless");
    }

    [Test]
    public void SeamlessLatentModelsNeedACircularDecoder()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WriteLatentPackage(dir.Path, 4, ("vae_decoder.onnx", "fp32", null, 1f));
        using var dit = DiT.Load(dir.Path);
        var e = Assert.Throws<ArgumentException>(() => dit.CreateJob(new GenerationOptions { ClassIds = new[] { 0 }, Seamless = true }));
        Assert.That(e!.Message, Does.Contain("circular padding").And.Contain("--vae-circular"));

        using var dir2 = new TempDir();
        // The circular graph has gain 2, so which decoder ran shows in the pixels: seamless must use it.
        TinyOnnxModel.WriteLatentPackage(dir2.Path, 4, new (string, string, int?, float, string?)[]
            { ("vae_decoder.onnx", "fp32", null, 1f, null), ("vae_decoder_circular.onnx", "fp32", null, 2f, "circular") });
        using var both = DiT.Load(dir2.Path);
        var options = new GenerationOptions { ClassIds = new[] { 1 }, Seed = 3, Steps = 4, Seamless = true };
        var seamless = both.Generate(options)[0];
        var target = new CpuTextureTarget(new TextureSettings(colorSpace: TextureColorSpace.Linear));
        var job = both.CreateJob(options, new[] { target });
        while (!job.IsCompleted) job.Step(TimeSpan.Zero);
        Assert.That(job.Result[0].Rgba8, Is.EqualTo(seamless.Rgba8));
        using var zerosOnly = DiT.Load(dir.Path);
        var gain1 = zerosOnly.Generate(new GenerationOptions { ClassIds = new[] { 1 }, Seed = 3, Steps = 4 })[0];
        Assert.That(seamless.Rgba8, Is.Not.EqualTo(gain1.Rgba8));
    }

    [Test]
    public void CircularPaddingIsValidatedInTheManifest()
    {
        using var dir = new TempDir();
        var m = TinyOnnxModel.WritePackage(dir.Path);
        m["graphs"]![0]!["padding"] = "circular";
        TinyOnnxModel.WriteManifest(dir.Path, m);
        Assert.That(Assert.Throws<Runtime.ModelPackageException>(() => DiT.Load(dir.Path))!.Message, Does.Contain("vae_decoder' graphs only"));
        m["graphs"]![0]!["padding"] = "reflect";
        TinyOnnxModel.WriteManifest(dir.Path, m);
        Assert.That(Assert.Throws<Runtime.ModelPackageException>(() => DiT.Load(dir.Path))!.Message, Does.Contain("padding 'reflect'"));
    }

    /// <summary>RGBA8 sRGB bytes → planar RGB in [−1, 1] that encodes back to the same bytes.</summary>
    private static float[] PlanarFromRgba(GeneratedImage img)
    {
        int plane = img.Width * img.Height;
        var chw = new float[3 * plane];
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) chw[c * plane + p] = img.Rgba8[4 * p + c] / 127.5f - 1f;
        return chw;
    }
}
