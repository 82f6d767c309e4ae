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
        var init = new Option<string?>("--init") { Description = "Start every sample from this image (variations, SDEdit): the model's image size; latent models also need --vae." };
        var strength = new Option<float>("--strength") { Description = "With --init: the share of the chain that runs, 0 (the image) .. 1 (ignore it).", DefaultValueFactory = _ => 0.5f };
        var mask = new Option<string?>("--mask") { Description = "With --init: inpaint; a grayscale image of the same size, white = regenerate, black = keep." };
        var cmd = new Command("sample", "Draw a per-class sample grid from a checkpoint.") { ckpt, outPath, classes, perClass, sampler, cfg, seed, raw, vae, guided, clip, init, strength, mask };
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
            if (r.GetValue(init) is null && (r.GetValue(mask) is not null || r.GetResult(strength) is { Implicit: false }))
                throw new ArgumentException("--strength and --mask need --init: the image to start from.");
            float s = r.GetValue(strength);
            if (!(s >= 0 && s <= 1)) throw new ArgumentException($"--strength {s} must be in [0, 1] (0 = the image unchanged, 1 = ignore it).");
            using var start = r.GetValue(init) is { } initPath ? EditImages.Load(initPath, r.GetValue(mask), c.Config, decoder) : null;
            var edit = start is null ? null : decoder is null ? new ImageEdit(start.Pixels, s, start.Mask) : LatentImageEdit.Encode(decoder, start.Pixels, start.Mask, s);
            int rows = r.GetValue(perClass);
            var labels = Enumerable.Range(0, rows).SelectMany(_ => ids).ToArray();
            var steps = r.GetValue(sampler)!;
            if (edit is not null)
                AnsiConsole.MarkupLineInterpolated($"Starting from {r.GetValue(init)} at strength {s}{(start!.Mask is null ? "" : $", inpainting where {r.GetValue(mask)} is white")}");
            AnsiConsole.MarkupLineInterpolated($"Sampling {labels.Length} images ({string.Join(", ", ids.Select(i => catalog.Entries[i].Name))}) with {steps}, cfg {r.GetValue(cfg)}, from step {c.Step}");
            var started = DateTime.UtcNow;
            AnsiConsole.Progress().Start(ctx =>
            {
                var task = ctx.AddTask("denoising");
                using var images = ClassSampler.Sample(model, labels, steps, r.GetValue(cfg), r.GetValue(seed), c.Options.Schedule, c.Options.DiffusionSteps,
                    r.GetValue(guided) ?? c.SamplingDefaults.GuidedChannels, r.GetValue(clip) ?? c.SamplingDefaults.ResolveClipDenoised(),
                    progress: (done, total) => { task.MaxValue = total; task.Value = done; }, edit: edit);
                if (decoder is null) ImageGrid.SaveGrid(r.GetValue(outPath)!, images, cols: ids.Length);
                else
                {
                    using var _ = TorchSharp.torch.no_grad();
                    using var decoded = decoder.DecodeScaled(images).clamp(-1, 1);
                    using var pixels = start?.Mask is { } m ? LatentImageEdit.BlendBack(decoded, start.Pixels, m) : decoded.alias();
                    ImageGrid.SaveGrid(r.GetValue(outPath)!, pixels, cols: ids.Length);
                }
            });
            AnsiConsole.MarkupLineInterpolated($"Wrote {r.GetValue(outPath)} in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
            return 0;
        });
        return cmd;
    }
}
