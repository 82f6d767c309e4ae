using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Contract.Package;
using DiTPlugin.Imaging;
using DiTPlugin.Noise;
using DiTPlugin.Sampling;
using DiTPlugin.TestSupport;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>Starting from a texture (SDEdit) and inpainting: the identities, the closed form at every step, the kept pixels.</summary>
public class InitImageTests
{
    private static byte[] Texture(int size, int seed)
    {
        var rng = new Random(seed);
        var rgba = new byte[size * size * 4];
        for (int p = 0; p < size * size; p++)
        {
            byte g = (byte)rng.Next(256);
            rgba[4 * p] = rgba[4 * p + 1] = rgba[4 * p + 2] = g;   // the tiny package is grayscale
            rgba[4 * p + 3] = 255;
        }
        return rgba;
    }

    [Test]
    public void EveryByteSurvivesTheTripToModelValuesAndBack([Values(ColorSpace.Srgb, ColorSpace.Linear)] ColorSpace space)
    {
        var rgba = new byte[256 * 4];
        for (int b = 0; b < 256; b++) { rgba[4 * b] = (byte)b; rgba[4 * b + 1] = (byte)(255 - b); rgba[4 * b + 2] = (byte)(b * 7); rgba[4 * b + 3] = 255; }
        var chw = ImageConverter.FromRgba8(rgba, 16, 16, 3, space);
        Assert.That(chw.All(v => v >= -1 && v <= 1), Is.True);
        Assert.That(ImageConverter.ToRgba8(chw, 3, 16, 16, space), Is.EqualTo(rgba));
    }

    [TestCase(0f, 25, -1)]
    [TestCase(1f, 25, 24)]
    [TestCase(0.5f, 25, 12)]   // ⌈12.5⌉ = 13 steps run
    [TestCase(0.04f, 25, 0)]   // one step
    [TestCase(0.6f, 10, 5)]    // 6 steps exactly, not 7 from 0.6·10 rounding up
    public void StrengthSelectsTheShareOfStepsThatRun(float strength, int steps, int startIndex) =>
        Assert.That(DiTPlugin.Contract.Sampling.StrengthSteps.StartIndex(strength, steps), Is.EqualTo(startIndex));

    /// <summary>
    /// With the exact ε for a point mass at x0* (the oracle), a chain started by SDEdit from another image keeps
    /// x_t = √ᾱ_t·x0* + r_t at every step, r shrinking as in the full chain (SamplerTests' closed form); r starts as
    /// √ᾱ_s·(x0_init − x0*) + √(1 − ᾱ_s)·z, computed here in double from the schedule alone.
    /// </summary>
    [Test]
    public void EverySamplersPartialChainFollowsTheClosedFormAtEveryStep([Values] SamplerKind kind, [Values(0.3f, 0.72f)] float strength)
    {
        var chain = NoiseSchedule.Linear(1000).Respace(20);
        int n = 48;
        var target = Enumerable.Range(0, n).Select(k => (float)(0.8 * Math.Sin(0.37 * k + 0.1))).ToArray();
        var init = Enumerable.Range(0, n).Select(k => (float)(0.7 * Math.Cos(0.21 * k))).ToArray();
        var start = new ImageStart(init, null, 1, strength, chain);
        var sampler = Samplers.Create(kind, chain, learnSigma: false, clipDenoised: false);
        var z = new float[n];
        GaussianNoise.Fill(5, 0, GaussianNoise.InitialDraw, z);
        var x = z.ToArray();
        start.Start(x);
        int s = start.StartIndex;
        double abS = chain.AlphasCumprod[s];
        var r = Enumerable.Range(0, n).Select(k => Math.Sqrt(abS) * (init[k] - target[k]) + Math.Sqrt(1 - abS) * z[k]).ToArray();
        Assert.That(x.Select((v, k) => Math.Abs(v - (Math.Sqrt(abS) * target[k] + r[k]))).Max(), Is.LessThan(1e-6), "the start");
        var eps = new float[n];
        var zeros = new float[n];
        double worst = 0;
        for (int i = s; i >= 0; i--)
        {
            double ab = chain.AlphasCumprod[i], abPrev = i > 0 ? chain.AlphasCumprod[i - 1] : 1.0, beta = 1 - ab / abPrev;
            for (int k = 0; k < n; k++) eps[k] = (float)((x[k] - Math.Sqrt(ab) * target[k]) / Math.Sqrt(1 - ab));
            sampler.Step(x, eps, zeros, i, sampler.NeedsNoise(i) ? zeros : default, x);
            double c = kind == SamplerKind.Ddpm ? Math.Sqrt(1 - beta) * (1 - abPrev) / (1 - ab) : Math.Sqrt((1 - abPrev) / (1 - ab));
            for (int k = 0; k < n; k++)
            {
                r[k] *= c;
                worst = Math.Max(worst, Math.Abs(x[k] - (Math.Sqrt(abPrev) * target[k] + r[k])));
            }
        }
        TestContext.Out.WriteLine($"{kind}, strength {strength}: {s + 1} steps, max deviation {worst:E2}");
        Assert.That(worst, Is.LessThan(2e-5));
        Assert.That(x.Select((v, k) => Math.Abs(v - target[k])).Max(), Is.LessThan(2e-5), "the last step lands on x0*");
    }

