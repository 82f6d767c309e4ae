using System;
using System.CommandLine;
using DiT.Training.Data;
using DiT.Training.Formats;
using DiT.Training.Vae;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>
/// `dit cache-latents`: encodes a dataset once with the SD VAE so that training reads latents instead of running
/// the 34M-parameter encoder on every batch (on a CPU the encoder costs more than a small DiT's step).
/// </summary>
internal static class CacheLatentsCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "An ImageFolder directory (or fashion-mnist).", Required = true };
        var vae = new Option<string>("--vae") { Description = "SD VAE weights (diffusers layout, .safetensors or .bin).", Required = true };
        var outPath = new Option<string>("--out") { Description = "The latent cache to write (.safetensors).", Required = true };
        var imageSize = new Option<int>("--image-size") { Description = "Image side (a multiple of 8); the latents are a side / 8.", DefaultValueFactory = _ => 256 }.InRange(8, 4096);
        var sample = new Option<bool>("--sample") { Description = "Store one posterior sample instead of the mean." };
        var fp32 = new Option<bool>("--fp32") { Description = "Store float32 latents (default float16, half the size)." };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 16 }.InRange(1, 4096);
        var cmd = new Command("cache-latents", "Encode a dataset with the SD VAE into a latent cache for dit train --data.")
            { data, vae, outPath, imageSize, sample, fp32, batch };
        cmd.SetAction(r =>
        {
            var dataset = DataSources.Open(r.GetValue(data)!, r.GetValue(imageSize), grayscale: false, s => AnsiConsole.MarkupLineInterpolated($"[yellow]{s}[/]"));
            if (dataset.Channels != 3) throw new ArgumentException($"The SD VAE encodes RGB images; '{r.GetValue(data)}' has {dataset.Channels} channel(s).");
            using var model = AutoencoderKL.FromFile(r.GetValue(vae)!);
            string what = System.IO.Path.GetFileName(r.GetValue(vae)!);
            var options = model.CacheOptions($"{r.GetValue(data)} encoded by {what}", r.GetValue(batch),
                r.GetValue(fp32) ? SafetensorsDtype.F32 : SafetensorsDtype.F16);
            var started = DateTime.UtcNow;
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("encoding", maxValue: dataset.Count);
                    LatentCache.Build(r.GetValue(outPath)!, dataset, model.AsLatentEncoder(r.GetValue(sample), new TorchSharp.torch.Generator(0)),
                        new LatentCacheOptions
                        {
                            Scale = options.Scale, Source = options.Source, BatchSize = options.BatchSize, Dtype = options.Dtype,
                            Device = options.Device, Progress = (done, _) => task.Value = done,
                        });
                });
            double secs = (DateTime.UtcNow - started).TotalSeconds;
            AnsiConsole.MarkupLineInterpolated($"Wrote {r.GetValue(outPath)}: {dataset.Count} latents in {secs:F1} s ({dataset.Count / Math.Max(secs, 1e-9):F1} images/s).");
            return 0;
        });
        return cmd;
    }
}
