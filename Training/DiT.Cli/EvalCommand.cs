using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using DiT.Training.Data;
using DiT.Training.Eval;
using DiT.Training.Eval.Classifier;
using DiT.Training.Formats;
using DiT.Training.Trainer;
using DiT.Training.Vae;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>
/// `dit eval`: sample-quality figures for a checkpoint (ADM's FID, sFID, Inception Score, precision/recall; class
/// accuracy with a classifier) for every sampler x guidance scale asked for, with the time per image, as a Markdown
/// table and JSON. `--npz-dir` keeps each setting's samples in the .npz layout the ADM evaluator reads.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var ckpt = new Option<string>("--checkpoint") { Required = true };
        var real = new Option<string>("--real") { Description = "Held-out real images (ImageFolder, fashion-mnist:test) of the same classes.", Required = true };
        var baseline = new Option<string?>("--baseline")
        {
            Description = "Real images of the training distribution (e.g. the training split), scored first as if they were samples: " +
                          "the accuracy, FID and precision a perfect generator would get against --real at this sample count.",
        };
        var classifier = new Option<string?>("--classifier") { Description = "A classifier from dit train-classifier: class accuracy, and the features when no --inception is given." };
        var inception = new Option<string?>("--inception") { Description = "The FID InceptionV3 weights (pt_inception-2015-12-05-6726825d.pth): FID/sFID/IS/precision-recall on its features." };
        var samplers = new Option<string>("--samplers") { DefaultValueFactory = _ => "ddpm250,ddim50,dpm10,dpm20,dpm25" }.SamplerSpecs(list: true);
        var cfgs = new Option<string>("--cfg") { DefaultValueFactory = _ => "1,1.5,4" };
        var perClass = new Option<int>("--per-class") { DefaultValueFactory = _ => 50 }.InRange(1, 100_000);
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 }.InRange(0, long.MaxValue);
        var guided = new Option<int?>("--guided-channels") { Description = "Channels guidance acts on (default: the checkpoint's convention; all, or 3 for imported official DiTs)." }.InRange(1, 64);
        var clip = ModelOptions.ClipDenoisedOption();
        var vae = new Option<string?>("--vae") { Description = "For latent models: SD VAE weights to decode samples." };
        var imageSize = new Option<int>("--image-size") { Description = "Side of the real images as loaded (default: the model's output side)." }.InRange(8, 4096);
        var outPath = new Option<string>("--out") { Description = "Results as JSON; a Markdown table is written beside it (.md).", DefaultValueFactory = _ => "eval.json" };
        var npzDir = new Option<string?>("--npz-dir") { Description = "Write each setting's samples as <sampler>_cfg<s>.npz (uint8 NHWC arr_0)." };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 0 }.InRange(0, 1024);
        var weights = new Option<string>("--weights")
        {
            Description = "Which weights sample: ema (the default, as exports use) or raw (the trained weights; early in a run the EMA still holds much of the initialisation).",
            DefaultValueFactory = _ => "ema",
        }.AcceptOnlyFromAmong("ema", "raw");
        var cmd = new Command("eval", "Sample-quality evaluation: FID, sFID, IS, precision/recall and class accuracy per sampler and guidance scale.")
            { ckpt, real, baseline, classifier, inception, samplers, cfgs, perClass, seed, guided, clip, vae, imageSize, outPath, npzDir, threads, weights };
        cmd.SetAction(r =>
        {
            OutputPaths.Check(r.GetValue(outPath)!, "--out");
            if (r.GetValue(npzDir) is { } npzOut) OutputPaths.Check(Path.Combine(npzOut, "x.npz"), "--npz-dir");
            if (r.GetValue(threads) > 0) TorchSharp.torch.set_num_threads(r.GetValue(threads));
            var settings = r.GetValue(samplers)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .SelectMany(s => r.GetValue(cfgs)!.Split(',', StringSplitOptions.RemoveEmptyEntries)
                    .Select(c => EvalSetting.Parse(s, double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v
                        : throw new ArgumentException($"--cfg '{c}' is not a number: give guidance scales like 1,1.5,4.")))).ToList();
            if (r.GetValue(classifier) is null && r.GetValue(inception) is null)
                throw new ArgumentException("Give --classifier (from dit train-classifier) and/or --inception (FID InceptionV3 weights).");

            using var c = Checkpoint.Load(r.GetValue(ckpt)!);
            if (r.GetValue(weights) == "raw" && c.Model.Count == 0)
                throw new ArgumentException($"--weights raw: checkpoint '{r.GetValue(ckpt)}' holds the EMA weights only.");
            using var model = c.CreateModel(ema: r.GetValue(weights) != "raw");
            using var decoder = r.GetValue(vae) is { } vaePath ? AutoencoderKL.FromFile(vaePath) : null;
            SamplingChecks.RequireDecodable(c, decoder);
            Func<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>? decode = decoder is null ? null : z => decoder.DecodeScaled(z).clamp(-1, 1);
            int side = r.GetValue(imageSize) > 0 ? r.GetValue(imageSize) : c.Config.InputSize * (decoder?.Config.DownsampleFactor ?? 1);
            // Both image sets are opened (lazily) and checked before any model work, so a wrong folder fails at once.
            IImageDataset OpenImages(string path, string option)
            {
                var data = DataSources.Open(path, side, grayscale: c.Config.InChannels == 1 && decoder is null, s => AnsiConsole.MarkupLineInterpolated($"[yellow]{s}[/]"));
                if (!data.ClassNames.SequenceEqual(c.ClassNames))
                    throw new ArgumentException($"{option} has classes [{string.Join(", ", data.ClassNames)}] but the model [{string.Join(", ", c.ClassNames)}].");
                return data;
            }
            var realData = OpenImages(r.GetValue(real)!, "--real");
            var baselineData = r.GetValue(baseline) is { } baselinePath ? OpenImages(baselinePath, "--baseline") : null;

            ImageClassifier? clfModel = null;
            InceptionFid? inceptionModel = null;
            try
            {
                IFeatureExtractor? clf = null;
                if (r.GetValue(classifier) is { } clfPath)
                {
                    var (m, info) = ClassifierFile.Load(clfPath);
                    clfModel = m;
                    if (!info.ClassNames.SequenceEqual(c.ClassNames))
                        throw new ArgumentException($"The classifier knows [{string.Join(", ", info.ClassNames)}], the model [{string.Join(", ", c.ClassNames)}].");
                    clf = new ClassifierFeatures(m, $"classifier {Path.GetFileName(clfPath)} (held-out accuracy {info.TestAccuracy:P1})");
                }
                if (r.GetValue(inception) is { } incPath) inceptionModel = InceptionFid.Load(incPath);
                IFeatureExtractor features = (IFeatureExtractor?)inceptionModel ?? clf!;
                AnsiConsole.MarkupLineInterpolated($"Features: {features.Name}; {realData.Count} real images; {settings.Count} settings x {r.GetValue(perClass)} per class x {c.Config.NumClasses} classes");
                using var reference = SampleEvaluation.Reference(realData, features, clf);
                AnsiConsole.MarkupLineInterpolated($"Real images: IS {reference.InceptionScore:F2}{(reference.ClassAccuracy is { } ra ? $", classifier accuracy {ra:P1}" : "")}");

                EvalResult? baselineResult = null;
                if (baselineData is not null)
                {
                    baselineResult = RealImageBaseline.Score(baselineData, c.Config.NumClasses, r.GetValue(perClass), r.GetValue(seed), features, reference, clf);
                    AnsiConsole.WriteLine(Row(baselineResult));
                }

                var results = new List<EvalResult>();
                var outFile = r.GetValue(outPath)!;
                // Written after every setting, so a long evaluation that stops keeps what it finished.
                void Save()
                {
                    var json = JsonSerializer.Serialize(new
                    {
                        checkpoint = r.GetValue(ckpt), step = c.Step, features = features.Name, real = r.GetValue(real), realCount = realData.Count,
                        realInceptionScore = reference.InceptionScore, realClassAccuracy = reference.ClassAccuracy, perClass = r.GetValue(perClass),
                        seed = r.GetValue(seed), baseline = r.GetValue(baseline), baselineResult, results,
                    }, new JsonSerializerOptions { WriteIndented = true });
                    AtomicFile.Write(outFile, st => st.Write(Encoding.UTF8.GetBytes(json)));
                    AtomicFile.Write(Path.ChangeExtension(outFile, ".md"), st => st.Write(Encoding.UTF8.GetBytes(Markdown(results, baselineResult, features.Name, reference, realData.Count))));
                }

                foreach (var s in settings)
                {
                    NpzWriter? npz = null;
                    if (r.GetValue(npzDir) is { } dir)
                    {
                        Directory.CreateDirectory(dir);
                        int n = r.GetValue(perClass) * c.Config.NumClasses;
                        npz = new NpzWriter(Path.Combine(dir, $"{s.Sampler}_cfg{s.Cfg.ToString(CultureInfo.InvariantCulture)}.npz"), n, side, side, 3);
                    }
                    using (npz)
                    {
                        EvalResult res = null!;
                        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                            .Start(ctx =>
                            {
                                var task = ctx.AddTask($"{s.Sampler} cfg {s.Cfg}");
                                res = SampleEvaluation.Evaluate(model, s, r.GetValue(perClass), r.GetValue(seed), features, reference, clf,
                                    c.Options.Schedule, r.GetValue(guided) ?? c.SamplingDefaults.GuidedChannels, decode, npz,
                                    (done, total) => { task.MaxValue = total; task.Value = done; }, clipDenoised: r.GetValue(clip) ?? c.SamplingDefaults.ResolveClipDenoised(),
                                    diffusionSteps: c.Options.DiffusionSteps);
                            });
                        npz?.Complete();
                        results.Add(res);
                        AnsiConsole.WriteLine(Row(res));
                        Save();
                    }
                }
                AnsiConsole.MarkupLineInterpolated($"Wrote {outFile} and {Path.ChangeExtension(outFile, ".md")}");
            }
            finally
            {
                clfModel?.Dispose();
                inceptionModel?.Dispose();
            }
            return 0;
        });
        return cmd;
    }

    private static string Row(EvalResult x) =>
        $"| {x.Sampler} | {(x.Sampler == RealImageBaseline.Name ? "-" : x.Cfg.ToString(CultureInfo.InvariantCulture))} | {x.Samples} | {(x.ClassAccuracy is { } a ? $"{a:P1}" : "-")} | {x.Fid:F2} | {x.SFid:F2} | {x.InceptionScore:F2} | {x.Precision:F3} | {x.Recall:F3} | {x.SecondsPerImage * 1000:F0} |";

    private static string Markdown(List<EvalResult> results, EvalResult? baseline, string features, RealReference reference, int realCount)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"Features: {features}. Reference: {realCount} held-out real images (IS {reference.InceptionScore:F2}" +
                      (reference.ClassAccuracy is { } a ? $", classifier accuracy {a:P1}" : "") + ").");
        sb.AppendLine();
        sb.AppendLine("| sampler | cfg | samples | class accuracy | FID | sFID | IS | precision | recall | ms / image |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        if (baseline is not null) sb.AppendLine(Row(baseline));
        foreach (var x in results) sb.AppendLine(Row(x));
        return sb.ToString();
    }
}