    [Test]
    public void StrengthZeroReturnsTheTextureAndStrengthOneIsTheGenerationOfTheSameSeed([Values] SamplerKind sampler)
    {
        using var pkg = LoadedPackage.Tiny();
        var texture = new SourceImage(Texture(8, 1), 8, 8);
        GeneratedImage Make(SourceImage? init, float strength) =>
            pkg.Dit.Generate(new GenerationOptions { ClassIds = new[] { 1 }, Seed = 9, Steps = 10, Sampler = sampler, InitImage = init, Strength = strength })[0];
        var same = Make(texture, 0f);
        Assert.That(same.Rgba8, Is.EqualTo(texture.Rgba8));
        Assert.That(Make(texture, 1f).Rgba8, Is.EqualTo(Make(null, 0.5f).Rgba8));
        var half = Make(texture, 0.5f);
        Assert.That(half.Rgba8, Is.Not.EqualTo(texture.Rgba8));
        Assert.That(half.Recipe.InitImageSha256, Is.EqualTo(texture.Sha256));
        Assert.That(half.Recipe.Strength, Is.EqualTo(0.5f));
        // The recipe regenerates it, given the same texture; another texture is refused by its hash.
        var again = pkg.Dit.Generate(GenerationOptions.FromRecipe(Recipe.FromJson(half.Recipe.ToJson()), texture))[0];
        Assert.That(again.Rgba8, Is.EqualTo(half.Rgba8));
        var other = new SourceImage(Texture(8, 2), 8, 8);
        var e = Assert.Throws<ArgumentException>(() => GenerationOptions.FromRecipe(half.Recipe, other));
        Assert.That(e!.Message, Does.Contain(texture.Sha256));
    }

    [Test]
    public void TextureTargetsCountTheStepsThatRun()
    {
        using var pkg = LoadedPackage.Tiny();
        var texture = new SourceImage(Texture(8, 1), 8, 8);
        var target = new DiTPlugin.Textures.CpuTextureTarget();
        var updates = new List<(int Step, int Steps, bool Final)>();
        target.Updated += (_, u) => updates.Add((u.Step, u.Steps, u.IsFinal));
        var job = pkg.Dit.CreateJob(new GenerationOptions { ClassIds = new[] { 0 }, Steps = 10, InitImage = texture, Strength = 0.4f, PreviewEvery = 2 },
            new[] { target });
        while (!job.IsCompleted) job.Step();
        Assert.That(job.TotalSteps, Is.EqualTo(4));
        Assert.That(updates, Is.EqualTo(new[] { (2, 4, false), (4, 4, true) }), "4 of the 10 steps run: previews and the final image say so");
    }

