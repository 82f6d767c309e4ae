using System;
using System.Collections.Generic;
using System.Linq;
using DiT.Training.Formats;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiTPlugin.TestSupport;

/// <summary>
/// Tests/fixtures/sampling_tiny_reference.safetensors (made by make_sampling_fixture.py): step-by-step sampling chains
/// of the tiny reference DiT from an independent ADM/DiT-style loop in float64 (respacing 25, T = 1000, learned
/// sigma, CFG 4 on 3 channels or none, clip_denoised on or off, DDPM with fixed noise, DDIM η = 0, DPM-Solver++(2M)).
/// </summary>
internal sealed class SamplingReference
{
    public const string RelativePath = "Tests/fixtures/sampling_tiny_reference.safetensors";
    /// <summary>Per step: max |ours − reference| over the batch ≤ this × max |reference| (the step's signal scale).</summary>
    public const double RelativeTolerance = 1e-4;
    public const double CfgScale = 4.0;
    public const int GuidedChannels = 3;

    /// <summary>Sampler × guidance × clipping: the fixture's twelve chains.</summary>
    public static IEnumerable<string> Cases =>
        from s in new[] { "ddpm", "ddim", "dpm" } from g in new[] { "cfg4", "cfg1" } from c in new[] { "noclip", "clip" } select $"{s}.{g}.{c}";

    public static (string Sampler, bool Guided, bool Clip) Parse(string name)
    {
        var p = name.Split('.');
        return (p[0], p[1] == "cfg4", p[2] == "clip");
    }

    public int Images { get; }
    public int Channels { get; }
    public int Size { get; }
    public int Steps { get; }
    public int PerImage => Channels * Size * Size;
    public float[] InitialNoise { get; }
    public long[] Labels { get; }
    public int[] Timesteps { get; }
    private readonly float[] _ddpmNoise;
    private readonly Dictionary<string, float[]> _chains = new();

    public SamplingReference()
    {
        using var f = Safetensors.Load(RepoPaths.Find(RelativePath,
            "Regenerate it with '/usr/bin/python3 Tests/fixtures/make_sampling_fixture.py' (see Tests/fixtures/README.md)."));
        var xT = f["input.x_T"];
        (Images, Channels, Size) = ((int)xT.shape[0], (int)xT.shape[1], (int)xT.shape[3]);
        InitialNoise = xT.data<float>().ToArray();
        Labels = f["input.y"].data<long>().ToArray();
        Timesteps = f["chain.timesteps"].data<long>().Select(t => (int)t).ToArray();
        Steps = Timesteps.Length;
        _ddpmNoise = f["input.ddpm_noise"].data<float>().ToArray();
        foreach (var c in Cases) _chains[c] = f["steps." + c].data<float>().ToArray();
    }

    /// <summary>The noise the ancestral step at chain index <paramref name="index"/> adds to one image.</summary>
    public ReadOnlySpan<float> DdpmNoise(int index, int image) => _ddpmNoise.AsSpan((index * Images + image) * PerImage, PerImage);

    /// <summary>The same for the whole batch, (B, C, S, S).</summary>
    public Tensor DdpmNoiseTensor(int index) =>
        tensor(_ddpmNoise.AsSpan(index * Images * PerImage, Images * PerImage).ToArray(), new long[] { Images, Channels, Size, Size });

    /// <summary>The reference x after the step at chain index <paramref name="index"/> (x_{index−1}) for one image.</summary>
    public ReadOnlySpan<float> After(string chain, int index, int image) =>
        _chains[chain].AsSpan(((Steps - 1 - index) * Images + image) * PerImage, PerImage);

    /// <summary>max |a − b| / max |b|.</summary>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), "length");
        double num = 0, den = 0;
        for (int k = 0; k < actual.Length; k++)
        {
            num = Math.Max(num, Math.Abs((double)actual[k] - expected[k]));
            den = Math.Max(den, Math.Abs((double)expected[k]));
        }
        return num / Math.Max(den, 1e-30);
    }

    /// <summary>
    /// Checks observed samples (chain index → image → values) against the chain at every step; returns the largest
    /// relative error seen. Every step of every image must have been observed.
    /// </summary>
    public double CheckEveryStep(string chain, IReadOnlyDictionary<(int Index, int Image), float[]> observed)
    {
        double worst = 0;
        for (int i = Steps - 1; i >= 0; i--)
        {
            double num = 0, den = 0;
            for (int b = 0; b < Images; b++)
            {
                Assert.That(observed.TryGetValue((i, b), out var x), $"{chain}: no sample observed after chain index {i} for image {b}");
                var expected = After(chain, i, b);
                for (int k = 0; k < expected.Length; k++)
                {
                    num = Math.Max(num, Math.Abs((double)x![k] - expected[k]));
                    den = Math.Max(den, Math.Abs((double)expected[k]));
                }
            }
            double rel = num / den;
            Assert.That(rel, Is.LessThanOrEqualTo(RelativeTolerance), $"{chain}: after chain index {i} (t = {Timesteps[i]}), relative error {rel:E2}");
            worst = Math.Max(worst, rel);
        }
        return worst;
    }
}
