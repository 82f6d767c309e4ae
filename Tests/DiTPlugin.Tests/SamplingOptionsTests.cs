using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Noise;
using DiTPlugin.Textures;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>
/// clip_denoised by the package's space, and the reproducibility hooks (InitialNoise, StepNoise, OnStep, Outputs) over
/// the hand-encoded tiny graph, whose eps is 0.1·cfg·x + 0.01·y and v = 0.
/// </summary>
public class SamplingOptionsTests
{
    private static DiT LoadPixel(TempDir dir, Action<System.Text.Json.Nodes.JsonObject>? edit = null)
    {
        var m = TinyOnnxModel.WritePackage(dir.Path);
        if (edit != null) { edit(m); TinyOnnxModel.WriteManifest(dir.Path, m); }
        return DiT.Load(dir.Path);
    }

    private static DiT LoadLatent(TempDir dir, Action<System.Text.Json.Nodes.JsonObject>? edit = null)
    {
        var m = TinyOnnxModel.WriteLatentPackage(dir.Path, 4, ("vae_decoder.onnx", "fp32", null, 1f));
        if (edit != null) { edit(m); TinyOnnxModel.WriteManifest(dir.Path, m); }
        return DiT.Load(dir.Path);
    }

    [Test]
    public void ClipDenoisedFollowsTheSpaceUnlessModelJsonSaysOtherwise()
    {
        using (var d = new TempDir()) using (var dit = LoadPixel(d)) Assert.That(dit.ClipDenoised, Is.True, "old pixel package: ADM clips");
        using (var d = new TempDir()) using (var dit = LoadLatent(d)) Assert.That(dit.ClipDenoised, Is.False, "old latent package: DiT's sample.py does not clip");
        using (var d = new TempDir()) using (var dit = LoadPixel(d, m => m["sampling"] = new System.Text.Json.Nodes.JsonObject { ["clipDenoised"] = false }))
            Assert.That(dit.ClipDenoised, Is.False);
        using (var d = new TempDir()) using (var dit = LoadLatent(d, m => m["sampling"] = new System.Text.Json.Nodes.JsonObject { ["clipDenoised"] = true }))
            Assert.That(dit.ClipDenoised, Is.True);
        using (var d = new TempDir()) using (var dit = LoadLatent(d, m => m["sampling"] = new System.Text.Json.Nodes.JsonObject()))
            Assert.That(dit.ClipDenoised, Is.False, "a sampling section without the field keeps the space's default");
    }

    [Test]
    public void UnsetSamplerStepsAndScaleTakeThePackageDefaults()
    {
        using (var d = new TempDir()) using (var dit = LoadPixel(d))
        {
            Assert.That((dit.DefaultSampler, dit.DefaultSteps, dit.DefaultCfgScale), Is.EqualTo((SamplerKind.DpmSolverPlusPlus2M, 25, 4f)), "a package that does not say");
        }
        using var dir = new TempDir();
        using var tuned = LoadPixel(dir, m => m["sampling"] = new System.Text.Json.Nodes.JsonObject { ["sampler"] = "ddim1", ["cfgScale"] = 1.0 });
        Assert.That((tuned.DefaultSampler, tuned.DefaultSteps, tuned.DefaultCfgScale), Is.EqualTo((SamplerKind.Ddim, 1, 1f)));

        // One DDIM step at cfg 1 from x_T is x₀ = (√(1/ᾱ₀) − √(1/ᾱ₀ − 1)·0.1)·x_T (the hand-encoded eps = 0.1·cfg·x + 0.01·y, class 0).
        var xT = Enumerable.Range(0, 64).Select(k => (k % 7 - 3) / 4f).ToArray();
        var asked = new GenerationOptions { ClassIds = new[] { 0 }, InitialNoise = xT, Outputs = GenerationOutputs.Sample };
        var image = tuned.Generate(asked)[0];
        double gain = Math.Sqrt(1 / 0.999) - Math.Sqrt(1 / 0.999 - 1) * 0.1;
        for (int k = 0; k < 64; k++) Assert.That(image.Sample![k], Is.EqualTo(xT[k] * gain).Within(1e-5), $"value {k}");
        Assert.That((image.Recipe.Sampler, image.Recipe.Steps, image.Recipe.CfgScale), Is.EqualTo((SamplerKind.Ddim, 1, 1f)), "the recipe names what ran");
        Assert.That((asked.Sampler, asked.Steps, asked.CfgScale), Is.EqualTo(((SamplerKind?)null, (int?)null, (float?)null)), "the caller's options are not written to");

        var explicitly = tuned.Generate(new GenerationOptions { ClassIds = new[] { 0 }, InitialNoise = xT, Outputs = GenerationOutputs.Sample, Steps = 2, CfgScale = 3 })[0];
        Assert.That((explicitly.Recipe.Sampler, explicitly.Recipe.Steps, explicitly.Recipe.CfgScale), Is.EqualTo((SamplerKind.Ddim, 2, 3f)), "what the caller gives wins, field by field");
        var seeded = tuned.Generate(new GenerationOptions { ClassIds = new[] { 1 }, Seed = 3 })[0];
        var again = tuned.Generate(GenerationOptions.FromRecipe(seeded.Recipe))[0];
        Assert.That(again.Rgba8, Is.EqualTo(seeded.Rgba8), "a recipe made at the defaults regenerates");
    }