    [Test]
    public void InpaintingKeepsTheUnmaskedPixelsBitForBit([Values] SamplerKind sampler)
    {
        using var pkg = LoadedPackage.Tiny();
        var texture = new SourceImage(Texture(8, 3), 8, 8);
        var mask = new float[64];
        for (int p = 0; p < 64; p++) mask[p] = (p / 8 is >= 2 and < 6) && (p % 8 is >= 2 and < 6) ? 1f : 0f;   // a 4x4 hole
        var steps = new List<int>();
        var img = pkg.Dit.Generate(new GenerationOptions
        {
            ClassIds = new[] { 2 }, Seed = 4, Steps = 8, Sampler = sampler, InitImage = texture, Strength = 1f, Mask = mask,
            OnStep = (_, i, _) => steps.Add(i),
        })[0];
        Assert.That(steps, Is.EqualTo(Enumerable.Range(0, 8).Reverse()), "strength 1: every step runs");
        int changed = 0;
        for (int p = 0; p < 64; p++)
        {
            var got = img.Rgba8.AsSpan(4 * p, 4).ToArray();
            var was = texture.Rgba8.AsSpan(4 * p, 4).ToArray();
            if (mask[p] == 0) Assert.That(got, Is.EqualTo(was), $"kept pixel {p}");
            else if (!got.SequenceEqual(was)) changed++;
        }
        Assert.That(changed, Is.GreaterThan(8), "the hole is regenerated");
        Assert.That(img.Recipe.MaskSha256, Is.EqualTo(Recipe.MaskHash(mask)));
    }

    [Test]
    public void ResamplingTakesEveryStepButTheLastAgainAndStillKeepsThePixels([Values(SamplerKind.Ddpm, SamplerKind.DpmSolverPlusPlus2M)] SamplerKind sampler)
    {
        using var pkg = LoadedPackage.Tiny();
        var texture = new SourceImage(Texture(8, 3), 8, 8);
        var mask = Enumerable.Range(0, 64).Select(p => p % 8 < 4 ? 1f : 0f).ToArray();   // regenerate the left half
        GenerationOptions Options(int takes) => new GenerationOptions
        {
            ClassIds = new[] { 1 }, Seed = 6, Steps = 8, Sampler = sampler, InitImage = texture, Strength = 1f, Mask = mask, Resampling = takes,
        };
        var job = pkg.Dit.CreateJob(Options(3));
        Assert.That(job.TotalSteps, Is.EqualTo(8 + 2 * 7), "index 0 is taken once");
        while (!job.IsCompleted) job.Step();
        var resampled = job.Result[0];
        var once = pkg.Dit.Generate(Options(1))[0];
        Assert.That(resampled.Rgba8, Is.Not.EqualTo(once.Rgba8));
        for (int p = 0; p < 64; p++)
            if (mask[p] == 0) Assert.That(resampled.Rgba8.AsSpan(4 * p, 4).SequenceEqual(texture.Rgba8.AsSpan(4 * p, 4)), Is.True, $"kept pixel {p}");
        Assert.That(resampled.Recipe.Resampling, Is.EqualTo(3));
        Assert.That(once.Recipe.Resampling, Is.Null);
        var again = pkg.Dit.Generate(GenerationOptions.FromRecipe(Recipe.FromJson(resampled.Recipe.ToJson()), texture, mask))[0];
        Assert.That(again.Rgba8, Is.EqualTo(resampled.Rgba8));
        var e = Assert.Throws<ArgumentException>(() => pkg.Dit.CreateJob(new GenerationOptions { ClassIds = new[] { 0 }, InitImage = texture, Resampling = 2 }));
        Assert.That(e!.Message, Does.Contain("Resampling is for inpainting"));
        Assert.Throws<ArgumentOutOfRangeException>(() => pkg.Dit.CreateJob(Options(0)));
    }

