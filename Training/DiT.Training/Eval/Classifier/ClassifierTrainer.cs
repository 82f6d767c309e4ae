using System;
using System.Linq;
using System.Threading;
using DiT.Training.Data;
using DiT.Training.Trainer;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Eval.Classifier;

public sealed record ClassifierTrainOptions
{
    public int Epochs { get; init; } = 8;
    /// <summary>Stage widths of the network (see <see cref="ClassifierConfig.Widths"/>).</summary>
    public int[] Widths { get; init; } = { 16, 32, 64 };
    public int BatchSize { get; init; } = 128;
    public double LearningRate { get; init; } = 2e-3;
    public double WeightDecay { get; init; } = 5e-4;
    public long Seed { get; init; }
    /// <summary>Called after each epoch with (epoch, train loss, held-out accuracy or NaN).</summary>
    public Action<int, double, double>? Progress { get; init; }
    public Action<string>? Warning { get; init; }
}

/// <summary>
/// Trains the evaluation classifier: AdamW with a cosine learning-rate decay, label smoothing 0.1, and random
/// horizontal and vertical flips (surfaces have no up or left), measuring accuracy on a held-out set each epoch.
/// </summary>
public static class ClassifierTrainer
{
    public static ImageClassifier Train(IImageDataset train, IImageDataset? test, ClassifierTrainOptions o, CancellationToken cancel = default)
    {
        if (train.Channels != 3 && train.Channels != 1) throw new ArgumentException($"Images need 1 or 3 channels, got {train.Channels}.");
        if (test is not null && (test.ClassNames.Count != train.ClassNames.Count || test.Height != train.Height))
            throw new ArgumentException("The held-out set must have the training set's classes and image size.");
        manual_seed(o.Seed);
        var model = new ImageClassifier(new ClassifierConfig
        {
            InChannels = train.Channels, ImageSize = train.Height, NumClasses = train.ClassNames.Count, Widths = o.Widths,
        });
        var opt = optim.AdamW(model.parameters(), lr: o.LearningRate, weight_decay: o.WeightDecay);
        int batch = Math.Min(o.BatchSize, train.Count);
        int stepsPerEpoch = train.Count / batch, total = stepsPerEpoch * o.Epochs;   // whole batches, as the sampler draws them
        var sampler = new BatchSampler(train.Count, batch, (ulong)o.Seed);
        int step = 0;
        for (int epoch = 1; epoch <= o.Epochs; epoch++)
        {
            model.train();
            double lossSum = 0;
            for (int b = 0; b < stepsPerEpoch; b++, step++)
            {
                cancel.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                int k = step;
                // Forward and backward are retried on TorchSharp's intermittent native error (see NativeRetry); the
                // batch and augmentation come from the step's own generator, so a retry computes the same gradients.
                var loss = NativeRetry.Run(() =>
                {
                    using var g = new Generator((ulong)(o.Seed * 1_000_003 + k));
                    var (x, y) = DatasetBatch.Load(train, sampler.BatchAt(k));
                    x = Augment.HorizontalFlip(x, rand(new long[] { x.shape[0] }, generator: g) < 0.5);
                    x = where((rand(new long[] { x.shape[0], 1, 1, 1 }, generator: g) < 0.5).expand_as(x), x.flip(2), x);
                    opt.zero_grad();
                    var l = nn.functional.cross_entropy(model.forward(x), y, label_smoothing: 0.1);
                    l.backward();
                    return l;
                }, o.Warning, $"classifier step {k + 1}");
                foreach (var group in opt.ParamGroups)
                    group.LearningRate = o.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / total));
                opt.step();
                lossSum += loss.item<float>();
            }
            double acc = test is null ? double.NaN : Accuracy(model, test);
            o.Progress?.Invoke(epoch, lossSum / stepsPerEpoch, acc);
        }
        model.eval();
        opt.Dispose();
        return model;
    }

    /// <summary>Share of <paramref name="data"/> classified correctly (eval mode, batches of 256).</summary>
    public static double Accuracy(ImageClassifier model, IImageDataset data)
    {
        bool was = model.training;
        model.eval();
        long right = 0;
        using (no_grad())
            for (int start = 0; start < data.Count; start += 256)
            {
                using var scope = NewDisposeScope();
                var (x, y) = DatasetBatch.Load(data, Enumerable.Range(start, Math.Min(256, data.Count - start)).ToArray());
                right += model.forward(x).argmax(1).eq(y).sum().item<long>();
            }
        model.train(was);
        return (double)right / data.Count;
    }
}
