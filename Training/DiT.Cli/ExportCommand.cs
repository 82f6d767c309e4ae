using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using DiTPlugin.Contract.Package;
using DiT.Training.Formats;
using DiT.Training.Export;
using DiT.Training.Model;
using DiT.Training.Trainer;
using DiT.Training.Vae;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>`dit export`: a checkpoint's EMA weights as a model package (docs/model-package.md) for the Plugin.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var ckpt = new Option<string>("--checkpoint") { Description = "A checkpoint written by dit train (its EMA weights are exported).", Required = true };
        var outPath = new Option<string>("--out") { Description = "The package folder, or a .zip holding the same files.", Required = true };
        var batch = new Option<int>("--batch") { Description = "The graph's static batch size B.", DefaultValueFactory = _ => 1 }.InRange(1, ManifestLimits.MaxBatch);
        var fp16 = new Option<bool>("--fp16") { Description = "Also write dit_fp16.onnx (float16 weights and compute, float32 I/O)." };
        var fp16Only = new Option<bool>("--fp16-only") { Description = "Write dit_fp16.onnx only (half the weights of fp32)." };
        var int8 = new Option<bool>("--int8") { Description = "Also write dit_int8.onnx (int8 linear layers, the Plugin's choice on CPU; the package then has formatVersion 2)." };
        var externalData = new Option<bool?>("--external-data") { Description = "DiT weights in dit.onnx.data beside the graph (true|false; default: only for graphs over protobuf's 2 GB, such as fp32 DiT-XL/2; the int8 graph only with true). Folder packages only." };
        var guided = new Option<int?>("--guided-channels") { Description = "Eps channels guidance acts on (default: the checkpoint's convention: all, or 3 for imported official DiTs as their forward_with_cfg does)." }.InRange(1, 64);
        var clip = ModelOptions.ClipDenoisedOption();
        var name = new Option<string?>("--name") { Description = "Package name (default: the checkpoint's file name)." };
        var description = new Option<string>("--description") { DefaultValueFactory = _ => "" };
        var licenseId = new Option<string>("--license-id") { Description = "SPDX id of the weights' license.", DefaultValueFactory = _ => "unspecified" };
        var licenseText = new Option<string>("--license-text") { DefaultValueFactory = _ => "" };
        var attribution = new Option<string>("--attribution") { DefaultValueFactory = _ => "" };
        var commercial = new Option<bool>("--commercial-use") { Description = "Whether the license allows commercial use (true|false).", DefaultValueFactory = _ => false, Arity = ArgumentArity.ExactlyOne };
        var dataset = new Option<string?>("--dataset") { Description = "Training data, for model.json's training.dataset." };
        var finalLoss = new Option<double?>("--final-loss") { Description = "For model.json's training.finalLoss (default: the last loss.csv row next to the checkpoint, at or before its step)." };
        var colorSpace = new Option<string>("--color-space") { Description = $"{string.Join(" or ", ColorSpaces.All)}: how model outputs map to pixels.", DefaultValueFactory = _ => ColorSpaces.Srgb };
        var vae = new Option<string?>("--vae-decoder") { Description = "For latent models: a VAE decoder ONNX (latent/scale → RGB) to ship as vae_decoder.onnx." };
        var latentScale = new Option<double>("--latent-scale") { DefaultValueFactory = _ => 0.18215 }.Finite(1e-6, 1e3);
        var vaeWeights = new Option<string?>("--vae") { Description = "For latent models: SD VAE weights (diffusers layout, .safetensors or .bin) whose decoder is exported as vae_decoder.onnx (+ vae_decoder_fp16.onnx with --fp16)." };
        var vaeTile = new Option<int?>("--vae-tile") { Description = "Export the decoder for latent tiles of this side (the Plugin decodes larger latents tile by tile, bounding memory)." }.InRange(1, 1024);
        var vaeTileOverlap = new Option<int?>("--vae-tile-overlap") { Description = "Latent pixels shared by neighbouring tiles (default tile/4)." }.InRange(0, 1024);
        var vaeCircular = new Option<bool>("--vae-circular") { Description = "Also export the decoder with circular padding (whole latents), so the Plugin can make seamless, tiling textures." };
        var vaeEncoder = new Option<bool>("--vae-encoder")
        {
            Description = "With --vae: also export the VAE encoder (vae_encoder.onnx, fp32), so the Plugin can start from existing textures " +
                          "(variations, inpainting, seam repair). The package is then formatVersion 4; 'false' keeps it readable by older plugins.",
            DefaultValueFactory = _ => true,
        };
        var upscaler = new Option<string?>("--upscaler") { Description = "Also put this upscaler (dit train-upscaler's .safetensors) in the package (formatVersion 5)." };
        var vaeKey = new Option<string?>("--vae-key") { Description = "Entry of a wrapped VAE checkpoint (or name prefix in a safetensors file) holding the weights." };
        var vaeGroups = new Option<int>("--vae-norm-groups") { Description = "GroupNorm groups of the VAE (not visible in the weights' shapes; SD: 32).", DefaultValueFactory = _ => 32 }.InRange(1, 1024);
        var vaeLicense = new Option<string?>("--vae-license-id") { Description = "SPDX id of the VAE weights' licence, recorded in the package's licence text (sd-vae-ft-mse/-ema: MIT)." };
        var (defaultSampler, defaultCfg) = ModelOptions.PackageSamplingOptions();
        var cmd = new Command("export", "Write a model package (ONNX with guidance inside + model.json) from a checkpoint.")
        {
            ckpt, outPath, batch, fp16, fp16Only, int8, externalData, guided, clip, name, description, licenseId, licenseText, attribution, commercial, dataset,
            finalLoss, colorSpace, vae, latentScale, vaeWeights, vaeKey, vaeGroups, vaeTile, vaeTileOverlap, vaeLicense, vaeCircular, vaeEncoder, upscaler,
            defaultSampler, defaultCfg,
        };
        cmd.SetAction(r =>
        {
            var ckptPath = r.GetValue(ckpt)!;
            OutputPaths.Check(r.GetValue(outPath)!, "--out");
            using var c = Checkpoint.Load(ckptPath);
            bool fp16Wanted = r.GetValue(fp16) || r.GetValue(fp16Only);
            var license = r.GetResult(licenseId) is { Implicit: false } || c.Provenance is null
                ? new LicenseInfo { Id = r.GetValue(licenseId)!, CommercialUse = r.GetValue(commercial), Text = r.GetValue(licenseText)!, Attribution = r.GetValue(attribution)! }
                : new LicenseInfo { Id = c.Provenance.LicenseId, CommercialUse = c.Provenance.CommercialUse, Text = c.Provenance.LicenseText, Attribution = c.Provenance.Attribution };
            string colorSpaceWord = r.GetValue(colorSpace)!;
            if (!ColorSpaces.TryParse(colorSpaceWord, out var outputColorSpace))
                throw new ArgumentException($"--color-space '{colorSpaceWord}' must be {ColorSpaces.Expected}.");
            var (decoders, encoders, vaeConfig) = r.GetValue(vaeWeights) is { } vaePath
                ? VaeGraphs(vaePath, r.GetValue(vaeKey), r.GetValue(vaeGroups), c.Config, r.GetValue(batch), r.GetValue(vaeTile), fp16Wanted, r.GetValue(vaeCircular), r.GetValue(vaeEncoder))
                : (new List<VaeDecoderGraph>(), new List<VaeEncoderGraph>(), null);
            if (r.GetValue(vaeLicense) is { } vl)
                license = license with { Text = (license.Text + $"\nVAE decoder weights ({Path.GetFileName(r.GetValue(vaeWeights))}): {vl}.").Trim() };
            if (!license.CommercialUse)
                AnsiConsole.MarkupLineInterpolated($"[yellow]Licence {license.Id}: commercial use is NOT allowed; the package says so and the Plugin exposes it.[/]");
            var request = ModelPackageRequest.FromCheckpoint(c, r.GetValue(name) ?? Path.GetFileNameWithoutExtension(ckptPath)) with
            {
                // The checkpoint's EMA tensors themselves (checked against the config when loaded): a DiTModel made from
                // them held a second copy of every weight, which for DiT-XL/2 was 2.7 GB of the export's peak.
                Weights = c.Ema,
                Description = r.GetValue(description)!,
                License = license,
                Batch = r.GetValue(batch),
                GuidedChannels = r.GetValue(guided) ?? c.SamplingDefaults.GuidedChannels,
                ClipDenoised = r.GetValue(clip) ?? c.SamplingDefaults.ClipDenoised,
                DefaultSampler = r.GetValue(defaultSampler),
                DefaultCfgScale = r.GetValue(defaultCfg),
                IncludeFp16 = fp16Wanted,
                IncludeFp32 = !r.GetValue(fp16Only),
                IncludeInt8 = r.GetValue(int8),
                ExternalData = r.GetValue(externalData),
                Dataset = r.GetValue(dataset),
                FinalLoss = r.GetValue(finalLoss) ?? LoggedLoss(ckptPath, c.Step),
                ColorSpace = outputColorSpace,
                VaeDecoderPath = r.GetValue(vae),
                // The VAE's own factors, unless the command line says otherwise.
                LatentScale = vaeConfig is null || r.GetResult(latentScale) is { Implicit: false } ? r.GetValue(latentScale) : vaeConfig.ScalingFactor,
                LatentDownsample = vaeConfig?.DownsampleFactor ?? 8,
                VaeDecoders = decoders,
                VaeEncoders = encoders,
                TileOverlap = r.GetValue(vaeTileOverlap),
            };
            var output = r.GetValue(outPath)!;
            var started = DateTime.UtcNow;
            var manifest = ModelPackageWriter.Write(output, request);
            if (r.GetValue(upscaler) is { } upscalerPath)
            {
                using var up = DiT.Training.Upscale.UpscalerFile.Load(upscalerPath);
                manifest = DiT.Training.Upscale.UpscalerPackaging.AddTo(output, up);
            }
            ModelPackageWriter.ReadAndVerify(output);
            foreach (var g in manifest.Graphs)
                AnsiConsole.MarkupLineInterpolated($"  {g.File}  {g.Precision.ToJson()}  batch {g.Batch}  opset {g.Opset}  sha256 {g.Sha256[..16]}…");
            AnsiConsole.MarkupLineInterpolated(
                $"Wrote {output} ({c.Config.Block}, step {c.Step}, guided channels {manifest.Guidance.GuidedChannels}, clip x0 {manifest.Sampling?.ClipDenoised}) in {(DateTime.UtcNow - started).TotalSeconds:F1} s");
            return 0;
        });
        return cmd;
    }

    /// <summary>
    /// The SD VAE decoder as ONNX for this DiT's latent side (or a tile of it): fp32, and fp16 when asked; and the
    /// encoder (fp32, whole textures) when asked.
    /// </summary>
    private static (List<VaeDecoderGraph>, List<VaeEncoderGraph>, VaeConfig) VaeGraphs(string path, string? key, int groups, DiTConfig config, int batch, int? tile,
        bool fp16, bool circular, bool encoder)
    {
        using var weights = StateDictFile.Load(path, key);
        string what = weights.Description;
        using var vae = AutoencoderKL.Load(weights.Tensors,
            VaeStateDict.InferConfig(VaeStateDict.Normalize(weights.Tensors), VaeConfig.StableDiffusion with { NormGroups = groups }));
        if (vae.Config.LatentChannels != config.InChannels)
            throw new InvalidDataException($"The VAE '{path}' has {vae.Config.LatentChannels} latent channels but the DiT takes {config.InChannels}.");
        int side = tile ?? config.InputSize;
        if (side < 1 || side > config.InputSize) throw new ArgumentException($"--vae-tile {side} must be in 1..{config.InputSize} (the latent side).");
        AnsiConsole.MarkupLineInterpolated($"VAE: {what}; decoder for {side}x{side} latents → {side * vae.Config.DownsampleFactor}px{(tile is null ? "" : " tiles")}");
        var list = new List<VaeDecoderGraph>();
        foreach (bool half in fp16 ? new[] { false, true } : new[] { false })
        {
            var graph = VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { Batch = batch, LatentSize = side, Fp16 = half });
            list.Add(new VaeDecoderGraph(graph.ToBytes(), graph.Precision, tile));
            if (!circular) continue;
            var wrapped = VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { Batch = batch, LatentSize = config.InputSize, Fp16 = half, CircularPadding = true });
            list.Add(new VaeDecoderGraph(wrapped.ToBytes(), wrapped.Precision, null, Circular: true));
        }
        var encoders = new List<VaeEncoderGraph>();
        if (encoder)
        {
            var graph = VaeEncoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = config.InputSize });
            encoders.Add(new VaeEncoderGraph(graph.ToBytes(), graph.Precision));
        }
        return (list, encoders, vae.Config);
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