    [Test]
    public void ResamplingJumpsGoBackAJumpsLengthAtEveryMultipleOfIt([Values(SamplerKind.Ddim, SamplerKind.DpmSolverPlusPlus2M)] SamplerKind sampler)
    {
        using var pkg = LoadedPackage.Tiny();
        var texture = new SourceImage(Texture(8, 5), 8, 8);
        var mask = Enumerable.Range(0, 64).Select(p => p / 8 < 4 ? 1f : 0f).ToArray();   // regenerate the top half
        var indices = new List<int>();
        var options = new GenerationOptions
        {
            ClassIds = new[] { 0 }, Seed = 2, Steps = 8, Sampler = sampler, InitImage = texture, Strength = 1f, Mask = mask,
            Resampling = 2, ResamplingJump = 3, OnStep = (_, i, _) => indices.Add(i),
        };
        var job = pkg.Dit.CreateJob(options);
        while (!job.IsCompleted) job.Step();
        // Chain indices 7..0, jumps of 3 from the multiples of 3 that are a whole jump below the start (3 and 0), once each.
        Assert.That(indices, Is.EqualTo(new[] { 7, 6, 5, 4, /* landed at 3: back to 6 */ 6, 5, 4, 3, 2, 1, /* landed at 0: back to 3 */ 3, 2, 1, 0 }));
        Assert.That(job.TotalSteps, Is.EqualTo(indices.Count));
        var img = job.Result[0];
        for (int p = 32; p < 64; p++) Assert.That(img.Rgba8.AsSpan(4 * p, 4).SequenceEqual(texture.Rgba8.AsSpan(4 * p, 4)), Is.True, $"kept pixel {p}");
        Assert.That(img.Recipe.ResamplingJump, Is.EqualTo(3));
        var again = pkg.Dit.Generate(GenerationOptions.FromRecipe(Recipe.FromJson(img.Recipe.ToJson()), texture, mask))[0];
        Assert.That(again.Rgba8, Is.EqualTo(img.Rgba8), "the recipe regenerates it");
        var stepwise = options.Clone();
        stepwise.ResamplingJump = 1;
        stepwise.OnStep = null;
        Assert.That(pkg.Dit.Generate(stepwise)[0].Rgba8, Is.Not.EqualTo(img.Rgba8));
        Assert.That(pkg.Dit.Generate(stepwise)[0].Recipe.ResamplingJump, Is.Null, "jumps of 1 are not written");

        var bad = options.Clone();
        bad.Resampling = 1;
        Assert.That(Assert.Throws<ArgumentException>(() => pkg.Dit.CreateJob(bad))!.Message, Does.Contain("set Resampling to 2 or more"));
        bad = options.Clone();
        bad.ResamplingJump = 0;
        Assert.Throws<ArgumentOutOfRangeException>(() => pkg.Dit.CreateJob(bad));
    }

    [Test]
    public void BadTexturesStrengthsAndMasksAreNamed()
    {
        using var pkg = LoadedPackage.Tiny();
        var ok = new SourceImage(Texture(8, 1), 8, 8);
        void Bad<T>(GenerationOptions o, string expected) where T : Exception =>
            Assert.That(Assert.Throws<T>(() => pkg.Dit.CreateJob(o))!.Message, Does.Contain(expected));
        Bad<ArgumentException>(new GenerationOptions { ClassIds = new[] { 0 }, InitImage = new SourceImage(new byte[16 * 16 * 4], 16, 16) }, "Resize the texture to 8x8");
        Bad<ArgumentOutOfRangeException>(new GenerationOptions { ClassIds = new[] { 0 }, InitImage = ok, Strength = 1.5f }, "Strength must be in [0, 1]");
        Bad<ArgumentOutOfRangeException>(new GenerationOptions { ClassIds = new[] { 0 }, InitImage = ok, Strength = float.NaN }, "Strength must be in [0, 1]");
        Bad<ArgumentException>(new GenerationOptions { ClassIds = new[] { 0 }, InitImage = ok, Mask = new float[10] }, "needs 64");
        Bad<ArgumentException>(new GenerationOptions { ClassIds = new[] { 0 }, InitImage = ok, Mask = Enumerable.Repeat(float.NaN, 64).ToArray() }, "Mask[0] (row 0, column 0) is NaN");
        Bad<ArgumentException>(new GenerationOptions { ClassIds = new[] { 0 }, Mask = new float[64] }, "Mask needs an InitImage");
        Assert.That(Assert.Throws<ArgumentException>(() => new SourceImage(new byte[10], 2, 2))!.Message, Does.Contain("has 16 bytes, got 10"));
    }
}