    [TestCase("\"sampler\": \"dpm101\"", "sampling.sampler")]
    [TestCase("\"sampler\": \"ddpm10,20\"", "section list")]
    [TestCase("\"sampler\": \"euler20\"", "sampling.sampler")]
    [TestCase("\"cfgScale\": -1", "sampling.cfgScale -1")]
    [TestCase("\"cfgScale\": 1000", "sampling.cfgScale 1000")]
    public void BadSamplingDefaultsAreRefusedByName(string field, string expected)
    {
        using var dir = new TempDir();
        var m = TinyOnnxModel.WritePackage(dir.Path);
        m["sampling"] = System.Text.Json.Nodes.JsonNode.Parse("{" + field + "}");
        TinyOnnxModel.WriteManifest(dir.Path, m);
        var e = Assert.Throws<DiTPlugin.Runtime.ModelPackageException>(() => DiT.Load(dir.Path).Dispose());
        Assert.That(e!.Message, Does.Contain(expected));
    }

    [Test]
    public void OneDdimStepByHandWithAndWithoutClipping()
    {
        using var dir = new TempDir();
        using var dit = LoadPixel(dir);
        Assert.That(dit.Schedule.Respace(1).TimestepMap, Is.EqualTo(new[] { 0 }));
        // Linear betas for T = 100 start at 1e-4·1000/100 = 1e-3, so ᾱ₀ = 0.999; one DDIM step to ᾱ = 1 returns x₀.
        double ra = Math.Sqrt(1 / 0.999), rm1 = Math.Sqrt(1 / 0.999 - 1);
        double gain = ra - rm1 * 0.1;                      // x₀ = ra·x − rm1·eps with eps = 0.1·x (class 0, cfg 1)
        var xT = Enumerable.Range(0, 64).Select(k => k % 2 == 0 ? 3f : -0.5f).ToArray();
        GeneratedImage Run(bool? clip) => dit.Generate(new GenerationOptions
        {
            ClassIds = new[] { 0 }, Steps = 1, Sampler = SamplerKind.Ddim, CfgScale = 1, InitialNoise = xT, ClipDenoised = clip, Outputs = GenerationOutputs.ImageAndSample,
        })[0];
        var byDefault = Run(null);
        var unclipped = Run(false);
        Assert.That(byDefault.Sample![0], Is.EqualTo(1f), "pixel package: clipped");
        Assert.That(byDefault.Sample[1], Is.EqualTo(-0.5 * gain).Within(1e-6), "inside [−1, 1] nothing changes");
        Assert.That(unclipped.Sample![0], Is.EqualTo(3 * gain).Within(1e-5));
        Assert.That(unclipped.Sample[1], Is.EqualTo(-0.5 * gain).Within(1e-6));
        Assert.That(byDefault.SampleShape, Is.EqualTo((1, 8, 8)));
        Assert.That(unclipped.Recipe.ClipDenoised, Is.False);
        Assert.That(byDefault.Recipe.ClipDenoised, Is.Null, "no override: the package's default");
    }

