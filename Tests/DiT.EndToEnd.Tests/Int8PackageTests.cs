using System.IO;
using System.Linq;
using DiT.Training.Export;
using DiT.Training.Formats;
using DiT.Training.Import;
using DiT.Training.Vae;
using DiTPlugin.Contract.Package;
using DiTPlugin.TestSupport;
using NUnit.Framework;

namespace DiTPlugin.EndToEnd.Tests;

/// <summary>
/// An int8 package end to end: the imported tiny official DiT exported with --int8's request → the Plugin loads it,
/// runs the int8 graph on the CPU by itself, the fp32 one when told to, and both draw nearly the same image.
/// </summary>
public class Int8PackageTests
{
    [Test]
    public void ExportLoadGenerate()
    {
        var dir = Directory.CreateTempSubdirectory("dit-int8-").FullName;
        try
        {
            using var dit = StateDictFile.Load(RepoPaths.Find("Tests/fixtures/dit_tiny_official.pt"));
            using var model = DiTImporter.Import(dit.Tensors, "dit_tiny_official.pt", new DiTImporter.Options { Hints = new() { NumHeads = 4 } });
            using var vaeWeights = StateDictFile.Load(RepoPaths.Find("Tests/fixtures/vae_tiny_reference.safetensors"), key: "weights");
            var vaeConfig = VaeStateDict.InferConfig(VaeStateDict.Normalize(vaeWeights.Tensors), VaeConfig.StableDiffusion with { NormGroups = 8 });
            using var vae = AutoencoderKL.Load(vaeWeights.Tensors, vaeConfig);
            var decoder = VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 8 }).ToBytes();
            var path = Path.Combine(dir, "int8");
            var written = ModelPackageWriter.Write(path, new ModelPackageRequest
            {
                Config = model.Config,
                Weights = model.state_dict(),
                ClassNames = Enumerable.Range(0, 10).Select(i => $"texture {i}").ToList(),
                Name = "imported-tiny-int8",
                GuidedChannels = 3,
                LatentScale = vaeConfig.ScalingFactor,
                LatentDownsample = vaeConfig.DownsampleFactor,
                VaeDecoders = new[] { new VaeDecoderGraph(decoder, Precision.Fp32) },
                IncludeInt8 = true,
            });
            Assert.That(written.FormatVersion, Is.EqualTo(3), "int8 (2) and the y_uncond input (3)");

            using var onCpu = DiT.Load(path, new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu });
            using var fp32 = DiT.Load(path, new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu, Precision = Precision.Fp32 });
            Assert.That((onCpu.Precision, fp32.Precision), Is.EqualTo((Precision.Int8, Precision.Fp32)));
            var options = new GenerationOptions { ClassNames = new[] { "texture 3" }, Steps = 10, Seed = 5, CfgScale = 2f };
            var a = onCpu.Generate(options)[0];
            var b = fp32.Generate(options)[0];
            Assert.That(a.Rgba8.Where((_, i) => i % 4 != 3).Distinct().Count(), Is.GreaterThan(20), "an image, not a constant");
            double diff = a.Rgba8.Zip(b.Rgba8, (x, y) => System.Math.Abs(x - y)).Average();
            TestContext.Out.WriteLine($"int8 vs fp32, 10 DPM-Solver++ steps: mean |diff| {diff:F2} levels");
            Assert.That(diff, Is.LessThan(2), "the same image up to quantization noise (0.24 levels when written)");
            Assert.That(a.Recipe.ModelHash, Is.EqualTo(written.ContentHash));
        }
        finally { Directory.Delete(dir, true); }
    }
}
