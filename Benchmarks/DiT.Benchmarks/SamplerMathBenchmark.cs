using System;
using BenchmarkDotNet.Attributes;
using DiTPlugin.Sampling;

namespace DiTPlugin.Benchmarks;

/// <summary>
/// The Plugin's pure C# sampler update x_t → x_{t−1} over one 4×32×32 latent (4096 floats), with no network: it
/// shows that the sampler is negligible next to PluginStep (a sampler step is microseconds, a graph run is tens of
/// milliseconds or more), so optimisation effort belongs to the graph. Each call takes the next step of a 50-step
/// chain, from the first index down to 0, then starts over: the mean is over a whole generation's steps, and
/// DPM-Solver++(2M) takes its second-order branch (it needs the previous step's x₀) as it does in real use.
/// </summary>
[MemoryDiagnoser]
public class SamplerMathBenchmark
{
    [Params(SamplerKind.Ddim, SamplerKind.DpmSolverPlusPlus2M)]
    public SamplerKind Sampler { get; set; }

    private const int Length = 4 * 32 * 32;
    private const int ChainSteps = 50;
    private ISampler? _sampler;
    private float[] _x = Array.Empty<float>(), _eps = Array.Empty<float>(), _v = Array.Empty<float>();
    private int _index;

    [GlobalSetup]
    public void Setup()
    {
        var chain = NoiseSchedule.Linear(1000).Respace(ChainSteps);
        _sampler = Samplers.Create(Sampler, chain, learnSigma: true);
        var rng = new System.Random(0);
        _x = new float[Length];
        _eps = new float[Length];
        _v = new float[Length];
        for (int k = 0; k < Length; k++)
        {
            _x[k] = Gaussian(rng);
            _eps[k] = Gaussian(rng);
            _v[k] = (float)(rng.NextDouble() * 2 - 1);
        }
        _index = ChainSteps - 1;
    }

    private static float Gaussian(System.Random rng) =>
        (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));

    /// <summary>One sampler step in place (xPrev = x, as GenerationJob does); eps is held fixed.</summary>
    [Benchmark]
    public float SamplerStep()
    {
        var s = _sampler!;
        s.Step(_x, _eps, _v, _index, ReadOnlySpan<float>.Empty, _x);
        if (--_index < 0)
        {
            _index = ChainSteps - 1;
            s.Reset();
        }
        return _x[0];
    }
}