    [Test]
    public void StepNoiseAndObserverSeeEveryAncestralStepInOrder()
    {
        using var dir = new TempDir();
        using var dit = LoadPixel(dir);
        const ulong seed = 5;
        var baseOptions = new GenerationOptions { ClassIds = new[] { 2, 0 }, Seed = seed, FirstImageIndex = 3, Steps = 5, Sampler = SamplerKind.Ddpm, CfgScale = 2, Outputs = GenerationOutputs.ImageAndSample };
        var reference = dit.Generate(baseOptions);

        var noiseCalls = new List<(int, int)>();
        var observed = new List<(int Image, int Index, float[] Sample)>();
        var philoxAgain = dit.Generate(new GenerationOptions
        {
            ClassIds = baseOptions.ClassIds, Seed = seed, FirstImageIndex = 3, Steps = 5, Sampler = SamplerKind.Ddpm, CfgScale = 2, Outputs = GenerationOutputs.ImageAndSample,
            // The built-in draw, spelled out: image k of the request is stream FirstImageIndex + k, step i is draw i + 1.
            StepNoise = (image, index, noise) => { noiseCalls.Add((image, index)); GaussianNoise.Fill(seed, (uint)(3 + image), (uint)index + 1, noise); },
            OnStep = (image, index, sample) => observed.Add((image, index, sample.ToArray())),
        });
        for (int k = 0; k < 2; k++)
        {
            Assert.That(philoxAgain[k].Sample, Is.EqualTo(reference[k].Sample), "the same noise through the hook gives the same chain");
            Assert.That(philoxAgain[k].Rgba8, Is.EqualTo(reference[k].Rgba8));
        }
        Assert.That(noiseCalls, Is.EqualTo(new[] { (0, 4), (0, 3), (0, 2), (0, 1), (1, 4), (1, 3), (1, 2), (1, 1) }), "no noise at the last step");
        Assert.That(observed.Select(o => (o.Image, o.Index)), Is.EqualTo(new[] { (0, 4), (0, 3), (0, 2), (0, 1), (0, 0), (1, 4), (1, 3), (1, 2), (1, 1), (1, 0) }));
        Assert.That(observed[4].Sample, Is.EqualTo(reference[0].Sample), "after index 0 the observer sees the final sample");
        Assert.That(philoxAgain[0].Recipe.ExternalNoise, Is.True);

        var zeroNoise = dit.Generate(new GenerationOptions
        {
            ClassIds = baseOptions.ClassIds, Seed = seed, FirstImageIndex = 3, Steps = 5, Sampler = SamplerKind.Ddpm, CfgScale = 2, Outputs = GenerationOutputs.Sample,
            StepNoise = (_, _, noise) => noise.Clear(),
        });
        Assert.That(zeroNoise[0].Sample, Is.Not.EqualTo(reference[0].Sample), "the hook's noise is what the sampler adds");
    }

