using DiT.Training.Diffusion;
using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using DiT.Training.Formats;
using DiT.Training.Model;
using DiT.Training.Vae;
using DiT.Training.Trainer;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>`dit sample`: a class grid (one column per class) from a checkpoint's EMA (or raw) weights.</summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var ckpt = new Option<string>("--checkpoint") { Description = "A checkpoint written by dit train.", Required = true };
        var outPath = new Option<string>("--out") { Description = "PNG to write.", DefaultValueFactory = _ => "samples.png" };
        var classes = new Option<string?>("--classes") { Description = "Comma-separated class ids or names, resolved as the Plugin resolves them (synonyms, misspellings; default: the first 16)." };
        var perClass = new Option<int>("--per-class") { DefaultValueFactory = _ => 4 }.InRange(1, 1024);
        var sampler = new Option<string>("--sampler") { Description = "ddimN (DDIM, eta 0) or a step count such as 250 (DDPM).", DefaultValueFactory = _ => "ddim50" }.SamplerSpecs();
        var cfg = new Option<double>("--cfg") { Description = "Classifier-free guidance scale (1 = off).", DefaultValueFactory = _ => 4.0 }.Finite(0, 100);
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 }.InRange(0, long.MaxValue);
        var raw = new Option<bool>("--no-ema") { Description = "Sample from the raw weights instead of the EMA." };
        var vae = new Option<string?>("--vae") { Description = "For latent models (e.g. imported DiT-XL/2): SD VAE weights to decode the latents into images." };
        var guided = new Option<int?>("--guided-channels") { Description = "Channels guidance acts on (default: the checkpoint's convention; all, or 3 for imported official DiTs)." }.InRange(1, 64);
        var clip = ModelOptions.ClipDenoisedOption();
        var cmd = new Command("sample", "Draw a per-class sample grid from a checkpoint.") { ckpt, outPath, classes, perClass, sampler, cfg, seed, raw, vae, guided, clip };
        cmd.SetAction(r =>
        {
            OutputPaths.Check(r.GetValue(outPath)!, "--out");
            using var c = Checkpoint.Load(r.GetValue(ckpt)!);
            var catalog = ClassSpec.Catalog(c.ClassNames, c.Config.NumClasses);
            var notes = new List<string>();
            var ids = ClassSpec.Parse(r.GetValue(classes), catalog, notes);
            foreach (var note in notes) AnsiConsole.MarkupLineInterpolated($"[yellow]{note}[/]");
            using var model = c.CreateModel(ema: !r.GetValue(raw));
            using var decoder = r.GetValue(vae) is { } vaePath ? AutoencoderKL.FromFile(vaePath) : null;
            SamplingChecks.RequireDecodable(c, decoder);
            int rows = r.GetValue(perClass);
            var labels = Enumerable.Range(0, rows).SelectMany(_ => ids).ToArray();
            var steps = r.GetValue(sampler)!;
            AnsiConsole.MarkupLineInterpolated($"Sampling {labels.Length} images ({string.Join(", ", ids.Select(i => catalog.Entries[i].Name))}) with {steps}, cfg {r.GetValue(cfg)}, from step {c.Step}");
            var started = DateTime.UtcNow;
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask("denoising");
                using var images = ClassSampler.Sample(model, labels, steps, r.GetValue(cfg), r.GetValue(seed), c.Options.Schedule, c.Options.DiffusionSteps,
                    r.GetValue(guided) ?? c.SamplingDefaults.GuidedChannels, r.GetValue(clip) ?? c.SamplingDefaults.ResolveClipDenoised(),
                    progress: (done, total) => { task.MaxValue = total; task.Value = done; });
                if (decoder is null) ImageGrid.SaveGrid(r.GetValue(outPath)!, images, cols: ids.Length);
                else
                {
                    using var _ = TorchSharp.torch.no_grad();
                    using var pixels = decoder.DecodeScaled(images).clamp(-1, 1);
                    ImageGrid.SaveGrid(r.GetValue(outPath)!, pixels, cols: ids.Length);
                }
            });
            AnsiConsole.MarkupLineInterpolated($"Wrote {r.GetValue(outPath)} in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
            return 0;
        });
        return cmd;
    }
}
