using System;
using System.CommandLine;
using DiT.Training.Upscale;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>`dit train-upscaler`: the seam-aware 4x upscaler, trained on a dataset's images and their box-filtered quarter-size versions.</summary>
internal static class TrainUpscalerCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Training images (an ImageFolder, e.g. `dit dataset --size 128 --crop-side 128`'s train/).", Required = true };
        var test = new Option<string?>("--test") { Description = "Held-out images for the report (PSNR/SSIM against bicubic, wrap-edge steps, time)." };
        var outPath = new Option<string>("--out") { Description = "Upscaler file (.safetensors).", Required = true };
        var size = new Option<int>("--image-size") { Description = "Side of the target images (the input is this / factor).", DefaultValueFactory = _ => 128 }.InRange(8, 4096);
        var factor = new Option<int>("--factor") { DefaultValueFactory = _ => 4 }.InRange(2, 8);
        var features = new Option<int>("--features") { DefaultValueFactory = _ => 48 }.InRange(4, 512);
        var blocks = new Option<int>("--blocks") { DefaultValueFactory = _ => 6 }.InRange(0, 64);
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 3000 }.InRange(1, 10_000_000);
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 16 }.InRange(1, 4096);
        var lr = new Option<double>("--lr") { DefaultValueFactory = _ => 5e-4 }.Finite(1e-12, 10);
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 }.InRange(0, long.MaxValue);
        var cmd = new Command("train-upscaler", "Train the seam-aware super-resolution network packages carry as their upscaler.")
            { data, test, outPath, size, factor, features, blocks, steps, batch, lr, seed };
        cmd.SetAction((r, cancel) =>
        {
            OutputPaths.Check(r.GetValue(outPath)!, "--out");
            void Warn(string s) => AnsiConsole.MarkupLineInterpolated($"[yellow]{s}[/]");
            var train = DataSources.Open(r.GetValue(data)!, r.GetValue(size), false, Warn);
            var held = r.GetValue(test) is { } t ? DataSources.Open(t, r.GetValue(size), false, Warn) : null;
            var started = DateTime.UtcNow;
            using var model = UpscalerTrainer.Train(train, new UpscalerTrainOptions
            {
                Config = new UpscalerConfig { Factor = r.GetValue(factor), Channels = train.Channels, Features = r.GetValue(features), Blocks = r.GetValue(blocks) },
                Steps = r.GetValue(steps), BatchSize = r.GetValue(batch), LearningRate = r.GetValue(lr), Seed = r.GetValue(seed), Warning = Warn,
                Progress = (step, total, loss) =>
                {
                    double elapsed = (DateTime.UtcNow - started).TotalSeconds, rate = step / Math.Max(elapsed, 1e-9);
                    AnsiConsole.MarkupLineInterpolated($"step {step}/{total}  L1 {loss:F4}  ({rate:F2} it/s, ETA {TimeSpan.FromSeconds((total - step) / Math.Max(rate, 1e-9)):hh\\:mm\\:ss})");
                },
            }, cancel);
            UpscalerFile.Save(r.GetValue(outPath)!, model, r.GetValue(data)!);
            AnsiConsole.MarkupLineInterpolated($"Wrote {r.GetValue(outPath)}: {model.Config.Factor}x, {model.ParameterCount} parameters, in {(DateTime.UtcNow - started).TotalMinutes:F1} min.");
            if (held is not null)
            {
                var s = UpscalerEvaluation.Evaluate(model, held);
                AnsiConsole.MarkupLineInterpolated($"held-out, {s.Images} images: PSNR {s.Psnr:F2} dB / SSIM {s.Ssim:F4}; bicubic {s.BicubicPsnr:F2} / {s.BicubicSsim:F4}; nearest {s.NearestPsnr:F2} / {s.NearestSsim:F4}");
                AnsiConsole.MarkupLineInterpolated($"wrap-edge |Δ| {s.WrapEdge:F2} against inside {s.Inside:F2} (the references: {s.ReferenceWrapEdge:F2} / {s.ReferenceInside:F2}); {s.MsPerImage:F1} ms per image (TorchSharp)");
            }
            return System.Threading.Tasks.Task.FromResult(0);
        });
        return cmd;
    }
}