    [Test]
    public void InitialNoiseIsTheStartingSample()
    {
        using var dir = new TempDir();
        using var dit = LoadPixel(dir);
        var options = new GenerationOptions { ClassIds = new[] { 1, 2 }, Seed = 11, Steps = 6, Sampler = SamplerKind.DpmSolverPlusPlus2M, Outputs = GenerationOutputs.ImageAndSample };
        var reference = dit.Generate(options);
        var xT = new float[2 * 64];
        for (int k = 0; k < 2; k++) GaussianNoise.Fill(11, (uint)k, GaussianNoise.InitialDraw, xT.AsSpan(k * 64, 64));
        var given = dit.Generate(new GenerationOptions { ClassIds = new[] { 1, 2 }, Seed = 999, Steps = 6, Sampler = SamplerKind.DpmSolverPlusPlus2M, Outputs = GenerationOutputs.ImageAndSample, InitialNoise = xT });
        Assert.That(given[1].Sample, Is.EqualTo(reference[1].Sample), "the seed no longer matters: x_T is the given one");
        Assert.That(given[1].Rgba8, Is.EqualTo(reference[1].Rgba8));
        Assert.That(given[0].Recipe.ExternalNoise, Is.True);
        Assert.That(reference[0].Recipe.ExternalNoise, Is.False);
        var e = Assert.Throws<ArgumentException>(() => GenerationOptions.FromRecipe(given[0].Recipe))!;
        Assert.That(e.Message, Does.Contain("caller-supplied noise"));
        // DPM-Solver++ adds no noise, so a StepNoise alone leaves its recipe reproducible.
        var det = dit.Generate(new GenerationOptions { ClassIds = new[] { 1 }, Steps = 6, Sampler = SamplerKind.DpmSolverPlusPlus2M, StepNoise = (_, _, n) => n.Clear() });
        Assert.That(det[0].Recipe.ExternalNoise, Is.False);
    }

