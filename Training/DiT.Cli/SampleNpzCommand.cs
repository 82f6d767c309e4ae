using DiT.Training.Diffusion;
using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using DiT.Training.Eval;
using DiT.Training.Formats;
using DiT.Training.Trainer;
using DiT.Training.Vae;
using Spectre.Console;
using static TorchSharp.torch;

namespace DiT.Cli;

/// <summary>
/// `dit sample-npz`: N samples of uniformly random classes (as DiT's sample_ddp.py draws them) in the .npz layout
/// the ADM evaluation suite reads (uint8 NHWC, arr_0), streamed batch by batch, so official evaluators can score our
/// models (50,000 for the paper's FID-50K). Cancellable; the file appears only when complete.
/// </summary>
internal static class SampleNpzCommand
{
    public static Command Create()
    {
        var ckpt = new Option<string>("--checkpoint") { Required = true };
        var outPath = new Option<string>("--out") { Description = "The .npz to write.", Required = true };
        var count = new Option<int>("--count") { DefaultValueFactory = _ => 50_000 }.InRange(1, 10_000_000);
        var sampler = new Option<string>("--sampler") { Description = "ddpmN, ddimN or dpmN.", DefaultValueFactory = _ => "ddpm250" }.SamplerSpecs();
        var cfg = new Option<double>("--cfg") { DefaultValueFactory = _ => 1.5 }.Finite(0, 100);
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 }.InRange(0, long.MaxValue);
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 32 }.InRange(1, 4096);
        var guided = new Option<int?>("--guided-channels") { Description = "Channels guidance acts on (default: the checkpoint's convention)." }.InRange(1, 64);
        var clip = ModelOptions.ClipDenoisedOption();
        var vae = new Option<string?>("--vae") { Description = "For latent models: SD VAE weights to decode samples." };
        var cmd = new Command("sample-npz", "Write N samples of random classes as an ADM-evaluator .npz (uint8 NHWC arr_0).")
            { ckpt, outPath, count, sampler, cfg, seed, batch, guided, clip, vae };
        cmd.SetAction(r =>
        {
            OutputPaths.Check(r.GetValue(outPath)!, "--out");
            var setting = EvalSetting.Parse(r.GetValue(sampler)!, r.GetValue(cfg));
            int n = r.GetValue(count), b = r.GetValue(batch);
            if (n < 1 || b < 1) throw new ArgumentException("--count and --batch must be positive.");
            using var c = Checkpoint.Load(r.GetValue(ckpt)!);
            using var model = c.CreateModel();
            using var decoder = r.GetValue(vae) is { } vaePath ? AutoencoderKL.FromFile(vaePath) : null;
            SamplingChecks.RequireDecodable(c, decoder);
            int side = c.Config.InputSize * (decoder?.Config.DownsampleFactor ?? 1);
            using var cts = new System.Threading.CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
            var rng = new Random((int)r.GetValue(seed));
            var clock = Stopwatch.StartNew();
            using var npz = new NpzWriter(r.GetValue(outPath)!, n, side, side, 3);
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask($"{setting.Sampler} cfg {setting.Cfg.ToString(CultureInfo.InvariantCulture)}", maxValue: n);
                    for (int start = 0, k = 0; start < n; start += b, k++)
                    {
                        var labels = new int[Math.Min(b, n - start)];
                        for (int i = 0; i < labels.Length; i++) labels[i] = rng.Next(c.Config.NumClasses);
                        using var scope = NewDisposeScope();
                        var images = ClassSampler.Sample(model, labels, setting.Respacing, setting.Cfg, r.GetValue(seed) * 1_000_003L + k,
                            c.Options.Schedule, c.Options.DiffusionSteps, r.GetValue(guided) ?? c.SamplingDefaults.GuidedChannels,
                            r.GetValue(clip) ?? c.SamplingDefaults.ResolveClipDenoised(), cancel: cts.Token);
                        if (decoder is not null) using (no_grad()) images = decoder.DecodeScaled(images).clamp(-1, 1);
                        if (images.shape[1] == 1) images = images.expand(-1, 3, -1, -1);
                        npz.Write(SampleImages.ToUint8Nhwc(images));
                        task.Value = start + labels.Length;
                    }
                });
            npz.Complete();
            AnsiConsole.MarkupLineInterpolated($"Wrote {r.GetValue(outPath)}: {n} samples {side}x{side} in {clock.Elapsed.TotalSeconds:F0} s ({clock.Elapsed.TotalSeconds / n * 1000:F0} ms each).");
            return 0;
        });
        return cmd;
    }
}
