using DiT.Training.Formats;
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using DiTPlugin.Contract.Package;
using DiTPlugin.Contract.Sampling;
using DiT.Training.Data;
using DiT.Training.Diffusion;
using DiT.Training.Model;
using DiT.Training.Trainer;
using static TorchSharp.torch;

namespace DiT.Training.Eval;

/// <summary>One sampler setting: "ddpm250" (ancestral, 250 respaced steps), "ddim50", "dpm20" (DPM-Solver++(2M)), and a guidance scale.</summary>
public sealed record EvalSetting(string Sampler, double Cfg)
{
    /// <summary>The sampler spec ClassSampler takes (it reads "ddpm250", "ddim50", "dpm20" alike).</summary>
    public string Respacing => Sampler;

    public static EvalSetting Parse(string sampler, double cfg)
    {
        var spec = SamplerSpec.ParseForAnyModel(sampler);   // checked against the model's T when it samples
        if (!(cfg >= 0) || double.IsInfinity(cfg)) throw new ArgumentException($"Guidance scale {cfg} must be a finite number >= 0.");
        return new EvalSetting(spec.ToString(), cfg);
    }
}

/// <summary>What one setting scored; FID/sFID/precision/recall against the held-out real images, on the extractor's features.</summary>
public sealed record EvalResult(string Sampler, double Cfg, int Samples, double Fid, double SFid, double InceptionScore,
    double Precision, double Recall, double? ClassAccuracy, double SecondsPerImage);

/// <summary>Feature statistics of the real (held-out) images, computed once per evaluation.</summary>
public sealed class RealReference : IDisposable
{
    public required FeatureStats Pooled { get; init; }
    public required FeatureStats Spatial { get; init; }
    public required Tensor PooledFeatures { get; init; }
    public required double InceptionScore { get; init; }
    /// <summary>The classifier's accuracy on the real images: the ceiling for the samples' class accuracy.</summary>
    public required double? ClassAccuracy { get; init; }
    public int Count => (int)PooledFeatures.shape[0];

    public void Dispose()
    {
        Pooled.Dispose();
        Spatial.Dispose();
        PooledFeatures.Dispose();
    }
}

/// <summary>
/// Scores a DiT the way the ADM evaluation suite does, over a pluggable feature extractor: samples per class for
/// each sampler and guidance scale, their FID and sFID against held-out real images, Inception Score,
/// precision/recall (k = 3), and, with a classifier, class accuracy (the share classified as the class asked for).
/// </summary>
public static class SampleEvaluation
{
    public const int Batch = 64;

    public static RealReference Reference(IImageDataset real, IFeatureExtractor features, IFeatureExtractor? classifier = null)
    {
        using var pooled = new FeatureStatsAccumulator();
        using var spatial = new FeatureStatsAccumulator();
        var all = new List<Tensor>();
        var logits = new List<Tensor>();
        long right = 0;
        for (int start = 0; start < real.Count; start += 256)
        {
            var idx = Enumerable.Range(start, Math.Min(256, real.Count - start)).ToArray();
            using var scope = NewDisposeScope();
            var (x, y) = DatasetBatch.Load(real, idx);
            x = ToRgb(x);
            var f = features.Extract(x);
            pooled.Add(f.Pooled);
            spatial.Add(f.Spatial);
            all.Add(f.Pooled.MoveToOuterDisposeScope());
            logits.Add(f.Logits.MoveToOuterDisposeScope());
            if (classifier is not null)
            {
                var c = ReferenceEquals(classifier, features) ? f : classifier.Extract(x);
                right += c.Logits.argmax(1).eq(y).sum().item<long>();
            }
        }
        using var allLogits = cat(logits, 0);
        foreach (var t in logits) t.Dispose();
        var features2 = cat(all, 0);
        foreach (var t in all) t.Dispose();
        return new RealReference
        {
            Pooled = pooled.ToStats(), Spatial = spatial.ToStats(), PooledFeatures = features2,
            InceptionScore = Eval.InceptionScore.FromLogits(allLogits),
            ClassAccuracy = classifier is null ? null : (double)right / real.Count,
        };
    }

