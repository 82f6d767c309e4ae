using System.CommandLine;
using System.IO;
using System.Linq;
using DiT.Training.Export;
using DiT.Training.Formats;
using DiT.Training.Vae;
using DiTPlugin.Contract.Package;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>
/// `dit upgrade`: give an older package's DiT graphs the formatVersion-3 inputs (negative guidance, class mixing), or
/// with --vae a latent package its VAE encoder (formatVersion 4); no checkpoint needed.
/// </summary>
internal static class UpgradeCommand
{
    public static Command Create()
    {
        var package = new Option<string>("--package") { Description = "A model package folder written before negative guidance (formatVersion 1 or 2).", Required = true };
        var vae = new Option<string?>("--vae") { Description = "Instead: add the VAE encoder to a latent package, from these SD VAE weights (the ones it was exported with; checked against its decoder)." };
        var vaeKey = new Option<string?>("--vae-key") { Description = "Entry of a wrapped VAE checkpoint (or name prefix in a safetensors file) holding the weights." };
        var upscaler = new Option<string?>("--upscaler") { Description = "Instead: add this upscaler (dit train-upscaler's .safetensors) to the package (formatVersion 5)." };
        var vaeGroups = new Option<int>("--vae-norm-groups") { Description = "GroupNorm groups of the VAE (SD: 32).", DefaultValueFactory = _ => 32 }.InRange(1, 1024);
        var (defaultSampler, defaultCfg) = ModelOptions.PackageSamplingOptions();
        var removeGraph = new Option<string?>("--remove-graph") { Description = "Instead: take this graph file (e.g. dit.onnx beside dit_int8.onnx) out of the package, to make it smaller. The contentHash changes." };
        var cmd = new Command("upgrade", "Give a package's DiT graphs the formatVersion-3 inputs (negative guidance, class mixing), or with --vae a latent package its VAE encoder.")
        {
            package, vae, vaeKey, vaeGroups, upscaler, defaultSampler, defaultCfg, removeGraph,
        };
        cmd.SetAction(r =>
        {
            var folder = r.GetValue(package)!;
            if (!File.Exists(Path.Combine(folder, "model.json"))) throw new FileNotFoundException($"--package {folder} is not a model package folder (no model.json).");
            if (r.GetValue(removeGraph) is { } removed)
            {
                var m = PackageAmendment.RemoveGraph(folder, removed);
                ModelPackageWriter.ReadAndVerify(folder);
                AnsiConsole.MarkupLineInterpolated($"{folder}: removed {removed}; graphs {string.Join(", ", m.Graphs.Select(g => g.File))}, contentHash {m.ContentHash![..16]}…");
                return 0;
            }
            if (r.GetValue(defaultSampler) is not null || r.GetValue(defaultCfg) is not null)
            {
                var m = PackageAmendment.SetSamplingDefaults(folder, r.GetValue(defaultSampler), r.GetValue(defaultCfg));
                ModelPackageWriter.ReadAndVerify(folder);
                AnsiConsole.MarkupLineInterpolated($"{folder}: default sampler {m.DefaultSampler}, guidance scale {m.DefaultCfgScale}; graphs and contentHash unchanged");
                return 0;
            }
            if (r.GetValue(upscaler) is { } upscalerPath)
            {
                using var model = DiT.Training.Upscale.UpscalerFile.Load(upscalerPath);
                var withUpscaler = DiT.Training.Upscale.UpscalerPackaging.AddTo(folder, model);
                ModelPackageWriter.ReadAndVerify(folder);
                AnsiConsole.MarkupLineInterpolated($"{folder}: added {PackageFiles.Upscaler} ({model.Config.Factor}x); formatVersion {withUpscaler.FormatVersion}, contentHash {withUpscaler.ContentHash?[..16]}…");
                return 0;
            }
            if (r.GetValue(vae) is { } vaePath)
            {
                using var weights = StateDictFile.Load(vaePath, r.GetValue(vaeKey));
                using var model = AutoencoderKL.Load(weights.Tensors,
                    VaeStateDict.InferConfig(VaeStateDict.Normalize(weights.Tensors), VaeConfig.StableDiffusion with { NormGroups = r.GetValue(vaeGroups) }));
                var withEncoder = VaeEncoderUpgrade.Apply(folder, model, Path.GetFileName(vaePath));
                ModelPackageWriter.ReadAndVerify(folder);
                AnsiConsole.MarkupLineInterpolated($"{folder}: added {PackageFiles.Encoder}; formatVersion {withEncoder.FormatVersion}, contentHash {withEncoder.ContentHash?[..16]}…; it can start from textures");
                return 0;
            }
            var manifest = GuidanceInputsUpgrade.Apply(folder);
            ModelPackageWriter.ReadAndVerify(folder);
            foreach (var g in manifest.Graphs)
                AnsiConsole.MarkupLineInterpolated($"  {g.File}  sha256 {g.Sha256[..16]}…");
            AnsiConsole.MarkupLineInterpolated($"{folder}: formatVersion {manifest.FormatVersion}, contentHash {manifest.ContentHash?[..16]}…; negative guidance and class mixing available");
            return 0;
        });
        return cmd;
    }
}
