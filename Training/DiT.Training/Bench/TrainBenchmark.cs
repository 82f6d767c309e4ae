using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using DiT.Training.Data;
using DiT.Training.Model;
using DiT.Training.Trainer;

namespace DiT.Training.Bench;

/// <summary>What one training benchmark measured: steady-state step time, the share of it spent waiting for data, peak memory.</summary>
public sealed record TrainBenchResult(string Config, int Batch, int InputSize, string Precision, int Steps,
    double MedianStepMs, double MinStepMs, double MaxStepMs, double DataWaitShare, long PeakResidentBytes)
{
    public override string ToString() => FormattableString.Invariant(
        $"{Config}, batch {Batch}, {InputSize}x{InputSize}, {Precision}: median {MedianStepMs:F0} ms/step (min {MinStepMs:F0}, max {MaxStepMs:F0}; {Steps} steps after warm-up), {1000 / MedianStepMs:F2} it/s, data wait {DataWaitShare:P1}, peak resident {PeakResidentBytes / 1e6:F0} MB");
}

/// <summary>
/// Times <see cref="DiTTrainer.TrainStep"/> exactly as `dit train` runs it (same options, optimizer, EMA, hybrid loss),
/// after warm-up steps that let the allocator and kernels settle. No checkpoints, grids or logs are written.
/// </summary>
public static class TrainBenchmark
{
    public static TrainBenchResult Run(DiTConfig config, int batch, bool bf16, int steps = 8, int warmup = 2,
        IImageDataset? data = null, Action<string>? progress = null, CancellationToken cancel = default, bool prefetch = true)
    {
        if (steps < 1 || warmup < 0) throw new ArgumentOutOfRangeException(nameof(steps), "steps must be >= 1 and warmup >= 0.");
        data ??= new RandomImageDataset(Math.Max(batch * 4, 64), config.InChannels, config.InputSize, Math.Min(config.NumClasses, 10));
        var options = new TrainOptions
        {
            Steps = steps + warmup, BatchSize = batch, Bf16 = bf16, SampleEvery = 0, CheckpointEvery = 0, LogEvery = long.MaxValue,
            OutputDir = Path.Combine(Path.GetTempPath(), "dit-bench-unused"), PrefetchBatches = prefetch,
        };
        using var trainer = new DiTTrainer(config, data, options);
        var times = new List<double>();
        TimeSpan waitAtStart = TimeSpan.Zero;
        for (int i = 0; i < warmup + steps; i++)
        {
            cancel.ThrowIfCancellationRequested();
            if (i == warmup) waitAtStart = trainer.DataWaitTime;
            var sw = Stopwatch.StartNew();
            var (loss, _, _) = trainer.TrainStep();
            sw.Stop();
            if (!double.IsFinite(loss)) throw new InvalidOperationException($"The loss became {loss} at step {i + 1}.");
            if (i >= warmup) times.Add(sw.Elapsed.TotalMilliseconds);
            progress?.Invoke(FormattableString.Invariant($"step {i + 1}/{warmup + steps}{(i < warmup ? " (warm-up)" : "")}: {sw.Elapsed.TotalMilliseconds:F0} ms"));
        }
        var sorted = times.OrderBy(t => t).ToArray();
        double wait = (trainer.DataWaitTime - waitAtStart).TotalMilliseconds;
        return new TrainBenchResult(
            $"{config.Depth}x{config.HiddenSize}/p{config.PatchSize}", batch, config.InputSize, bf16 ? "bf16" : "fp32", steps,
            sorted[sorted.Length / 2], sorted[0], sorted[^1], wait / times.Sum(), PeakResident());
    }

    /// <summary>The process's peak resident set (VmHWM on Linux; the peak working set elsewhere).</summary>
    public static long PeakResident() => ProcStatus.PeakRssBytes is >= 0 and var peak ? peak : Process.GetCurrentProcess().PeakWorkingSet64;
}
