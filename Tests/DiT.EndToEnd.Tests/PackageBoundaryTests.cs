using System;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using DiTPlugin.Contract.Schedules;
using DiTPlugin.Noise;
using DiTPlugin.TestSupport;
using DiT.Training.Diffusion;
using DiT.Training.Export;
using DiT.Training.Model;
using DiT.Training.Trainer;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiTPlugin.EndToEnd.Tests;

/// <summary>
/// Train a tiny model with Training, export a package, then load and generate with the Plugin: the two share only
/// the package on disk and the DiTPlugin.Contract library (schedules, respacing, sampler specs), never each other.
/// </summary>
public class PackageBoundaryTests
{
    private string dir = "";
    private string package = "";
    private Checkpoint? ckpt;

    [OneTimeSetUp]
    public void TrainAndExport()
    {
        dir = Directory.CreateTempSubdirectory("dit-e2e-").FullName;
        var data = new TwoToneDataset();
        var cfg = new DiTConfig { Depth = 2, HiddenSize = 64, NumHeads = 4, PatchSize = 2, InputSize = 8, InChannels = 1, NumClasses = 2 };
        var opts = new TrainOptions
        {
            Steps = 300, BatchSize = 8, LearningRate = 1e-3, EmaDecay = 0.9, Seed = 3, OutputDir = dir,
            CheckpointEvery = 0, SampleEvery = 0, LogEvery = 50,
        };
        using (var trainer = new DiTTrainer(cfg, data, opts)) trainer.Run();
        ckpt = Checkpoint.Load(Path.Combine(dir, "latest.ckpt"));
        package = Path.Combine(dir, "two-tone-package");
        ModelPackageWriter.Write(package, ModelPackageRequest.FromCheckpoint(ckpt, "two-tone") with { Batch = 1 });
    }

    [OneTimeTearDown]
    public void CleanUp()
    {
        ckpt?.Dispose();
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }

    private static string[] ProjectReferences(string csproj) =>
        XDocument.Load(RepoPaths.Find(csproj)).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/'))).ToArray();

    [Test]
    public void TrainingAndPluginShareOnlyTheContract()
    {
        // The projects as written...
        var training = ProjectReferences("Training/DiT.Training/DiT.Training.csproj");
        var plugin = ProjectReferences("Plugin/DiTPlugin/DiTPlugin.csproj");
        Assert.That(training, Is.EqualTo(new[] { "DiTPlugin.Contract" }), "Training references the Contract and not the Plugin");
        Assert.That(plugin, Is.EqualTo(new[] { "DiTPlugin.Contract" }), "the Plugin references the Contract and not Training");
        Assert.That(ProjectReferences("Contract/DiTPlugin.Contract/DiTPlugin.Contract.csproj"), Is.Empty, "the Contract depends on neither");
        // ...and the assemblies as built.
        string[] Refs(Type t) => t.Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        var contract = typeof(BetaSchedules).Assembly.GetName().Name!;
        var trainingAsm = typeof(GaussianDiffusion).Assembly.GetName().Name!;
        var pluginAsm = typeof(DiT).Assembly.GetName().Name!;
        Assert.That(Refs(typeof(GaussianDiffusion)), Does.Contain(contract).And.Not.Contain(pluginAsm));
        Assert.That(Refs(typeof(DiT)), Does.Contain(contract).And.Not.Contain(trainingAsm));
        Assert.That(Refs(typeof(BetaSchedules)), Does.Not.Contain(pluginAsm).And.Not.Contain(trainingAsm));
    }

    [Test]
    public void OnlyThePluginsAssembliesUseThePluginsNamespace()
    {
        // "DiTPlugin" is what a game ships; Training is a separate tool with namespaces of its own, so that a type's
        // namespace says which side it belongs to (and Training's network, DiTModel, is never confused with DiT).
        var training = typeof(GaussianDiffusion).Assembly.GetTypes().Where(t => t.Namespace is not null && !t.Namespace.StartsWith("System.", StringComparison.Ordinal))   // not the generated regex code
            .Select(t => t.Namespace!).Distinct().ToArray();
        Assert.That(training, Is.Not.Empty);
        Assert.That(training.Where(n => !n.StartsWith("DiT.Training", StringComparison.Ordinal)), Is.Empty);
        Assert.That(typeof(DiT).Assembly.GetTypes().Where(t => t.Namespace is not null && t.IsPublic)
            .Where(t => !t.Namespace!.StartsWith("DiTPlugin", StringComparison.Ordinal)).Select(t => t.FullName), Is.Empty);
    }

