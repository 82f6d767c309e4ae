using System;
using System.CommandLine;
using DiT.Training.Bench;
using DiT.Training.Model;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>
/// `dit bench`: sampling speed and memory of a config and sampler; with --train, the training step's steady-state time,
/// data-wait share and peak memory, and with --torch-reference the same config's PyTorch training step in the same run.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var m = new ModelOptions("DiT-S/2");
        var latent = new Option<int>("--input-size") { Description = "Model input side (latent side for latent models).", DefaultValueFactory = _ => 32 }.InRange(1, 1024);
        var channels = new Option<int>("--channels") { DefaultValueFactory = _ => 4 }.InRange(1, 64);
        var classes = new Option<int>("--classes") { Description = "Number of classes (the label table's size).", DefaultValueFactory = _ => 1000 }.InRange(1, 100_000);
        var sampler = new Option<string>("--sampler") { Description = "ddimN or a DDPM step count.", DefaultValueFactory = _ => "ddim25" }.SamplerSpecs();
        var batch = new Option<int?>("--batch") { Description = "Batch size (default: 1 for sampling, 8 for --train)." }.InRange(1, 4096);
        var cfg = new Option<double>("--cfg") { Description = "Guidance scale (1 = no CFG, halves the work).", DefaultValueFactory = _ => 4.0 }.Finite(0, 100);
        var precision = new PrecisionOption("auto (with --train: bf16 where the CPU has native bf16, as dit train; sampling: fp32), bf16, or fp32.");
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 0 }.InRange(0, 1024);
        var train = new Option<bool>("--train") { Description = "Benchmark the training step instead of sampling." };
        var steps = new Option<int>("--steps") { Description = "Timed training steps (after --warmup).", DefaultValueFactory = _ => 8 }.InRange(1, 100_000);
        var warmup = new Option<int>("--warmup") { Description = "Untimed training steps first.", DefaultValueFactory = _ => 2 }.InRange(0, 100_000);
        var dataOpt = new Option<string?>("--data") { Description = "With --train: read batches from this dataset (ImageFolder, fashion-mnist, latent cache) instead of random images, to measure the data wait." };
        var noPrefetch = new Option<bool>("--no-prefetch") { Description = "With --train: read each batch when its step starts (to measure what the prefetch hides)." };
        var torchRef = new Option<bool>("--torch-reference") { Description = "With --train: also time an independent PyTorch fp32 training step of the same config (python3-torch)." };
        var cmd = new Command("bench", "Benchmark sampling, or with --train the training step (TorchSharp, random weights).")
            { latent, channels, classes, sampler, batch, cfg, threads, train, steps, warmup, dataOpt, noPrefetch, torchRef };
        m.AddTo(cmd);
        precision.AddTo(cmd);
        cmd.SetAction((r, cancel) =>
        {
            if (r.GetValue(threads) > 0) TorchSharp.torch.set_num_threads(r.GetValue(threads));
            var config = m.Build(r, r.GetValue(latent), r.GetValue(channels), r.GetValue(classes));
            if (!r.GetValue(train))
            {
                if (r.GetValue(torchRef)) throw new ArgumentException("--torch-reference times a training step: use it with --train.");
                var result = SamplerBenchmark.Run(config, r.GetValue(sampler)!, r.GetValue(batch) ?? 1, r.GetValue(cfg), precision.UseBf16(r, autoMeansCpu: false));
                AnsiConsole.WriteLine($"{r.GetValue(m.Model)}: {result}");
                return System.Threading.Tasks.Task.FromResult(0);
            }
            int b = r.GetValue(batch) ?? 8;
            DiT.Training.Data.IImageDataset? dataset = null;
            if (r.GetValue(dataOpt) is { } spec)
            {
                dataset = DataSources.Open(spec, r.GetValue(latent), grayscale: false, s => AnsiConsole.MarkupLineInterpolated($"[yellow]{s}[/]"));
                // The model takes the data's shape and classes, as dit train would build it.
                config = m.Build(r, dataset.Height, dataset.Channels, dataset.ClassNames.Count);
            }
            var trained = TrainBenchmark.Run(config, b, precision.UseBf16(r), r.GetValue(steps), r.GetValue(warmup), dataset,
                progress: line => AnsiConsole.WriteLine("  " + line), cancel: cancel, prefetch: !r.GetValue(noPrefetch));
            AnsiConsole.WriteLine($"{r.GetValue(m.Model)}: {trained}");
            if (r.GetValue(torchRef))
            {
                int t = r.GetValue(threads) > 0 ? r.GetValue(threads) : TorchSharp.torch.get_num_threads();
                var (ms, peak, version) = TorchTrainReference.Run(config, b, Math.Max(3, r.GetValue(steps) / 2), t);
                AnsiConsole.WriteLine(FormattableString.Invariant(
                    $"PyTorch {version} fp32 reference step, same config, {t} threads: {ms:F0} ms (peak resident {peak / 1e6:F0} MB); this run's step is {trained.MedianStepMs / ms:F2}x of it"));
            }
            return System.Threading.Tasks.Task.FromResult(0);
        });
        return cmd;
    }
}