    [Test]
    public void BadNoiseAndOutputsAreRefusedWithTheReason()
    {
        using var dir = new TempDir();
        using var dit = LoadPixel(dir);
        var e = Assert.Throws<ArgumentException>(() => dit.Generate(new GenerationOptions { ClassIds = new[] { 0, 1 }, InitialNoise = new float[64] }))!;
        Assert.That(e.Message, Does.Contain("InitialNoise has 64 values").And.Contain("2 image(s) of 1x8x8").And.Contain("need 128"));
        var nan = new float[64];
        nan[17] = float.NaN;
        e = Assert.Throws<ArgumentException>(() => dit.Generate(new GenerationOptions { ClassIds = new[] { 0 }, InitialNoise = nan }))!;
        Assert.That(e.Message, Does.Contain("InitialNoise[17]").And.Contain("finite"));
        e = Assert.Throws<ArgumentException>(() => dit.Generate(new GenerationOptions
        {
            ClassIds = new[] { 0 }, Steps = 3, Sampler = SamplerKind.Ddpm, StepNoise = (_, _, n) => n.Fill(float.PositiveInfinity),
        }))!;
        Assert.That(e.Message, Does.Contain("StepNoise for image 0 at chain index 2").And.Contain("finite"));
        Assert.Throws<ArgumentOutOfRangeException>(() => dit.Generate(new GenerationOptions { ClassIds = new[] { 0 }, Outputs = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => dit.Generate(new GenerationOptions { ClassIds = new[] { 0 }, Outputs = (GenerationOutputs)8 }));
        e = Assert.Throws<ArgumentException>(() => dit.CreateJob(new GenerationOptions { ClassIds = new[] { 0 }, Outputs = GenerationOutputs.Sample },
            new ITextureTarget?[] { new CpuTextureTarget(new TextureSettings()) }))!;
        Assert.That(e.Message, Does.Contain("GenerationOutputs.Image"));
    }

    [Test]
    public void SampleOnlySkipsTheDecoderAndReturnsLatents()
    {
        using var dir = new TempDir();
        using var dit = LoadLatent(dir);
        var both = dit.Generate(new GenerationOptions { ClassIds = new[] { 1 }, Steps = 4, Seed = 3, Outputs = GenerationOutputs.ImageAndSample })[0];
        var only = dit.Generate(new GenerationOptions { ClassIds = new[] { 1 }, Steps = 4, Seed = 3, Outputs = GenerationOutputs.Sample })[0];
        var image = dit.Generate(new GenerationOptions { ClassIds = new[] { 1 }, Steps = 4, Seed = 3 })[0];
        Assert.That(only.HasImage, Is.False);
        Assert.That(only.Rgba8, Is.Empty);
        Assert.That(only.SampleShape, Is.EqualTo((4, 4, 4)), "latents, before the decoder");
        Assert.That(only.Sample, Is.EqualTo(both.Sample));
        Assert.That(both.Rgba8, Is.EqualTo(image.Rgba8));
        Assert.That(image.Sample, Is.Null);
        Assert.That(Assert.Throws<InvalidOperationException>(() => only.SavePng(dir.File("x.png")))!.Message, Does.Contain("raw sample only"));
    }

    [Test]
    public void ClipOverrideTravelsInTheRecipe()
    {
        using var dir = new TempDir();
        using var dit = LoadLatent(dir);
        var first = dit.Generate(new GenerationOptions { ClassIds = new[] { 2 }, Steps = 5, Seed = 8, ClipDenoised = true, Outputs = GenerationOutputs.ImageAndSample })[0];
        var unclipped = dit.Generate(new GenerationOptions { ClassIds = new[] { 2 }, Steps = 5, Seed = 8, Outputs = GenerationOutputs.ImageAndSample })[0];
        Assert.That(first.Sample!.Max(Math.Abs), Is.LessThanOrEqualTo(1f + 1e-6f));
        Assert.That(unclipped.Sample!.Max(Math.Abs), Is.GreaterThan(1f), "this latent package does not clip, and its latents leave [−1, 1]");
        var recipe = Recipe.FromJson(first.Recipe.ToJson());
        Assert.That(recipe.ClipDenoised, Is.True);
        var again = dit.Generate(GenerationOptions.FromRecipe(recipe))[0];
        Assert.That(again.Rgba8, Is.EqualTo(first.Rgba8));
        Assert.That(Recipe.FromJson("{\"classId\":1,\"steps\":5}").ClipDenoised, Is.Null, "recipes written before the field: the package's default");
    }

    [Test]
    public void PreviewsFollowTheClipRule()
    {
        using var dir = new TempDir();
        using var dit = LoadLatent(dir);
        var xT = Enumerable.Repeat(0.02f, 4 * 4 * 4).ToArray();
        GeneratedImage FirstPreview(bool? clip)
        {
            var job = dit.CreateJob(new GenerationOptions { ClassIds = new[] { 0 }, Steps = 2, CfgScale = 1, PreviewEvery = 1, InitialNoise = xT, ClipDenoised = clip });
            job.Step(TimeSpan.Zero);
            return job.Progress.Preview!;
        }
        // At chain index 1 (t = 99 of T = 100) x₀ = x·(ra − 0.1·rm1) ≈ 2.8 in every latent channel (eps = 0.1·x for class 0, cfg 1).
        var chain = dit.Schedule.Respace(2);
        double x0 = 0.02 * (chain.SqrtRecipAlphasCumprod[1] - 0.1 * chain.SqrtRecipm1AlphasCumprod[1]);
        Assert.That(x0, Is.GreaterThan(1.5));
        // The tiny decoder's green channel is Σ_c W[1, c]·x₀/scale = 0.05·x₀/0.5 = 0.1·x₀: inside [−1, 1] either way.
        double green(double latent) => Enumerable.Range(0, 4).Sum(c => TinyOnnxModel.DecoderWeight(1, c)) * latent / 0.5;
        byte Expected(double latent) => DiTPlugin.Imaging.ImageConverter.ValueToByte((float)green(latent), linear: false);
        Assert.That(FirstPreview(null).Rgba8[1], Is.EqualTo(Expected(x0)), "latent package: the preview decodes the unclipped x₀");
        Assert.That(FirstPreview(true).Rgba8[1], Is.EqualTo(Expected(1.0)), "with ClipDenoised the preview decodes x₀ clamped to 1");
        Assert.That(Expected(x0), Is.Not.EqualTo(Expected(1.0)));
    }
}
