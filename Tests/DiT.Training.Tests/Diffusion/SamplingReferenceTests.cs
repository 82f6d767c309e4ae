using DiTPlugin.TestSupport;
using System.Collections.Generic;
using System.Linq;
using DiT.Training.Diffusion;
using DiT.Training.Formats;
using DiT.Training.Import;
using DiT.Training.Model;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Diffusion;

/// <summary>
/// The Training console's samplers against an independent ADM/DiT-style loop (make_sampling_fixture.py), step by
/// step: the tiny reference DiT's weights, respacing 25, DDPM (the fixture's per-step noise through
/// <see cref="SamplingHooks.StepNoise"/>), DDIM η = 0 and DPM-Solver++(2M), guided (4, first 3 channels, as the
/// official forward_with_cfg) or not, with and without clip_denoised.
/// </summary>
public class SamplingReferenceTests
{
    private static SamplingReference _ref = null!;
    private static DiTModel _model = null!;

    [OneTimeSetUp]
    public void Load()
    {
        _ref = new SamplingReference();
        using var weights = StateDictFile.Load(RepoPaths.Find("Tests/fixtures/dit_tiny_reference.safetensors"), key: "weights");
        _model = DiTImporter.Import(weights.Tensors, "dit_tiny_reference.safetensors", new DiTImporter.Options { Hints = new() { NumHeads = 4 } });
    }

    [OneTimeTearDown]
    public void Free() => _model.Dispose();

    private static IEnumerable<string> Cases => SamplingReference.Cases;

    [TestCaseSource(nameof(Cases))]
    public void EveryStepMatchesTheReferenceLoop(string chain)
    {
        var (sampler, guided, clip) = SamplingReference.Parse(chain);
        int b = _ref.Images, c = _ref.Channels, s = _ref.Size;
        double scale = guided ? SamplingReference.CfgScale : 1.0;
        Assert.That(GuidedDenoiser.UsesGuidance(_model, scale), Is.EqualTo(guided));
        using var diffusion = GaussianDiffusion.Create(_ref.Steps.ToString(), "linear", 1000, learnSigma: true);
        Assert.That(diffusion.TimestepMap, Is.EqualTo(_ref.Timesteps), "respacing \"25\" keeps ADM's timesteps");

        using var y = tensor(_ref.Labels);
        var fn = GuidedDenoiser.For(_model, y, scale, SamplingReference.GuidedChannels);
        int n = guided ? 2 * b : b;   // guided: the batch is [z, z] with labels [y, null]; the first half is the sample
        var shape = new long[] { n, c, s, s };
        using var z = tensor(_ref.InitialNoise, new long[] { b, c, s, s });
        using var noise = guided ? cat(new[] { z, z }, 0) : z.alias();
        var observed = new Dictionary<(int, int), float[]>();
        var hooks = new SamplingHooks
        {
            StepNoise = (i, _) =>
            {
                using var zi = _ref.DdpmNoiseTensor(i);
                return guided ? cat(new[] { zi, zeros_like(zi) }, 0) : zi.clone();
            },
            OnStep = (i, x) =>
            {
                var values = x[..b].contiguous().data<float>().ToArray();
                for (int k = 0; k < b; k++) observed[(i, k)] = values[(k * _ref.PerImage)..((k + 1) * _ref.PerImage)];
            },
        };
        using var final = sampler switch
        {
            "ddpm" => diffusion.PSampleLoop(fn, shape, noise: noise, clipDenoised: clip, hooks: hooks),
            "ddim" => diffusion.DdimSampleLoop(fn, shape, eta: 0.0, noise: noise, clipDenoised: clip, hooks: hooks),
            _ => diffusion.DpmSolverSampleLoop(fn, shape, noise: noise, clipDenoised: clip, hooks: hooks),
        };
        double worst = _ref.CheckEveryStep(chain, observed);
        TestContext.Out.WriteLine($"{chain}: worst per-step relative error {worst:E2}");
    }

    [Test]
    public void ClassSamplerReturnsRawLatentsWhenNotClipping()
    {
        var labels = _ref.Labels.Select(l => (int)l).ToArray();
        using var raw = ClassSampler.Sample(_model, labels, "ddim25", 4.0, seed: 3, guidedChannels: 3, clipDenoised: false);
        using var clipped = ClassSampler.Sample(_model, labels, "ddim25", 4.0, seed: 3, guidedChannels: 3, clipDenoised: true);
        Assert.That(raw.abs().max().item<float>(), Is.GreaterThan(1f), "latents for the decoder, not clamped to [−1, 1]");
        Assert.That(clipped.abs().max().item<float>(), Is.LessThanOrEqualTo(1f));
    }
}
