using System;
using System.IO;
using System.Linq;
using DiT.Training.Export;
using DiT.Training.Model;
using DiTPlugin.Contract.Package;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiTPlugin.EndToEnd.Tests;

/// <summary>
/// Negative-class guidance end to end: a package whose graph takes y_uncond (exported so, or upgraded from an older
/// export by `dit upgrade`) → the Plugin guides away from a class; with the null class it is today's guidance bit for bit.
/// </summary>
public class NegativeGuidanceTests
{
    private static DiTModel TinyModel()
    {
        var cfg = new DiTConfig { Depth = 2, HiddenSize = 32, NumHeads = 2, PatchSize = 2, InputSize = 8, InChannels = 3, NumClasses = 4 };
        var model = new DiTModel(cfg);
        using (no_grad())
        {
            var g = new Generator(11);
            foreach (var p in model.parameters()) p.add_(randn(p.shape, generator: g) * 0.05);   // adaLN-Zero starts at zero output
        }
        return model;
    }

    private static ModelManifest Export(DiTModel model, string path, bool uncondInput, bool mixInput = false) => ModelPackageWriter.Write(path, new ModelPackageRequest
    {
        Config = model.Config, Weights = model.state_dict(), ClassNames = new[] { "stone", "brick", "moss", "sand" }, Name = "tiny-neg",
        UnconditionalLabelInput = uncondInput, ClassMixInput = mixInput,
    });

    [Test]
    public void TheNullClassIsTodaysGuidanceAndAnotherClassGuidesAwayFromIt()
    {
        var dir = Directory.CreateTempSubdirectory("dit-neg-").FullName;
        try
        {
            using var model = TinyModel();
            var oldPath = Path.Combine(dir, "old");
            var newPath = Path.Combine(dir, "new");
            Assert.That(Export(model, oldPath, uncondInput: false).FormatVersion, Is.EqualTo(1));
            var written = Export(model, newPath, uncondInput: true);
            Assert.That((written.FormatVersion, written.Guidance.UnconditionalLabelInput), Is.EqualTo((3, (bool?)true)));

            var options = new GenerationOptions { ClassIds = new[] { 1 }, Steps = 8, Seed = 3, CfgScale = 3f, Outputs = GenerationOutputs.ImageAndSample };
            GeneratedImage Make(string path, int? negative)
            {
                using var dit = DiT.Load(path, new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu });
                options.NegativeClassId = negative;
                return dit.Generate(options)[0];
            }
            var before = Make(oldPath, null);
            var plain = Make(newPath, null);
            var viaNull = Make(newPath, 4);
            Assert.That(plain.Sample, Is.EqualTo(before.Sample), "the input fed the null class computes what the constant did");
            Assert.That(viaNull.Sample, Is.EqualTo(before.Sample), "negative class = null class: plain guidance, bit for bit");
            var away = Make(newPath, 2);
            double moved = away.Sample!.Zip(plain.Sample!, (a, b) => Math.Abs(a - b)).Max();
            Assert.That(moved, Is.GreaterThan(1e-3), "guiding away from another class changes the sample");
            Assert.That(away.Recipe.NegativeClassId, Is.EqualTo(2));
            Assert.That(plain.Recipe.ToJson(), Does.Not.Contain("negativeClassId"), "recipes without it are written as before");

            // The recipe regenerates it.
            using (var dit = DiT.Load(newPath, new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu }))
            {
                var again = dit.Generate(GenerationOptions.FromRecipe(Recipe.FromJson(away.Recipe.ToJson())))[0];
                Assert.That(again.Rgba8, Is.EqualTo(away.Rgba8));
                var byName = dit.Generate(new GenerationOptions { ClassIds = new[] { 1 }, Steps = 8, Seed = 3, CfgScale = 3f, NegativeClassName = "moss" })[0];
                Assert.That(byName.Rgba8, Is.EqualTo(away.Rgba8));
                var bad = Assert.Throws<ArgumentOutOfRangeException>(() => dit.CreateJob(new GenerationOptions { ClassIds = new[] { 0 }, NegativeClassId = 9 }));
                Assert.That(bad!.Message, Does.Contain("valid ids are 0..3 (or the null class 4)"));
            }

