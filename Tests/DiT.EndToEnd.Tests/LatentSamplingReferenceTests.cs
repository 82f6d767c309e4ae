using DiTPlugin.Contract.Package;
using DiTPlugin.TestSupport;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using DiT.Training.Export;
using DiT.Training.Formats;
using DiT.Training.Import;
using DiT.Training.Trainer;
using DiT.Training.Vae;
using NUnit.Framework;

namespace DiTPlugin.EndToEnd.Tests;

/// <summary>
/// Official-layout weights → `dit import` (which records the official sampling convention: guidance on 3 of the 4
/// latent channels, no x₀ clipping) → checkpoint → `dit export` with a VAE decoder → the Plugin's public API, with the
/// fixture's x_T (<see cref="GenerationOptions.InitialNoise"/>) and per-step noise (<see cref="GenerationOptions.StepNoise"/>),
/// compared at every step (<see cref="GenerationOptions.OnStep"/>) with an independent ADM/DiT-style loop
/// (Tests/fixtures/make_sampling_fixture.py).
/// </summary>
public class LatentSamplingReferenceTests
{
    private string _dir = null!;
    private string _package = null!;
    private SamplingReference _ref = null!;
    private DiT _dit = null!;

    [OneTimeSetUp]
    public void ImportAndExport()
    {
        _ref = new SamplingReference();
        _dir = Directory.CreateTempSubdirectory("dit-latent-sampling-").FullName;
        var ckptPath = Path.Combine(_dir, "imported.ckpt");
        using (var weights = StateDictFile.Load(RepoPaths.Find("Tests/fixtures/dit_tiny_official.pt")))
        using (var model = DiTImporter.Import(weights.Tensors, "dit_tiny_official.pt", new DiTImporter.Options { Hints = new() { NumHeads = 4 } }))
        {
            var provenance = new Provenance("CC-BY-NC-4.0", false, "non-commercial", "reference", "dit_tiny_official.pt");
            Checkpoint.Save(ckptPath, null, model, null, 0, new TrainOptions { Steps = 0 }, Enumerable.Range(0, 10).Select(i => $"class {i}").ToList(),
                provenance, DiTImporter.SamplingFor(model.Config));
        }
        using var ckpt = Checkpoint.Load(ckptPath);
        Assert.That(ckpt.SamplingDefaults, Is.EqualTo(new SamplingConvention(LatentSpace: true, GuidedChannels: 3, ClipDenoised: false)),
            "import records the official convention");
        using var vaeWeights = StateDictFile.Load(RepoPaths.Find("Tests/fixtures/vae_tiny_reference.safetensors"), key: "weights");
        using var vae = AutoencoderKL.Load(vaeWeights.Tensors,
            VaeStateDict.InferConfig(VaeStateDict.Normalize(vaeWeights.Tensors), VaeConfig.StableDiffusion with { NormGroups = 8 }));
        _package = Path.Combine(_dir, "imported.zip");
        var manifest = ModelPackageWriter.Write(_package, ModelPackageRequest.FromCheckpoint(ckpt, "imported-tiny") with
        {
            LatentScale = vae.Config.ScalingFactor,
            LatentDownsample = vae.Config.DownsampleFactor,
            VaeDecoders = new[] { new VaeDecoderGraph(VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 8 }).ToBytes(), Precision.Fp32) },
        });
        Assert.That(manifest.Guidance.GuidedChannels, Is.EqualTo(3));
        Assert.That(manifest.Sampling!.ClipDenoised, Is.False);
        _dit = DiT.Load(_package);
    }

    [OneTimeTearDown]
    public void Cleanup()
    {
        _dit?.Dispose();
        Directory.Delete(_dir, true);
    }

    private static IEnumerable<string> Cases => SamplingReference.Cases;

    [Test]
    public void PackageSaysLatentSpaceNoClipThreeGuidedChannels()
    {
        Assert.That(_dit.ClipDenoised, Is.False);
        Assert.That(_dit.GuidedChannels, Is.EqualTo(3));
        using var zip = System.IO.Compression.ZipFile.OpenRead(_package);
        using var json = JsonDocument.Parse(zip.GetEntry("model.json")!.Open());
        Assert.That(json.RootElement.GetProperty("sampling").GetProperty("clipDenoised").GetBoolean(), Is.False, "written, not only defaulted");
        Assert.That(json.RootElement.GetProperty("input").GetProperty("space").GetString(), Is.EqualTo("latent"));
    }

    [TestCaseSource(nameof(Cases))]
    public void EveryPluginStepMatchesTheReferenceLoop(string chain)
    {
        var (sampler, guided, clip) = SamplingReference.Parse(chain);
        var observed = new Dictionary<(int, int), float[]>();
        var results = _dit.Generate(new GenerationOptions
        {
            ClassIds = _ref.Labels.Select(l => (int)l).ToArray(),
            Steps = _ref.Steps,
            Sampler = sampler switch { "ddpm" => SamplerKind.Ddpm, "ddim" => SamplerKind.Ddim, _ => SamplerKind.DpmSolverPlusPlus2M },
            CfgScale = guided ? (float)SamplingReference.CfgScale : 1f,
            ClipDenoised = clip ? true : null,            // unclipped is this package's own default
            InitialNoise = _ref.InitialNoise,
            StepNoise = (image, index, noise) => _ref.DdpmNoise(index, image).CopyTo(noise),
            OnStep = (image, index, x) => observed[(index, image)] = x.ToArray(),
            Outputs = GenerationOutputs.ImageAndSample,
        });
        double worst = _ref.CheckEveryStep(chain, observed);
        TestContext.Out.WriteLine($"{chain}: worst per-step relative error {worst:E2}");
        for (int b = 0; b < _ref.Images; b++)
        {
            Assert.That(results[b].Sample, Is.EqualTo(observed[(0, b)]), "the raw sample is the chain's last state, before decoding");
            Assert.That(results[b].HasImage && results[b].Width == 16, Is.True);
        }
    }

    [Test]
    public void ClippingWouldHaveChangedTheChain()
    {
        // The control: the clip setting matters for this model, so a Plugin that ignored it would fail the test above.
        double rel = SamplingReference.RelativeError(_ref.After("ddim.cfg4.clip", 0, 0), _ref.After("ddim.cfg4.noclip", 0, 0));
        Assert.That(rel, Is.GreaterThan(0.5));
    }
}