    /// <summary>
    /// <paramref name="perClass"/> samples of every class with one setting. Batch k of the run draws its noise from seed
    /// (seed, k), so a setting's samples are reproducible. <paramref name="decode"/> maps latents to images for latent
    /// models; <paramref name="npz"/> receives every sample as uint8 NHWC. <paramref name="diffusionSteps"/> is the chain
    /// length the model was trained with (its checkpoint's <see cref="TrainOptions.DiffusionSteps"/>).
    /// </summary>
    public static EvalResult Evaluate(DiTModel model, EvalSetting setting, int perClass, long seed, IFeatureExtractor features,
        RealReference reference, IFeatureExtractor? classifier = null, string schedule = ScheduleKinds.Linear, int? guidedChannels = null,
        Func<Tensor, Tensor>? decode = null, NpzWriter? npz = null, Action<int, int>? progress = null, CancellationToken cancel = default,
        bool clipDenoised = true, int diffusionSteps = 1000)
    {
        Tensor Sample(int[] labels, long batchSeed)
        {
            var images = ClassSampler.Sample(model, labels, setting.Respacing, setting.Cfg, batchSeed, schedule, diffusionSteps,
                guidedChannels, clipDenoised, cancel: cancel);
            if (decode is null) return images;
            using (images) return decode(images);
        }
        return Evaluate(Sample, model.Config.NumClasses, setting, perClass, seed, features, reference, classifier, npz, progress, cancel);
    }

    /// <summary>The same for any class-conditional image source: <paramref name="sample"/>(labels, seed) → images in [-1, 1].</summary>
    public static EvalResult Evaluate(Func<int[], long, Tensor> sample, int classes, EvalSetting setting, int perClass, long seed,
        IFeatureExtractor features, RealReference reference, IFeatureExtractor? classifier = null, NpzWriter? npz = null,
        Action<int, int>? progress = null, CancellationToken cancel = default)
    {
        var labels = Enumerable.Range(0, perClass).SelectMany(_ => Enumerable.Range(0, classes)).ToArray();
        using var pooled = new FeatureStatsAccumulator();
        using var spatial = new FeatureStatsAccumulator();
        var fakes = new List<Tensor>();
        var logits = new List<Tensor>();
        var classLogits = new List<Tensor>();
        var clock = new Stopwatch();
        try
        {
            for (int start = 0, k = 0; start < labels.Length; start += Batch, k++)
            {
                cancel.ThrowIfCancellationRequested();
                var chunk = labels[start..Math.Min(labels.Length, start + Batch)];
                using var scope = NewDisposeScope();
                clock.Start();
                long batchSeed = seed * 1_000_003L + k;
                var images = NativeRetry.Run(() => sample(chunk, batchSeed), null, $"sampling batch {k}");
                clock.Stop();
                images = ToRgb(images);
                npz?.Write(SampleImages.ToUint8Nhwc(images));
                var f = features.Extract(images);
                pooled.Add(f.Pooled);
                spatial.Add(f.Spatial);
                fakes.Add(f.Pooled.MoveToOuterDisposeScope());
                logits.Add(f.Logits.MoveToOuterDisposeScope());
                if (classifier is not null)
                    classLogits.Add((ReferenceEquals(classifier, features) ? f : classifier.Extract(images)).Logits.MoveToOuterDisposeScope());
                progress?.Invoke(Math.Min(labels.Length, start + Batch), labels.Length);
            }
            using var fakeStats = pooled.ToStats();
            using var fakeSpatial = spatial.ToStats();
            using var fakeAll = cat(fakes, 0);
            using var logitsAll = cat(logits, 0);
            var pr = PrecisionRecall.Compute(reference.PooledFeatures, fakeAll);
            double? accuracy = null;
            if (classifier is not null)
            {
                using var cl = cat(classLogits, 0);
                using var asked = tensor(labels.Select(l => (long)l).ToArray());
                accuracy = ClassAccuracy.Compute(cl, asked);
            }
            return new EvalResult(setting.Sampler, setting.Cfg, labels.Length, Fid.Compute(reference.Pooled, fakeStats),
                Fid.Compute(reference.Spatial, fakeSpatial), Eval.InceptionScore.FromLogits(logitsAll), pr.Precision, pr.Recall, accuracy,
                clock.Elapsed.TotalSeconds / labels.Length);
        }
        finally
        {
            foreach (var t in fakes.Concat(logits).Concat(classLogits)) t.Dispose();
        }
    }

    /// <summary>Grey images are repeated to three channels, as feature networks for RGB expect.</summary>
    private static Tensor ToRgb(Tensor x) => x.shape[1] == 1 ? x.expand(-1, 3, -1, -1).contiguous() : x;
}
