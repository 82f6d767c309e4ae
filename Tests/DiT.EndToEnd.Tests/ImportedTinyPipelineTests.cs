using DiTPlugin.Contract.Package;
using DiTPlugin.TestSupport;
using System.IO;
using System;
using System.Linq;
using DiT.Training.Export;
using DiT.Training.Formats;
using DiT.Training.Import;
using DiT.Training.Model;
using DiT.Training.Vae;
using NUnit.Framework;

namespace DiTPlugin.EndToEnd.Tests;

/// <summary>
/// The import pipeline end to end at fixture size, in CI: a torch.save'd official-layout checkpoint and a
/// diffusers-layout VAE → import → package (fp32 and fp16 DiT, fp32 and tiled fp16 VAE decoder) → the Plugin
/// generates, exposing the non-commercial licence. ImportedPipelineTests does the same at the real shapes.
/// </summary>
public class ImportedTinyPipelineTests
{
    /// <summary>The torch.save'd official-layout DiT and the diffusers-layout tiny VAE, imported.</summary>
    private static (DiTModel Model, AutoencoderKL Vae) ImportFixtures()
    {
        using var dit = StateDictFile.Load(RepoPaths.Find("Tests/fixtures/dit_tiny_official.pt"));
        var model = DiTImporter.Import(dit.Tensors, "dit_tiny_official.pt", new DiTImporter.Options { Hints = new() { NumHeads = 4 } });
        using var vaeWeights = StateDictFile.Load(RepoPaths.Find("Tests/fixtures/vae_tiny_reference.safetensors"), key: "weights");
        var vaeConfig = VaeStateDict.InferConfig(VaeStateDict.Normalize(vaeWeights.Tensors), VaeConfig.StableDiffusion with { NormGroups = 8 });
        return (model, AutoencoderKL.Load(vaeWeights.Tensors, vaeConfig));
    }

