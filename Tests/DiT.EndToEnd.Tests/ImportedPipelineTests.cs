using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using DiTPlugin.Contract.Package;
using DiT.Training.Export;
using DiT.Training.Formats;
using DiT.Training.Import;
using DiT.Training.Model;
using DiT.Training.Vae;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiTPlugin.EndToEnd.Tests;

/// <summary>
/// The import pipeline at the real shapes, with generated weights (the published ones cannot be downloaded here):
/// DiT-XL/2 in the official state-dict layout, read from a file and imported with its config inferred, plus the
/// SD VAE (83.7M parameters) → a package with the fp16 DiT graph (fp32 XL/2 exceeds one ONNX file's 2 GB) and
/// the VAE decoder → the Plugin loads it and generates 256x256 and 512x512 images, with the licence surfaced.
/// Each test takes 2-3 minutes and up to 15 GB of memory on a 2-core machine, so they are explicit; the notes of the
/// stop that added them record a run.
/// </summary>
[Explicit("2-3 minutes per test and up to 15 GB: DiT-XL/2 (675M parameters) and the SD VAE at full size")]
[Category("RealShapes")]
public class ImportedPipelineTests
{
    private string dir = "";

    [SetUp] public void MakeDir() => dir = Directory.CreateTempSubdirectory("dit-import-").FullName;
    [TearDown] public void RemoveDir() { try { Directory.Delete(dir, true); } catch (IOException) { } }

    [Test] public void DiTXL2At256WithTheSdVae() => Run(latent: 32, vaeTile: null);

    /// <summary>512 decodes through the tiled decoder (3x3 tiles of 32x32 latents), which the Plugin blends.</summary>
    [Test] public void DiTXL2At512WithATiledSdVae() => Run(latent: 64, vaeTile: 32);

    private void Run(int latent, int? vaeTile)
    {
        var clock = Stopwatch.StartNew();
        void Log(string what) => TestContext.Out.WriteLine($"{clock.Elapsed.TotalSeconds,7:F1} s  {what}");

        // 1. Official-layout weights on disk. adaLN-Zero starts as the identity with a zero output layer; random
        //    values there make every block and the output depend on the weights.
        var ditFile = Path.Combine(dir, $"DiT-XL-2-{latent * 8}x{latent * 8}.safetensors");
        var cfg = DiTConfig.FromName("DiT-XL/2", inputSize: latent);
        using (var source = new DiTModel(cfg))
        {
            using (no_grad())
                foreach (var (name, p) in source.named_parameters())
                    if (name.Contains("adaLN_modulation") || name.StartsWith("final_layer.linear", StringComparison.Ordinal))
                        p.copy_(randn_like(p) * 0.02);
            Safetensors.Save(ditFile, source.state_dict());
        }
        Log($"wrote {ditFile} ({new FileInfo(ditFile).Length / 1e9:F2} GB)");

        // 2. Import: config from the shapes.
        DiTModel imported;
        using (var file = StateDictFile.Load(ditFile))
            imported = DiTImporter.Import(file.Tensors, ditFile);
        using var _ = imported;
        Assert.That(imported.Config, Is.EqualTo(cfg));
        Log($"imported {DiTImporter.Describe(imported.Config)}");

        // 3. The SD VAE's decoder, fp32 (and, for the tiled case, per tile).
        List<VaeDecoderGraph> decoders;
        using (var vae = new AutoencoderKL(VaeConfig.StableDiffusion))
        {
            Assert.That(vae.ParameterCounts().Total, Is.EqualTo(83_653_863L));
            var graph = VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = vaeTile ?? latent });
            decoders = new List<VaeDecoderGraph> { new(graph.ToBytes(), Precision.Fp32, vaeTile) };
        }
        Log("exported the VAE decoder");

        // 4. The package: fp16 DiT, licence of the official weights.
        var package = Path.Combine(dir, "package");
        var manifest = ModelPackageWriter.Write(package, new ModelPackageRequest
        {
            Config = cfg,
            Weights = imported.state_dict(),
            ClassNames = Enumerable.Range(0, 1000).Select(i => $"class {i}").ToList(),
            Name = $"dit-xl-2-{latent * 8}-generated-weights",
            License = new LicenseInfo { Id = "CC-BY-NC-4.0", Text = "DiT weights: CC-BY-NC 4.0, no commercial use.", Attribution = "Peebles & Xie" },
            IncludeFp32 = false,
            IncludeFp16 = true,
            GuidedChannels = 3,
            VaeDecoders = decoders,
        });
        Log($"wrote the package: {string.Join(", ", Directory.GetFiles(package).Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length / 1e6:F0} MB"))}");
        Assert.That(manifest.Output.Width, Is.EqualTo(latent * 8));
        imported.Dispose();

        // 5. The Plugin: load, check what it exposes, generate.
        using var dit = DiT.Load(package);
        Log("Plugin loaded the package");
        Assert.That(dit.License.Id, Is.EqualTo("CC-BY-NC-4.0"));
        Assert.That(dit.License.CommercialUse, Is.False);
        Assert.That(dit.Classes, Has.Count.EqualTo(1000));
        var job = dit.CreateJob(new GenerationOptions { ClassIds = new[] { 207 }, Steps = 2, Sampler = SamplerKind.Ddim, CfgScale = 4f, Seed = 1 });
        var step = Stopwatch.StartNew();
        job.Step(System.TimeSpan.Zero);
        Log($"one DiT step (CFG, batch 2 inside the graph): {step.Elapsed.TotalSeconds:F1} s");
        step.Restart();
        while (!job.IsCompleted) job.Step(System.TimeSpan.Zero);
        Log($"last step + VAE decode{(vaeTile is null ? "" : " (tiled)")}: {step.Elapsed.TotalSeconds:F1} s");
        var image = job.Result[0];
        Assert.That((image.Width, image.Height), Is.EqualTo((latent * 8, latent * 8)));
        var distinct = image.Rgba8.Where((_, i) => i % 4 != 3).Distinct().Count();
        Assert.That(distinct, Is.GreaterThan(50), "a decoded image, not a constant");
        image.SavePng(Path.Combine(dir, "out.png"));
    }
}
