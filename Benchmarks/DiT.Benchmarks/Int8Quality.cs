using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using DiT.Training.Data;
using DiT.Training.Eval;
using DiT.Training.Eval.Classifier;
using DiTPlugin.Contract.Package;
using static TorchSharp.torch;

namespace DiTPlugin.Benchmarks;

/// <summary>
/// `DiT.Benchmarks int8-quality PACKAGE CLASSIFIER REAL_DIR [PER_CLASS] [CFG,...] [PRECISION,...] [BASELINE_DIR]`: the int8 quality
/// gate. The package's fp32 (or the listed) and int8 DiT graphs run through the Plugin (DiTOptions.Precision), exactly as a game would, with the
/// same seeds (DPM-Solver++ 25 steps, the Plugin's default sampler); their 8-bit images are scored by the eval
/// machinery of `dit eval` (SampleEvaluation over the shipped classifier's features): class accuracy, and FID against
/// the held-out real crops of `dit dataset`. BASELINE_DIR (the training crops) adds a first row, real images scored
/// as samples (`dit eval --baseline`): what a perfect generator would get.
/// </summary>
internal static class Int8Quality
{
    public static int Run(string[] args)
    {
        string package = args[1], classifierPath = args[2], realDir = args[3];
        int perClass = args.Length > 4 ? int.Parse(args[4]) : 24;
        var cfgs = args.Length > 5 ? args[5].Split(',').Select(float.Parse).ToArray() : new[] { 4f, 1.5f };
        var precisions = args.Length > 6 ? args[6].Split(',').Select(Precisions.Parse).ToArray() : new[] { Precision.Fp32, Precision.Int8 };
        var (clf, info) = ClassifierFile.Load(classifierPath);
        using var _ = clf;
        var features = new ClassifierFeatures(clf, $"classifier {Path.GetFileName(classifierPath)}");
        var real = new ImageFolderDataset(realDir, new ImageFolderOptions { Size = info.Config.ImageSize, Color = ImageColor.Rgb });
        using var reference = SampleEvaluation.Reference(real, features, features);
        Console.WriteLine($"{package}: {real.Count} real crops, classifier accuracy on them {reference.ClassAccuracy:P1}; {perClass} per class; DPM-Solver++ 25 steps; seed 0");
        Console.WriteLine("| cfg | graph | samples | class accuracy | FID | precision | recall | ms / image |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        if (args.Length > 7)
        {
            var train = new ImageFolderDataset(args[7], new ImageFolderOptions { Size = info.Config.ImageSize, Color = ImageColor.Rgb });
            var b = RealImageBaseline.Score(train, info.ClassNames.Count, perClass, 0, features, reference, features);
            Console.WriteLine($"| - | real training crops | {b.Samples} | {b.ClassAccuracy:P1} | {b.Fid:F2} | {b.Precision:F3} | {b.Recall:F3} | - |");
        }
        foreach (var cfg in cfgs)
            foreach (var precision in precisions)
            {
                using var dit = DiT.Load(package, new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu, Precision = precision });
                if (dit.Precision != precision) throw new InvalidOperationException($"{package} has no {precision.ToJson()} DiT graph.");
                var clock = new Stopwatch();
                Tensor Sample(int[] labels, long seed)
                {
                    clock.Start();
                    var images = dit.Generate(new GenerationOptions { ClassIds = labels, Seed = (ulong)seed, Steps = 25, Sampler = SamplerKind.DpmSolverPlusPlus2M, CfgScale = cfg });
                    clock.Stop();
                    var pixels = images.SelectMany(img => Enumerable.Range(0, 3).SelectMany(c =>
                        Enumerable.Range(0, img.Width * img.Height).Select(p => img.Rgba8[4 * p + c] / 127.5f - 1f))).ToArray();
                    return tensor(pixels, new long[] { labels.Length, 3, images[0].Height, images[0].Width });
                }
                var r = SampleEvaluation.Evaluate(Sample, dit.Classes.Count, new EvalSetting("dpm25", cfg), perClass, 0, features, reference, features);
                Console.WriteLine($"| {cfg} | {precision.ToJson()} | {r.Samples} | {r.ClassAccuracy:P1} | {r.Fid:F2} | {r.Precision:F3} | {r.Recall:F3} | {clock.Elapsed.TotalMilliseconds / r.Samples:F0} |");
            }
        return 0;
    }
}