    [Test]
    public void TorchCheckpointAndVaeBecomeAPackageThePluginGeneratesFrom()
    {
        var dir = Directory.CreateTempSubdirectory("dit-import-tiny-").FullName;
        try
        {
            var (model, vae) = ImportFixtures();
            using var _m = model;
            using var _v = vae;
            var vaeConfig = vae.Config;
            var full = VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 8 }).ToBytes();
            var half = VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 8, Fp16 = true }).ToBytes();
            var tile = VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 4 }).ToBytes();

            string Package(string name, params VaeDecoderGraph[] decoders)
            {
                var path = Path.Combine(dir, name);
                ModelPackageWriter.Write(path, new ModelPackageRequest
                {
                    Config = model.Config,
                    Weights = model.state_dict(),
                    ClassNames = Enumerable.Range(0, 10).Select(i => $"texture {i}").ToList(),
                    Name = "imported-tiny",
                    License = new LicenseInfo { Id = "CC-BY-NC-4.0", Text = "non-commercial", Attribution = "reference" },
                    GuidedChannels = 3,
                    LatentScale = vaeConfig.ScalingFactor,
                    LatentDownsample = vaeConfig.DownsampleFactor,
                    VaeDecoders = decoders,
                });
                return path;
            }
            var both = Package("both.zip", new VaeDecoderGraph(full, Precision.Fp32), new VaeDecoderGraph(half, Precision.Fp16));
            var tiled = Package("tiled", new VaeDecoderGraph(tile, Precision.Fp32, TileSize: 4));

            using var fp32 = DiT.Load(both);
            using var fp16 = DiT.Load(both, new DiTOptions { PreferFp16 = true });
            using var tiles = DiT.Load(tiled);
            Assert.That(fp32.License.CommercialUse, Is.False);
            Assert.That(fp32.Manifest.DecoderGraphs().Select(g => (g.File, g.Precision)),
                Is.EqualTo(new[] { ("vae_decoder.onnx", Precision.Fp32), ("vae_decoder_fp16.onnx", Precision.Fp16) }));
            var options = new GenerationOptions { ClassNames = new[] { "texture 3" }, Steps = 10, Seed = 5, CfgScale = 2f };
            var a = fp32.Generate(options)[0];
            var b = fp16.Generate(options)[0];
            var c = tiles.Generate(options)[0];
            Assert.That((a.Width, a.Height, c.Width, c.Height), Is.EqualTo((16, 16, 16, 16)));
            Assert.That(a.Rgba8.Where((_, i) => i % 4 != 3).Distinct().Count(), Is.GreaterThan(20), "an image, not a constant");
            double MeanDiff(GeneratedImage p, GeneratedImage q) => p.Rgba8.Zip(q.Rgba8, (x, y) => System.Math.Abs(x - y)).Average();
            // Same fp32 DiT in all three (the package has no fp16 DiT graph), so only the decoder differs.
            double halfDiff = MeanDiff(a, b), tileDiff = MeanDiff(a, c);
            TestContext.Out.WriteLine($"fp16 vs fp32 decoder: mean |diff| {halfDiff:F2} levels; 4x4 tiles vs whole 8x8: {tileDiff:F2} levels");
            Assert.That(halfDiff, Is.LessThan(1.0), "fp16 keeps GroupNorm statistics and softmax in fp32: well under a level on average");
            // Tiles of half the latent with random weights: the tiles' attention differs from the whole image's, so
            // only a bound; exact tiling is tested with a local decoder in the Plugin's tests.
            Assert.That(tileDiff, Is.LessThan(40));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void CircularDecoderMakesSeamlessLatentTextures()
    {
        var dir = Directory.CreateTempSubdirectory("dit-seamless-tiny-").FullName;
        try
        {
            var (model, vae) = ImportFixtures();
            using var _m = model;
            using var _v = vae;
            var vaeConfig = vae.Config;
            var zeros = VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 8 }).ToBytes();
            var circular = VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 8, CircularPadding = true }).ToBytes();
            var path = Path.Combine(dir, "seamless.zip");
            var manifest = ModelPackageWriter.Write(path, new ModelPackageRequest
            {
                Config = model.Config,
                Weights = model.state_dict(),
                Name = "seamless-tiny",
                ClassNames = Enumerable.Range(0, 10).Select(i => $"texture {i}").ToList(),
                License = new LicenseInfo { Id = "CC-BY-NC-4.0", Text = "non-commercial", Attribution = "reference" },
                LatentScale = vaeConfig.ScalingFactor,
                LatentDownsample = vaeConfig.DownsampleFactor,
                VaeDecoders = new[] { new VaeDecoderGraph(circular, Precision.Fp32, Circular: true), new VaeDecoderGraph(zeros, Precision.Fp32) },
            });
            Assert.That(manifest.Graphs.Where(g => g.Role == GraphRole.VaeDecoder).Select(g => (g.File, g.Padding)),
                Is.EqualTo(new[] { ("vae_decoder.onnx", Padding.Zeros), ("vae_decoder_circular.onnx", Padding.Circular) }));

            using var plugin = DiT.Load(path);
            var classes = Enumerable.Range(0, 10).ToArray();
            var plain = plugin.Generate(new GenerationOptions { ClassIds = classes, Steps = 10, Seed = 2, CfgScale = 1f });
            var seamless = plugin.Generate(new GenerationOptions { ClassIds = classes, Steps = 10, Seed = 2, CfgScale = 1f, Seamless = true });
            var (ps, pi) = SeamMetric.Measure(plain, vaeConfig.DownsampleFactor);
            var (ss, si) = SeamMetric.Measure(seamless, vaeConfig.DownsampleFactor);
            TestContext.Out.WriteLine($"tiny latent model, 10 images 16x16: plain seam {ps:F1} vs inside {pi:F1}; seamless seam {ss:F1} vs inside {si:F1}");
            Assert.That(ss, Is.LessThanOrEqualTo(si * 1.05), "across the wrap edge no worse than inside (5% for 10 small images)");
            Assert.That(ps, Is.GreaterThan(ss), "zero padding leaves a seam");

            Assert.Throws<System.ArgumentException>(() => ModelPackageWriter.Write(Path.Combine(dir, "bad"), new ModelPackageRequest
            {
                Config = model.Config, Weights = model.state_dict(), Name = "bad", ClassNames = new[] { "a" }, LatentScale = 0.18215, LatentDownsample = 2,
                VaeDecoders = new[] { new VaeDecoderGraph(circular, Precision.Fp32, Circular: true) },
            }), "a circular decoder alone is refused: the ordinary one is what the package's latent.decoder names");
        }
        finally { Directory.Delete(dir, true); }
    }
    [Test]
    public void TheExportedEncoderLetsThePluginStartFromATexture()
    {
        var dir = Directory.CreateTempSubdirectory("dit-encoder-tiny-").FullName;
        try
        {
            var (model, vae) = ImportFixtures();
            using var _m = model;
            using var _v = vae;
            var vaeConfig = vae.Config;
            var path = Path.Combine(dir, "with-encoder");
            var manifest = ModelPackageWriter.Write(path, new ModelPackageRequest
            {
                Config = model.Config,
                Weights = model.state_dict(),
                Name = "encoder-tiny",
                ClassNames = Enumerable.Range(0, 10).Select(i => $"texture {i}").ToList(),
                License = new LicenseInfo { Id = "CC-BY-NC-4.0", Text = "non-commercial", Attribution = "reference" },
                LatentScale = vaeConfig.ScalingFactor,
                LatentDownsample = vaeConfig.DownsampleFactor,
                VaeDecoders = new[] { new VaeDecoderGraph(VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 8 }).ToBytes(), Precision.Fp32) },
                VaeEncoders = new[] { new VaeEncoderGraph(VaeEncoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 8 }).ToBytes(), Precision.Fp32) },
            });
            Assert.That(manifest.FormatVersion, Is.EqualTo(PackageFormat.VaeEncoderVersion));
            Assert.That(manifest.Graphs.Last().Role, Is.EqualTo(GraphRole.VaeEncoder));
            Assert.That(manifest.Graphs.Last().Batch, Is.EqualTo(1));

            using var plugin = DiT.Load(path);
            var texture = plugin.Generate(new GenerationOptions { ClassIds = new[] { 4 }, Steps = 10, Seed = 8 })[0];
            var source = SourceImage.From(texture);

            // Strength 0: the VAE's reconstruction, decode(mean(encode(x))), which TorchSharp computes independently.
            var kept = plugin.Generate(new GenerationOptions { ClassIds = new[] { 4 }, Steps = 10, Seed = 8, InitImage = source, Strength = 0f })[0];
            using (TorchSharp.torch.no_grad())
            {
                using var x = TorchSharp.torch.tensor(Enumerable.Range(0, 3 * 256).Select(k => texture.Rgba8[4 * (k % 256) + k / 256] / 127.5f - 1f).ToArray(), new long[] { 1, 3, 16, 16 });
                var (mean, logvar) = vae.Encode(x);
                using var _l = logvar;
                using var decoded = vae.Decode(mean).clamp(-1, 1);
                mean.Dispose();
                var want = decoded.data<float>().ToArray();
                int worst = 0;
                for (int k = 0; k < want.Length; k++)
                {
                    int expected = (int)System.Math.Round((want[k] + 1) * 127.5);
                    worst = System.Math.Max(worst, System.Math.Abs(expected - kept.Rgba8[4 * (k % 256) + k / 256]));
                }
                TestContext.Out.WriteLine($"strength 0 against TorchSharp's reconstruction: worst {worst} levels");
                Assert.That(worst, Is.LessThanOrEqualTo(1), "within one 8-bit level");
            }

            // Inpainting the left half: the right half is the texture within one level (exactly, blended back in pixels).
            var mask = Enumerable.Range(0, 256).Select(p => p % 16 < 8 ? 1f : 0f).ToArray();
            var painted = plugin.Generate(new GenerationOptions { ClassIds = new[] { 7 }, Steps = 10, Seed = 9, InitImage = source, Strength = 1f, Mask = mask })[0];
            int worstKept = Enumerable.Range(0, 256).Where(p => mask[p] == 0)
                .Max(p => Enumerable.Range(0, 3).Max(c => System.Math.Abs(painted.Rgba8[4 * p + c] - texture.Rgba8[4 * p + c])));
            double changed = Enumerable.Range(0, 256).Where(p => mask[p] == 1).Average(p => System.Math.Abs(painted.Rgba8[4 * p] - texture.Rgba8[4 * p]));
            TestContext.Out.WriteLine($"inpainting: kept half worst {worstKept} levels; regenerated half mean |diff| {changed:F1} levels");
            Assert.That(worstKept, Is.LessThanOrEqualTo(1));
            Assert.That(changed, Is.GreaterThan(2), "the masked half is regenerated");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void SeamRepairOfALatentPackageLowersTheWrapEdgeStep()
    {
        var dir = Directory.CreateTempSubdirectory("dit-seam-latent-").FullName;
        try
        {
            var (model, vae) = ImportFixtures();
            using var _m = model;
            using var _v = vae;
            var vaeConfig = vae.Config;
            var path = Path.Combine(dir, "seam");
            ModelPackageWriter.Write(path, new ModelPackageRequest
            {
                Config = model.Config, Weights = model.state_dict(), Name = "seam-tiny",
                ClassNames = Enumerable.Range(0, 10).Select(i => $"texture {i}").ToList(),
                License = new LicenseInfo { Id = "CC-BY-NC-4.0", Text = "non-commercial", Attribution = "reference" },
                LatentScale = vaeConfig.ScalingFactor, LatentDownsample = vaeConfig.DownsampleFactor,
                VaeDecoders = new[]
                {
                    new VaeDecoderGraph(VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 8 }).ToBytes(), Precision.Fp32),
                    new VaeDecoderGraph(VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 8, CircularPadding = true }).ToBytes(), Precision.Fp32, Circular: true),
                },
                VaeEncoders = new[] { new VaeEncoderGraph(VaeEncoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 8 }).ToBytes(), Precision.Fp32) },
            });
            using var plugin = DiT.Load(path);
            var plain = plugin.Generate(new GenerationOptions { ClassIds = Enumerable.Range(0, 10).ToArray(), Steps = 10, Seed = 3, CfgScale = 1f });
            var repaired = plain.Select((img, k) => plugin.MakeSeamless(SourceImage.From(img),
                new GenerationOptions { ClassIds = new[] { k }, Steps = 10, Seed = 40 + (ulong)k, CfgScale = 1f }, bandFraction: 0.25)).ToList();
            var (before, insideBefore) = SeamMetric.Measure(plain, vaeConfig.DownsampleFactor);
            var (after, insideAfter) = SeamMetric.Measure(repaired, vaeConfig.DownsampleFactor);
            TestContext.Out.WriteLine($"tiny latent model, 10 textures 16x16: wrap edge |Δ| {before:F1} → {after:F1} levels; inside {insideBefore:F1} → {insideAfter:F1}");
            // Random weights make rough textures (inside |Δ| ~50 levels): the claim is relative to them.
            Assert.That(after / insideAfter, Is.LessThan(before / insideBefore), "the repair brings the step across the wrap edge closer to the inside's");
            Assert.That(after, Is.LessThan(before));
            for (int k = 0; k < plain.Count; k++)
                for (int y = 4; y < 12; y++)
                    for (int x = 4; x < 12; x++)
                        Assert.That(repaired[k].Rgba8.AsSpan(4 * (y * 16 + x), 3).SequenceEqual(plain[k].Rgba8.AsSpan(4 * (y * 16 + x), 3)), Is.True,
                            $"texture {k}: interior pixel ({x}, {y}) kept (blended back in pixel space)");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void UpgradeAddsTheEncoderOfTheVaeThePackageDecodesWith()
    {
        var dir = Directory.CreateTempSubdirectory("dit-upgrade-encoder-").FullName;
        try
        {
            var (model, vae) = ImportFixtures();
            using var _m = model;
            using var _v = vae;
            var path = Path.Combine(dir, "old");
            var before = ModelPackageWriter.Write(path, new ModelPackageRequest
            {
                Config = model.Config, Weights = model.state_dict(), Name = "old-latent",
                ClassNames = Enumerable.Range(0, 10).Select(i => $"texture {i}").ToList(),
                License = new LicenseInfo { Id = "CC-BY-NC-4.0", Text = "non-commercial", Attribution = "reference" },
                LatentScale = vae.Config.ScalingFactor, LatentDownsample = vae.Config.DownsampleFactor,
                VaeDecoders = new[] { new VaeDecoderGraph(VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 8 }).ToBytes(), Precision.Fp32) },
            });
            Assert.That(before.FormatVersion, Is.EqualTo(PackageFormat.UnconditionalLabelVersion), "no encoder: version 3 as before");
            using (var old = DiT.Load(path)) Assert.That(old.SupportsInitImage, Is.False);

            // Another VAE of the same shape is refused: its latents are not the package's.
            using (var other = AutoencoderKL.Load(vae.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value * 1.01f), vae.Config))
            {
                var e = Assert.Throws<InvalidDataException>(() => VaeEncoderUpgrade.Apply(path, other, "other.safetensors"));
                Assert.That(e!.Message, Does.Contain("is not the one package"));
            }
            var after = VaeEncoderUpgrade.Apply(path, vae, "vae_tiny_reference.safetensors");
            ModelPackageWriter.ReadAndVerify(path);
            Assert.That(after.FormatVersion, Is.EqualTo(PackageFormat.VaeEncoderVersion));
            Assert.That(after.Graphs.Take(before.Graphs.Count), Is.EqualTo(before.Graphs), "the other graphs are untouched");
            Assert.That(File.ReadAllBytes(Path.Combine(path, PackageFiles.Encoder)),
                Is.EqualTo(VaeEncoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 8 }).ToBytes()), "what an export writes");
            using var upgraded = DiT.Load(path);
            Assert.That(upgraded.SupportsInitImage, Is.True);
            var texture = upgraded.Generate(new GenerationOptions { ClassIds = new[] { 1 }, Steps = 6, Seed = 2 })[0];
            var variation = upgraded.Generate(new GenerationOptions { ClassIds = new[] { 1 }, Steps = 6, Seed = 3, InitImage = SourceImage.From(texture), Strength = 0.5f })[0];
            Assert.That(variation.Recipe.InitImageSha256, Is.EqualTo(SourceImage.From(texture).Sha256));
            Assert.Throws<ArgumentException>(() => VaeEncoderUpgrade.Apply(path, vae, "again"), "a second encoder is refused");
        }
        finally { Directory.Delete(dir, true); }
    }
}