    [Test]
    public void LibraryTestsDependOnNoSampleApp()
    {
        // A library's tests build and run without any sample: the demo scene's own tests live in DemoScene.Tests.
        foreach (var tests in new[] { "Tests/DiTPlugin.Tests/DiTPlugin.Tests.csproj", "Tests/DiTPlugin.Vulkan.Tests/DiTPlugin.Vulkan.Tests.csproj",
                     "Tests/DiTPlugin.Contract.Tests/DiTPlugin.Contract.Tests.csproj", "Tests/DiT.Training.Tests/DiT.Training.Tests.csproj" })
        {
            var samples = XDocument.Load(RepoPaths.Find(tests)).Descendants("ProjectReference")
                .Select(r => r.Attribute("Include")!.Value.Replace('\\', '/')).Where(p => p.Contains("/Samples/")).ToArray();
            Assert.That(samples, Is.Empty, tests + " references a sample app");
        }
        Assert.That(ProjectReferences("Tests/DemoScene.Tests/DemoScene.Tests.csproj"), Does.Contain("DemoScene"));
    }

    private static float[] Gray(PluginDiTImage img) =>
        Enumerable.Range(0, img.Width * img.Height).Select(i => img.Rgba8[4 * i] / 127.5f - 1f).ToArray();

    [Test]
    public void PluginLoadsTheExportedPackageAndGeneratesByIdAndName()
    {
        using var dit = DiT.Load(package);
        Assert.That(dit.Classes, Is.EqualTo(new[] { "light", "dark" }));
        Assert.That(dit.ContentHash, Is.EqualTo(ModelPackageWriter.ReadAndVerify(package).ContentHash));
        var light = dit.Generate(new GenerationOptions { ClassIds = new[] { 0 }, Seed = 11, Steps = 25, CfgScale = 2f })[0];
        Assert.That((light.Width, light.Height, light.Rgba8.Length), Is.EqualTo((8, 8, 8 * 8 * 4)));
        Assert.That(Enumerable.Range(0, 64).All(i => light.Rgba8[4 * i + 3] == 255), Is.True, "opaque");
        var dark = dit.Generate("dark");
        Assert.That(dark.Recipe.ClassId, Is.EqualTo(1));
        Assert.That(dark.Recipe.ModelHash, Is.EqualTo(dit.ContentHash));
        var again = dit.Generate(GenerationOptions.FromRecipe(dark.Recipe))[0];
        Assert.That(again.Rgba8, Is.EqualTo(dark.Rgba8), "a recipe regenerates the same pixels");
    }

    [TestCase(SamplerKind.Ddim)]
    [TestCase(SamplerKind.DpmSolverPlusPlus2M)]
    public void TrajectoryInThePluginMatchesTorchSharpOnTheSameNoise(SamplerKind sampler)
    {
        const ulong seed = 5;
        const int steps = 10, cls = 1;
        const float cfgScale = 2f;
        using var dit = DiT.Load(package);
        var img = dit.Generate(new GenerationOptions { ClassIds = new[] { cls }, Seed = seed, Steps = steps, CfgScale = cfgScale, Sampler = sampler })[0];

        // The same model, sampler and x_T in TorchSharp: the Plugin's x_T is a pure function of (seed, image, draw 0).
        using var model = ckpt!.CreateModel();
        var xT = new float[TwoToneDataset.Size * TwoToneDataset.Size];
        GaussianNoise.Fill(seed, 0, GaussianNoise.InitialDraw, xT);
        using var scope = NewDisposeScope();
        using var diffusion = GaussianDiffusion.Create(steps.ToString(), "linear", 1000, learnSigma: true);
        var z = tensor(xT).view(1, 1, 8, 8);
        var y = tensor(new long[] { cls });
        var fn = GuidedDenoiser.For(model, y, cfgScale);
        var shape = new long[] { 2, 1, 8, 8 };
        var noise = cat(new[] { z, z }, 0);
        var x0 = sampler == SamplerKind.Ddim ? diffusion.DdimSampleLoop(fn, shape, noise: noise) : diffusion.DpmSolverSampleLoop(fn, shape, noise: noise);
        var ours = x0[0].reshape(-1).data<float>().ToArray();
        var theirs = Gray(new PluginDiTImage(img.Rgba8, img.Width, img.Height));
        double maxDiff = ours.Zip(theirs, (a, b) => Math.Abs(Math.Clamp(a, -1, 1) - b)).Max();
        TestContext.Out.WriteLine($"{sampler}: max |TorchSharp - Plugin| over the image: {maxDiff:E2} (one 8-bit level = {2.0 / 255:E2})");
        Assert.That(maxDiff, Is.LessThanOrEqualTo(1.01 * 2.0 / 255), "within one 8-bit quantisation level");
    }

    [Test]
    public void TamperedPackageIsRefusedWithTheFileNamed()
    {
        var copy = Path.Combine(dir, "tampered");
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(package)) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        var onnx = Path.Combine(copy, "dit.onnx");
        var bytes = File.ReadAllBytes(onnx);
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(onnx, bytes);
        var ex = Assert.Catch<Exception>(() => DiT.Load(copy));
        Assert.That(ex!.Message, Does.Contain("dit.onnx").And.Contain("sha256"));
    }

    private readonly record struct PluginDiTImage(byte[] Rgba8, int Width, int Height);
}
