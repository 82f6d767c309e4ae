using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DiTPlugin.Contract.Classes;
using DiTPlugin.Contract.Package;
using DiT.Training.Export;
using DiT.Training.Model;
using DiT.Training.Trainer;
using NUnit.Framework;
using static DiT.Training.Tests.Export.OnnxTestUtil;

namespace DiT.Training.Tests.Export;

public class ModelPackageTests : TempDirectoryTest
{
    private static readonly string[] Names = { "zero", "one", "two", "three", "four" };

    private static ModelPackageRequest Request(DiTModel model, bool fp16 = true) => new()
    {
        Config = model.Config,
        Weights = model.state_dict(),
        ClassNames = Names,
        Name = "tiny-dit",
        Description = "test package",
        License = new LicenseInfo { Id = "CC-BY-4.0", CommercialUse = true, Text = "license text", Attribution = "someone" },
        ScheduleKind = ScheduleKind.Cosine,
        Timesteps = 500,
        Batch = 1,
        GuidedChannels = 3,
        IncludeFp16 = fp16,
        TrainingSteps = 1234,
        Dataset = "synthetic",
        FinalLoss = 0.25,
    };

    private static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    [Test]
    public void FolderPackageRoundTripsAndHashesMatch()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var dir = Path.Combine(Dir, "pkg");
        var written = ModelPackageWriter.Write(dir, Request(model));

        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal), Is.EqualTo(new[] { "dit.onnx", "dit_fp16.onnx", "model.json" }));
        var json = File.ReadAllText(Path.Combine(dir, "model.json"));
        var read = ModelPackageWriter.ReadAndVerify(dir);
        Assert.That(read, Is.EqualTo(written), "model.json reads back as the manifest written");
        Assert.That(read.ToJson(), Is.EqualTo(json), "and writes back to the same text");

        // The contract's camelCase keys and values.
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.That(root.GetProperty("format").GetString(), Is.EqualTo("ditplugin-model-package"));
        Assert.That(root.GetProperty("formatVersion").GetInt32(), Is.EqualTo(3), "the y_uncond input (negative guidance)");
        Assert.That(root.GetProperty("guidance").GetProperty("unconditionalLabelInput").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("latent").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(root.GetProperty("license").GetProperty("commercialUse").GetBoolean(), Is.True);
        var arch = root.GetProperty("architecture");
        Assert.That(arch.GetProperty("block").GetString(), Is.EqualTo("AdaLNZero"));
        Assert.That(arch.GetProperty("hiddenSize").GetInt32(), Is.EqualTo(32));
        Assert.That(arch.GetProperty("learnSigma").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("input").GetProperty("space").GetString(), Is.EqualTo("pixel"));
        Assert.That(root.GetProperty("output").GetProperty("colorSpace").GetString(), Is.EqualTo("sRGB"));
        var classes = root.GetProperty("classes");
        Assert.That(classes.GetProperty("count").GetInt32(), Is.EqualTo(5));
        Assert.That(classes.GetProperty("nullClass").GetInt32(), Is.EqualTo(5));
        Assert.That(classes.GetProperty("names").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(Names));
        Assert.That(root.GetProperty("schedule").GetProperty("kind").GetString(), Is.EqualTo("cosine"));
        Assert.That(root.GetProperty("schedule").GetProperty("timesteps").GetInt32(), Is.EqualTo(500));
        Assert.That(root.GetProperty("guidance").GetProperty("guidedChannels").GetInt32(), Is.EqualTo(3));
        Assert.That(root.GetProperty("training").GetProperty("steps").GetInt64(), Is.EqualTo(1234));

        var graphs = root.GetProperty("graphs").EnumerateArray().ToList();
        Assert.That(graphs.Select(g => g.GetProperty("file").GetString()), Is.EqualTo(new[] { "dit.onnx", "dit_fp16.onnx" }));
        Assert.That(graphs.Select(g => g.GetProperty("precision").GetString()), Is.EqualTo(new[] { "fp32", "fp16" }));
        foreach (var g in graphs)
        {
            Assert.That(g.GetProperty("role").GetString(), Is.EqualTo("dit"));
            Assert.That(g.GetProperty("opset").GetInt32(), Is.EqualTo(17));
            Assert.That(g.GetProperty("batch").GetInt32(), Is.EqualTo(1));
            Assert.That(g.GetProperty("sha256").GetString(), Is.EqualTo(Sha(File.ReadAllBytes(Path.Combine(dir, g.GetProperty("file").GetString()!)))));
        }
        var content = Sha(Encoding.UTF8.GetBytes(string.Join("\n", graphs.Select(g => g.GetProperty("sha256").GetString()))));
        Assert.That(root.GetProperty("contentHash").GetString(), Is.EqualTo(content));
        Assert.That(Directory.GetFiles(dir, "*.tmp"), Is.Empty);
    }

    [Test]
    public void SamplingClipDenoisedIsWrittenWithTheSpacesDefaultOrTheOverride()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        bool Written(ModelPackageRequest r, string name)
        {
            var dir = Path.Combine(Dir, name);
            ModelPackageWriter.Write(dir, r with { IncludeFp16 = false });
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "model.json")));
            return doc.RootElement.GetProperty("sampling").GetProperty("clipDenoised").GetBoolean();
        }
        Assert.That(Written(Request(model), "pixel"), Is.True, "a pixel-space package clips (ADM)");
        Assert.That(Written(Request(model) with { ClipDenoised = false }, "pixel-noclip"), Is.False);
        // A latent package: any decoder graph makes input.space "latent" (the bytes are not run here).
        var latent = Request(model) with { VaeDecoders = new[] { new VaeDecoderGraph(new byte[] { 1, 2, 3 }, Precision.Fp32) }, LatentDownsample = 2 };
        Assert.That(Written(latent, "latent"), Is.False, "a latent package does not clip (DiT's sample.py)");
        Assert.That(Written(latent with { ClipDenoised = true }, "latent-clip"), Is.True);
    }

    [Test]
    public void SamplingDefaultsAreWrittenCanonicallyAndCanBeChangedWithoutTouchingTheGraphs()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var dir = Path.Combine(Dir, "defaults");
        var written = ModelPackageWriter.Write(dir, Request(model, fp16: false) with { DefaultSampler = "DPM20", DefaultCfgScale = 1.5 });
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "model.json"))))
        {
            var sampling = doc.RootElement.GetProperty("sampling");
            Assert.That(sampling.GetProperty("sampler").GetString(), Is.EqualTo("dpm20"));
            Assert.That(sampling.GetProperty("cfgScale").GetDouble(), Is.EqualTo(1.5));
        }
        var plain = Path.Combine(Dir, "plain");
        ModelPackageWriter.Write(plain, Request(model, fp16: false));
        using (var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(plain, "model.json"))))
            Assert.That(doc.RootElement.GetProperty("sampling").TryGetProperty("sampler", out _), Is.False, "no default asked: the field is left out, readers use their own");

        var graphBytes = File.ReadAllBytes(Path.Combine(dir, "dit.onnx"));
        var amended = PackageAmendment.SetSamplingDefaults(dir, "ddim50", null);
        Assert.That(amended.Sampling!.Sampler, Is.EqualTo("ddim50"));
        Assert.That(amended.Sampling.CfgScale, Is.EqualTo(1.5), "a field not given stays");
        Assert.That(amended.ContentHash, Is.EqualTo(written.ContentHash), "recipes still name the same model");
        Assert.That(File.ReadAllBytes(Path.Combine(dir, "dit.onnx")), Is.EqualTo(graphBytes));
        Assert.That(ModelPackageWriter.ReadAndVerify(dir), Is.EqualTo(amended));
        Assert.Throws<ArgumentException>(() => PackageAmendment.SetSamplingDefaults(dir, "dpm501", null), "more steps than the schedule's 500");
        Assert.Throws<ArgumentException>(() => ModelPackageWriter.Write(Path.Combine(Dir, "bad"), Request(model, fp16: false) with { DefaultSampler = "euler" }));
        Assert.That(ModelPackageWriter.ReadAndVerify(dir), Is.EqualTo(amended), "a refused change leaves the package as it was");
    }

    [Test]
    public void RemovingAGraphRehashesTheRestAndKeepsTheLastDiTGraph()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var dir = Path.Combine(Dir, "two");
        var written = ModelPackageWriter.Write(dir, Request(model));   // dit.onnx + dit_fp16.onnx
        var fp16Sha = written.Graphs.Single(g => g.File == "dit_fp16.onnx").Sha256;
        var amended = PackageAmendment.RemoveGraph(dir, "dit.onnx");
        Assert.That(amended.Graphs.Select(g => g.File), Is.EqualTo(new[] { "dit_fp16.onnx" }));
        Assert.That(amended.ContentHash, Is.EqualTo(Sha(Encoding.UTF8.GetBytes(fp16Sha))), "contentHash over the graphs that are left");
        Assert.That(File.Exists(Path.Combine(dir, "dit.onnx")), Is.False);
        Assert.That(ModelPackageWriter.ReadAndVerify(dir), Is.EqualTo(amended));

        var e = Assert.Throws<ArgumentException>(() => PackageAmendment.RemoveGraph(dir, "dit_fp16.onnx"));
        Assert.That(e!.Message, Does.Contain("only DiT graph"));
        e = Assert.Throws<ArgumentException>(() => PackageAmendment.RemoveGraph(dir, "nothing.onnx"));
        Assert.That(e!.Message, Does.Contain("dit_fp16.onnx"), "names what the package has");
        Assert.That(ModelPackageWriter.ReadAndVerify(dir), Is.EqualTo(amended), "refusals change nothing");
    }

    [Test]
    public void CheckpointCarriesTheSamplingConventionIntoThePackage()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var official = new SamplingConvention(LatentSpace: true, GuidedChannels: 3, ClipDenoised: false);
        var imported = Path.Combine(Dir, "imported.ckpt");
        Checkpoint.Save(imported, null, model, null, 0, new TrainOptions(), Names, sampling: official);
        using (var c = Checkpoint.Load(imported))
        {
            Assert.That(c.Sampling, Is.EqualTo(official));
            var r = ModelPackageRequest.FromCheckpoint(c, "x");
            Assert.That((r.GuidedChannels, r.ClipDenoised), Is.EqualTo(((int?)3, (bool?)false)));
        }
        // Trained checkpoints record nothing: the defaults follow how they were trained.
        var trained = Path.Combine(Dir, "trained.ckpt");
        Checkpoint.Save(trained, null, model, null, 10, new TrainOptions { LatentCodec = "vae.safetensors" }, Names);
        using (var c = Checkpoint.Load(trained))
        {
            Assert.That(c.Sampling, Is.Null);
            Assert.That(c.SamplingDefaults.ResolveClipDenoised(), Is.False, "trained on VAE latents: no clipping");
            Assert.That(c.SamplingDefaults.GuidedChannels, Is.Null, "all channels");
        }
        Checkpoint.Save(trained, null, model, null, 10, new TrainOptions { LatentData = true }, Names);
        using (var c = Checkpoint.Load(trained)) Assert.That(c.SamplingDefaults.LatentSpace, Is.True, "trained on a latent cache");
        Checkpoint.Save(trained, null, model, null, 10, new TrainOptions(), Names);
        using (var c = Checkpoint.Load(trained)) Assert.That(c.SamplingDefaults.ResolveClipDenoised(), Is.True, "pixels: ADM's clip");
    }

    [Test]
    public void FolderExportReplacesThePackageWholeAndAtomically()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var dir = Path.Combine(Dir, "pkg");
        ModelPackageWriter.Write(dir, Request(model));
        File.WriteAllText(Path.Combine(dir, "stale.onnx"), "left from an older export");
        // What a killed export leaves behind: a hidden temporary folder beside the package.
        Directory.CreateDirectory(Path.Combine(Dir, ".pkg.export-0123456789abcdef"));
        ModelPackageWriter.Write(dir, Request(model, fp16: false) with { Name = "second" });
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal), Is.EqualTo(new[] { "dit.onnx", "model.json" }),
            "the new package replaces the folder whole: no file of the old one is left beside the new manifest");
        Assert.That(ModelPackageWriter.ReadAndVerify(dir).Name, Is.EqualTo("second"));
        Assert.That(Directory.GetDirectories(Dir).Select(Path.GetFileName), Is.EqualTo(new[] { "pkg" }), "no temporary folder is left");

        // A failing export changes nothing.
        Assert.Throws<ArgumentException>(() => ModelPackageWriter.Write(dir, Request(model) with { ScheduleKind = ScheduleKind.Linear, Timesteps = 5 }), "too few steps for the linear schedule");
        Assert.That(ModelPackageWriter.ReadAndVerify(dir).Name, Is.EqualTo("second"));

        // A folder that is not a package is never replaced.
        var mine = Path.Combine(Dir, "my-textures");
        Directory.CreateDirectory(mine);
        File.WriteAllText(Path.Combine(mine, "keep.png"), "x");
        var e = Assert.Throws<IOException>(() => ModelPackageWriter.Write(mine, Request(model)))!;
        Assert.That(e.Message, Does.Contain("not a model package"));
        Assert.That(File.Exists(Path.Combine(mine, "keep.png")), Is.True);
    }

    [Test]
    public void DuplicateClassNamesAreRefusedExceptImageNetsOwn()
    {
        Assert.DoesNotThrow(() => ModelPackageWriter.CheckUniqueNames(Names));
        Assert.DoesNotThrow(() => ModelPackageWriter.CheckUniqueNames(new[] { "", " ", "a" }), "blank names are placeholders");
        var e = Assert.Throws<ArgumentException>(() => ModelPackageWriter.CheckUniqueNames(new[] { "Stone", "brick", "stone " }))!;
        Assert.That(e.Message, Does.Contain("'Stone' names classes 0, 2"));
        // The Contract's rule (ClassNameRepeats): ImageNet's own repeats, "Cardigan"/"cardigan" among them, are kept.
        var imageNet = ImageNetClasses.All.Select(c => c.Name).ToArray();
        Assert.DoesNotThrow(() => ModelPackageWriter.CheckUniqueNames(imageNet), "ImageNet-1k's own duplicates");
        imageNet[5] = "crane";
        Assert.That(Assert.Throws<ArgumentException>(() => ModelPackageWriter.CheckUniqueNames(imageNet))!.Message, Does.Contain("'crane' names classes 5, 134, 517"));
    }

    [Test]
    public void TamperedGraphFailsVerificationNamingTheFile()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLN));
        var dir = Path.Combine(Dir, "pkg");
        ModelPackageWriter.Write(dir, Request(model, fp16: false));
        var path = Path.Combine(dir, "dit.onnx");
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 1;
        File.WriteAllBytes(path, bytes);
        Assert.That(() => ModelPackageWriter.ReadAndVerify(dir),
            Throws.TypeOf<InvalidDataException>().With.Message.Contains("dit.onnx").And.Message.Contains("sha256"));
    }

    [Test]
    public void ZipPackageHoldsTheSameFiles()
    {
        using var model = RandomModel(Tiny(BlockType.CrossAttention));
        var dir = Path.Combine(Dir, "pkg");
        var zipPath = Path.Combine(Dir, "pkg.zip");
        ModelPackageWriter.Write(dir, Request(model));
        ModelPackageWriter.Write(zipPath, Request(model));
        using (var zip = ZipFile.OpenRead(zipPath))
        {
            Assert.That(zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal), Is.EqualTo(Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)));
            foreach (var e in zip.Entries)
            {
                using var s = e.Open();
                using var ms = new MemoryStream();
                s.CopyTo(ms);
                Assert.That(ms.ToArray(), Is.EqualTo(File.ReadAllBytes(Path.Combine(dir, e.FullName))), e.FullName);
            }
        }
        Assert.That(ModelPackageWriter.ReadAndVerify(zipPath).Name, Is.EqualTo("tiny-dit"));
        Assert.That(File.Exists(zipPath + ".tmp"), Is.False);
    }

    [Test]
    public void CheckpointExportUsesEmaWeightsAndRunsInOrt()
    {
        var cfg = Tiny(BlockType.InContext, channels: 1, learnSigma: true);
        using var ema = RandomModel(cfg, seed: 3);
        var ckptPath = Path.Combine(Dir, "ckpt.safetensors");
        var options = new TrainOptions { Schedule = "linear", DiffusionSteps = 1000 };
        Checkpoint.Save(ckptPath, null, ema, null, 42, options, Names);
        using var ckpt = Checkpoint.Load(ckptPath);
        var dir = Path.Combine(Dir, "pkg");
        var m = ModelPackageWriter.Write(dir, ModelPackageRequest.FromCheckpoint(ckpt, "from-ckpt"));
        Assert.That(m.Training!.Steps, Is.EqualTo(42));
        Assert.That(m.Schedule, Is.EqualTo(new ScheduleInfo { Kind = ScheduleKind.Linear, Timesteps = 1000 }));
        Assert.That(m.Classes.Names, Is.EqualTo(Names));

        using var session = Session(File.ReadAllBytes(Path.Combine(dir, "dit.onnx")));
        var inp = RandomInputs(cfg, 1);
        var (eps, v) = RunOrt(session, inp, 4f);
        var (refEps, refV) = Reference(ema, inp, 4.0, null);
        Assert.That(MaxAbs(eps, refEps), Is.LessThanOrEqualTo(1e-4));
        Assert.That(MaxAbs(v, refV), Is.LessThanOrEqualTo(1e-4));
    }
}
