using System;
using System.Diagnostics;
using System.Linq;
using DiTPlugin.Contract.Package;
using DiT.Training.Diffusion;
using DiT.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Bench;

/// <summary>What one benchmark run measured.</summary>
public sealed record BenchResult(string Config, string Sampler, int Batch, bool Cfg, string Dtype, int Steps,
    double MedianStepMs, double P90StepMs, double ImagesPerSec, long PeakWorkingSetBytes, double Gflops)
{
    public override string ToString() => FormattableString.Invariant(
        $"{Config} {Dtype} batch {Batch}{(Cfg ? " +CFG" : "")}, {Sampler} ({Steps} steps): median {MedianStepMs:F1} ms/step, p90 {P90StepMs:F1} ms/step, {ImagesPerSec:F3} images/s, peak working set {PeakWorkingSetBytes / (1024.0 * 1024.0):F0} MiB, {Gflops:F2} Gflops/forward/image");
}

/// <summary>
/// Times full sampling runs of a randomly initialised DiT in TorchSharp: per-step latency (median and p90 of the
/// steps after a warm-up run), images per second, and the process's peak working set. Timings are for this
/// machine only; use them to compare configs, samplers and dtypes, not as absolute figures.
/// </summary>
public static class SamplerBenchmark
{
    public static BenchResult Run(DiTConfig config, string respacing, int batch, double cfgScale, bool bf16 = false, int repeats = 1)
    {
        using var model = new DiTModel(config);
        // Perturb the zero-initialised layers so activations (and any data-dependent kernel paths) are realistic.
        using (no_grad()) foreach (var p in model.parameters()) p.add_(randn_like(p) * 0.02);
        if (bf16) model.to(ScalarType.BFloat16);
        model.eval();
        using var diffusion = GaussianDiffusion.Create(respacing, ScheduleKinds.Linear, 1000, config.LearnSigma);
        using var labels = zeros(batch, dtype: int64);
        bool guided = GuidedDenoiser.UsesGuidance(model, cfgScale);
        var inner = GuidedDenoiser.For(model, labels, cfgScale);
        DenoiseFn fn = bf16 ? (x, t) => inner(x.to(ScalarType.BFloat16), t).to(float32) : inner;
        var shape = new long[] { batch * (guided ? 2 : 1), config.InChannels, config.InputSize, config.InputSize };

        var stepMs = new System.Collections.Generic.List<double>();
        var sw = new Stopwatch();
        void OneRun(bool record)
        {
            long last = 0;
            sw.Restart();
            bool ddim = respacing.StartsWith("ddim", StringComparison.Ordinal);
            Action<int, int> tick = (_, _) =>
            {
                long now = sw.ElapsedTicks;
                if (record) stepMs.Add((now - last) * 1000.0 / Stopwatch.Frequency);
                last = now;
            };
            using var g = new Generator(0);
            using var s = ddim ? diffusion.DdimSampleLoop(fn, shape, generator: g, progress: tick)
                               : diffusion.PSampleLoop(fn, shape, generator: g, progress: tick);
        }
        OneRun(record: false);   // warm-up: allocator, kernels, lazy initialisation
        var total = Stopwatch.StartNew();
        for (int i = 0; i < repeats; i++) OneRun(record: true);
        total.Stop();
        var sorted = stepMs.OrderBy(v => v).ToArray();
        int steps = diffusion.NumTimesteps;
        return new BenchResult(
            $"{config.Depth}x{config.HiddenSize}/p{config.PatchSize} @{config.InputSize}x{config.InputSize}x{config.InChannels}",
            respacing, batch, guided, bf16 ? "bf16" : "fp32", steps,
            sorted[sorted.Length / 2], sorted[(int)(sorted.Length * 0.9)],
            batch * repeats / total.Elapsed.TotalSeconds,
            Process.GetCurrentProcess().PeakWorkingSet64, Gflops.Of(config));
    }
}
