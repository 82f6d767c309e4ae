using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using DiTPlugin.Training.Export;
using DiTPlugin.Training.Model;
using DiTPlugin.Training.Trainer;
using Spectre.Console;

namespace DiTPlugin.Cli;

/// <summary>`dit export`: a checkpoint's EMA weights as a model package (docs/model-package.md) for the Plugin.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var ckpt = new Option<string>("--checkpoint") { Description = "A checkpoint written by dit train (its EMA weights are exported).", Required = true };
        var outPath = new Option<string>("--out") { Description = "The package folder, or a .zip holding the same files.", Required = true };
        var batch = new Option<int>("--batch") { Description = "The graph's static batch size B.", DefaultValueFactory = _ => 1 };
        var fp16 = new Option<bool>("--fp16") { Description = "Also write dit_fp16.onnx (float16 weights and compute, float32 I/O)." };
        var fp16Only = new Option<bool>("--fp16-only") { Description = "Write dit_fp16.onnx only (for models whose fp32 weights exceed one ONNX file's 2 GB)." };
        var guided = new Option<int?>("--guided-channels") { Description = "Eps channels guidance acts on (default all; 3 = the paper's FID setting for 4-channel latents)." };
        var name = new Option<string?>("--name") { Description = "Package name (default: the checkpoint's file name)." };
        var description = new Option<string>("--description") { DefaultValueFactory = _ => "" };
        var licenseId = new Option<string>("--license-id") { Description = "SPDX id of the weights' license.", DefaultValueFactory = _ => "unspecified" };
        var licenseText = new Option<string>("--license-text") { DefaultValueFactory = _ => "" };
        var attribution = new Option<string>("--attribution") { DefaultValueFactory = _ => "" };
        var commercial = new Option<bool>("--commercial-use") { Description = "Whether the license allows commercial use (true|false).", DefaultValueFactory = _ => false, Arity = ArgumentArity.ExactlyOne };
        var dataset = new Option<string?>("--dataset") { Description = "Training data, for model.json's training.dataset." };
        var finalLoss = new Option<double?>("--final-loss") { Description = "For model.json's training.finalLoss (default: the last loss.csv row next to the checkpoint, at or before its step)." };
        var colorSpace = new Option<string>("--color-space") { Description = "sRGB or linear: how model outputs map to pixels.", DefaultValueFactory = _ => "sRGB" };
        var vae = new Option<string?>("--vae-decoder") { Description = "For latent models: a VAE decoder ONNX (latent/scale → RGB) to ship as vae_decoder.onnx." };
        var latentScale = new Option<double>("--latent-scale") { DefaultValueFactory = _ => 0.18215 };
        var cmd = new Command("export", "Write a model package (ONNX with guidance inside + model.json) from a checkpoint.")
        {
            ckpt, outPath, batch, fp16, fp16Only, guided, name, description, licenseId, licenseText, attribution, commercial, dataset,
            finalLoss, colorSpace, vae, latentScale,
        };
        cmd.SetAction(r =>
        {
            var ckptPath = r.GetValue(ckpt)!;
            using var c = Checkpoint.Load(ckptPath);
            using var ema = c.CreateModel();
            var request = ModelPackageRequest.FromCheckpoint(c, r.GetValue(name) ?? Path.GetFileNameWithoutExtension(ckptPath)) with
            {
                Weights = ema.state_dict(),
                Description = r.GetValue(description)!,
                License = new LicenseInfo(r.GetValue(licenseId)!, r.GetValue(commercial), r.GetValue(licenseText)!, r.GetValue(attribution)!),
                Batch = r.GetValue(batch),
                GuidedChannels = r.GetValue(guided),
                IncludeFp16 = r.GetValue(fp16) || r.GetValue(fp16Only),
                IncludeFp32 = !r.GetValue(fp16Only),
                Dataset = r.GetValue(dataset),
                FinalLoss = r.GetValue(finalLoss) ?? LoggedLoss(ckptPath, c.Step),
                ColorSpace = r.GetValue(colorSpace)!,
                VaeDecoderPath = r.GetValue(vae),
                LatentScale = r.GetValue(latentScale),
            };
            var output = r.GetValue(outPath)!;
            var started = DateTime.UtcNow;
            var manifest = ModelPackageWriter.Write(output, request);
            ModelPackageWriter.ReadAndVerify(output);
            foreach (var g in manifest.Graphs)
                AnsiConsole.MarkupLineInterpolated($"  {g.File}  {g.Precision}  batch {g.Batch}  opset {g.Opset}  sha256 {g.Sha256[..16]}…");
            AnsiConsole.MarkupLineInterpolated(
                $"Wrote {output} ({c.Config.Block}, step {c.Step}, guided channels {manifest.Guidance.GuidedChannels}) in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
            return 0;
        });
        return cmd;
    }

    /// <summary>The loss logged at or before <paramref name="step"/> in the run's loss.csv, when there is one.</summary>
    private static double? LoggedLoss(string checkpointPath, long step)
    {
        var csv = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(checkpointPath))!, "loss.csv");
        if (!File.Exists(csv)) return null;
        try { return LossLog.Read(csv).Where(row => row.Step <= step).Select(row => (double?)row.Loss).LastOrDefault(); }
        catch (Exception e) when (e is IOException or FormatException or InvalidDataException) { return null; }
    }
}
