using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using DiTPlugin.Contract.Classes;
using DiTPlugin.Contract.Package;
using DiT.Training.Export;
using DiT.Training.Formats;
using DiT.Training.Data;
using DiT.Training.Import;
using DiT.Training.Model;
using DiT.Training.Trainer;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>
/// `dit import`: official-layout DiT weights (e.g. facebookresearch/DiT's DiT-XL-2-256x256.pt) → a weights-only
/// checkpoint that `dit sample` and `dit export` take like a trained one. The licence travels with it into the
/// package; it defaults to the official weights' CC-BY-NC-4.0 so that nobody ships them commercially by accident.
/// </summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var dit = new Option<string>("--dit") { Description = "DiT weights: .pt/.pth/.bin (PyTorch zip, read without executing code) or .safetensors.", Required = true };
        var outPath = new Option<string>("--out") { Description = "The checkpoint to write (.ckpt).", Required = true };
        var key = new Option<string?>("--key") { Description = "Entry of a wrapped checkpoint to import (default: ema, then model, then state_dict)." };
        var model = new Option<string?>("--model") { Description = "Expect this config (e.g. DiT-XL/2) and list every key that does not fit; default: from the shapes." };
        var heads = new Option<int?>("--num-heads") { Description = "Attention heads, for widths other than the paper's 384/768/1024/1152." }.InRange(1, 1024);
        var classes = new Option<int?>("--num-classes") { Description = "Classes, when the label table has no null row (trained without label dropout)." }.InRange(1, 100_000);
        var classNames = new Option<string?>("--class-names") { Description = "Class names: a synset file (LOC_synset_mapping.txt) or one name per line, in class order." };
        var licenseId = new Option<string>("--license-id") { Description = "SPDX id of the weights' licence.", DefaultValueFactory = _ => "CC-BY-NC-4.0" };
        var commercial = new Option<bool>("--commercial-use") { Description = "Whether that licence allows commercial use.", DefaultValueFactory = _ => false, Arity = ArgumentArity.ExactlyOne };
        var licenseText = new Option<string>("--license-text")
        {
            DefaultValueFactory = _ => "DiT weights by Peebles & Xie (facebookresearch/DiT), Creative Commons Attribution-NonCommercial 4.0: no commercial use.",
        };
        var attribution = new Option<string>("--attribution") { DefaultValueFactory = _ => "William Peebles and Saining Xie, Scalable Diffusion Models with Transformers, ICCV 2023." };
        var guided = new Option<int?>("--guided-channels")
        {
            Description = "Eps channels guidance acts on when this model is sampled or exported (default: 3 for 4-channel latent models, as the official forward_with_cfg; else all).",
        };
        var clip = ModelOptions.ClipDenoisedOption();
        var cmd = new Command("import", "Import official-layout DiT weights as a checkpoint (config from the tensor shapes).")
        {
            dit, outPath, key, model, heads, classes, classNames, licenseId, commercial, licenseText, attribution, guided, clip,
        };
        cmd.SetAction(r =>
        {
            var path = r.GetValue(dit)!;
            OutputPaths.Check(r.GetValue(outPath)!, "--out");
            var started = DateTime.UtcNow;
            var weights = StateDictFile.Load(path, r.GetValue(key));
            string what = weights.Description;
            var options = new DiTImporter.Options
            {
                ModelName = r.GetValue(model),
                Hints = new DiTConfigInference.Hints { NumHeads = r.GetValue(heads), NumClasses = r.GetValue(classes) },
            };
            DiTModel dm;
            using (weights) dm = DiTImporter.Import(weights.Tensors, path, options);
            using var _ = dm;
            var cfg = dm.Config;
            var names = r.GetValue(classNames) is { } namesPath ? ReadClassNames(namesPath, cfg.NumClasses)
                : Enumerable.Range(0, cfg.NumClasses).Select(i => $"class {i}").ToList();
            var provenance = new Provenance(r.GetValue(licenseId)!, r.GetValue(commercial), r.GetValue(licenseText)!, r.GetValue(attribution)!,
                $"imported from {Path.GetFileName(path)} (sha256 {Sha256(path)}), {what}");
            var trainOptions = new TrainOptions { Steps = 0, Seed = 0 };   // the schedule fields are the paper's: linear, T = 1000
            var sampling = DiTImporter.SamplingFor(cfg, r.GetValue(guided), r.GetValue(clip));
            Checkpoint.Save(r.GetValue(outPath)!, null, dm, null, 0, trainOptions, names, provenance, sampling);
            AnsiConsole.MarkupLineInterpolated($"Imported {DiTImporter.Describe(cfg)}: {ParamCount.Trainable(cfg):N0} parameters, from {what}.");
            AnsiConsole.MarkupLineInterpolated(
                $"Sampling: {(sampling.LatentSpace ? InputSpaces.Latent : InputSpaces.Pixel)} space, guidance on {(sampling.GuidedChannels is int g ? $"{g} of {cfg.InChannels}" : "all")} channels, x0 {(sampling.ResolveClipDenoised() ? "clipped" : "not clipped")}.");
            string nc = provenance.CommercialUse ? "" : " (non-commercial)";
            AnsiConsole.MarkupLineInterpolated($"Wrote {r.GetValue(outPath)} in {(DateTime.UtcNow - started).TotalSeconds:F1} s. Licence {provenance.LicenseId}{nc}.");
            if (r.GetValue(classNames) is null)
                AnsiConsole.MarkupLine("[yellow]No --class-names: classes are named 'class 0'…; give a synset file so the Plugin can find classes by name.[/]");
            return 0;
        });
        return cmd;
    }

    private static List<string> ReadClassNames(string path, int count)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Class-name file '{path}' does not exist.", path);
        var lines = File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        bool synsets = lines.Count > 0 && ImageNetClasses.IsWnid(lines[0].Split(' ', '\t')[0]);
        var names = synsets ? SynsetMapping.Load(path).Names.ToList() : lines;
        if (names.Count != count) throw new InvalidDataException($"'{path}' lists {names.Count} class names but the model has {count} classes.");
        // The Contract's rule, which export checks too: a repeated name would leave a class unreachable by name, except
        // ImageNet's own repeats ("crane", "maillot", "Cardigan"/"cardigan"), which a list of ImageNet's classes keeps.
        var refused = ClassNameRepeats.Refused(names);
        if (refused.Count > 0)
            throw new InvalidDataException($"'{path}' names a class twice ({ClassNameRepeats.Describe(refused)}): class names must be unique (ignoring case), or the later ones cannot be found by name.");
        if (ClassNameRepeats.Find(names) is { Count: > 0 } imageNets)
            AnsiConsole.MarkupLineInterpolated($"[yellow]Class names ImageNet itself repeats, kept: {ClassNameRepeats.Describe(imageNets)}. A name gives the first of them; use the class id for the others.[/]");
        return names;
    }

    private static string Sha256(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}