            // An older package says how to get the input, then `dit upgrade` gives it without a checkpoint.
            using (var old = DiT.Load(oldPath, new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu }))
            {
                Assert.That(old.SupportsNegativeGuidance, Is.False);
                var e = Assert.Throws<NotSupportedException>(() => old.CreateJob(new GenerationOptions { ClassIds = new[] { 1 }, NegativeClassId = 2 }));
                Assert.That(e!.Message, Does.Contain("dit upgrade --package"));
            }
            var upgraded = GuidanceInputsUpgrade.Apply(oldPath);
            Assert.That((upgraded.FormatVersion, upgraded.Guidance.UnconditionalLabelInput, upgraded.Guidance.ClassMixInput), Is.EqualTo((3, (bool?)true, (bool?)true)));
            Assert.That(ModelPackageWriter.ReadAndVerify(oldPath), Is.EqualTo(upgraded));
            Assert.That(Make(oldPath, 2).Sample, Is.EqualTo(away.Sample));
            // Against a fresh export with both inputs, with both in use: the same numbers.
            var bothPath = Path.Combine(dir, "both");
            Export(model, bothPath, uncondInput: true, mixInput: true);
            float[] Mixed(string path)
            {
                using var dit = DiT.Load(path, new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu });
                return dit.Generate(new GenerationOptions { ClassIds = new[] { 1 }, Steps = 6, Seed = 3, CfgScale = 3f, NegativeClassId = 2, MixClassId = 3, Mix = 0.3f,
                    Outputs = GenerationOutputs.Sample })[0].Sample!;
            }
            Assert.That(Mixed(oldPath), Is.EqualTo(Mixed(bothPath)));
            Assert.Throws<ArgumentException>(() => GuidanceInputsUpgrade.Apply(oldPath), "only once");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void ClassMixingBlendsTwoClassesAndItsEndsAreTheClassesThemselves()
    {
        var dir = Directory.CreateTempSubdirectory("dit-mix-").FullName;
        try
        {
            using var model = TinyModel();
            var path = Path.Combine(dir, "mix");
            var written = Export(model, path, uncondInput: true, mixInput: true);
            Assert.That(written.Guidance.ClassMixInput, Is.True);
            using var dit = DiT.Load(path, new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu });
            Assert.That(dit.SupportsClassMixing, Is.True);
            float[] Make(int cls, int? mixClass, float w)
            {
                var o = new GenerationOptions { ClassIds = new[] { cls }, Steps = 6, Seed = 8, CfgScale = 3f, Outputs = GenerationOutputs.Sample, MixClassId = mixClass, Mix = w };
                return dit.Generate(o)[0].Sample!;
            }
            var stone = Make(0, null, 0.5f);
            var moss = Make(2, null, 0.5f);
            Assert.That(Make(0, 2, 0f), Is.EqualTo(stone), "weight 0: the class alone");
            Assert.That(Make(0, 2, 1f), Is.EqualTo(moss), "weight 1: the mixed-in class alone");
            var half = Make(0, 2, 0.5f);
            double Dist(float[] a, float[] b) => a.Zip(b, (p, q) => Math.Abs(p - q)).Max();
            Assert.That(Dist(half, stone), Is.GreaterThan(1e-3));
            Assert.That(Dist(half, moss), Is.GreaterThan(1e-3));

            var img = dit.Generate(new GenerationOptions { ClassNames = new[] { "stone" }, MixClassName = "moss", Mix = 0.3f, Steps = 6, Seed = 8 })[0];
            Assert.That((img.Recipe.MixClassId, img.Recipe.Mix), Is.EqualTo(((int?)2, (float?)0.3f)));
            Assert.That(dit.Generate(GenerationOptions.FromRecipe(Recipe.FromJson(img.Recipe.ToJson())))[0].Rgba8, Is.EqualTo(img.Rgba8));
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => dit.CreateJob(new GenerationOptions { ClassIds = new[] { 0 }, MixClassId = 1, Mix = 1.5f }));
            Assert.That(e!.Message, Does.Contain("Mix must be in [0, 1]"));
        }
        finally { Directory.Delete(dir, true); }
    }
}
