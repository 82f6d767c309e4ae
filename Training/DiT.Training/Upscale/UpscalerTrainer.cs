using System;
using System.Linq;
using System.Threading;
using DiT.Training.Data;
using DiT.Training.Trainer;
using static TorchSharp.torch;

namespace DiT.Training.Upscale;

public sealed record UpscalerTrainOptions
{
    public UpscalerConfig Config { get; init; } = new();
    public int Steps { get; init; } = 3000;
    public int BatchSize { get; init; } = 16;
    public double LearningRate { get; init; } = 5e-4;
    public long Seed { get; init; }
    /// <summary>Called every few steps with (step, total, mean L1 loss since the last call).</summary>
    public Action<int, int, double>? Progress { get; init; }
    public Action<string>? Warning { get; init; }
}

/// <summary>
/// Trains the upscaler on pairs made from the dataset's images: the image itself is the target and its box-filtered
/// 1/factor version the input (a box filter is what `dit dataset` uses to make every crop, so the DiT's samples sit at
/// exactly that scale). L1 loss, Adam with a cosine decay, random horizontal and vertical flips.
/// </summary>
public static class UpscalerTrainer
{
    public static UpscalerModel Train(IImageDataset data, UpscalerTrainOptions o, CancellationToken cancel = default)
    {
        var cfg = o.Config.Validate();
        if (data.Channels != cfg.Channels) throw new ArgumentException($"The images have {data.Channels} channels; the upscaler is for {cfg.Channels}.");
        if (data.Height % cfg.Factor != 0 || data.Width % cfg.Factor != 0)
            throw new ArgumentException($"The images are {data.Width}x{data.Height}, not a multiple of the factor {cfg.Factor}.");
        manual_seed(o.Seed);
        var model = new UpscalerModel(cfg);
        var opt = optim.Adam(model.parameters(), lr: o.LearningRate);
        int batch = Math.Min(o.BatchSize, data.Count);
        var sampler = new BatchSampler(data.Count, batch, (ulong)o.Seed);
        double lossSum = 0;
        int logged = 0;
        for (int step = 0; step < o.Steps; step++)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            int k = step;
            var loss = NativeRetry.Run(() =>
            {
                using var g = new Generator((ulong)(o.Seed * 1_000_003 + k));
                var (hr, _) = DatasetBatch.Load(data, sampler.BatchAt(k));
                hr = Augment.HorizontalFlip(hr, rand(new long[] { hr.shape[0] }, generator: g) < 0.5);
                hr = where((rand(new long[] { hr.shape[0], 1, 1, 1 }, generator: g) < 0.5).expand_as(hr), hr.flip(2), hr);
                var lr = Downscale(hr, cfg.Factor);
                opt.zero_grad();
                var l = nn.functional.l1_loss(model.forward(lr), hr);
                l.backward();
                return l;
            }, o.Warning, $"upscaler step {k + 1}");
            foreach (var group in opt.ParamGroups)
                group.LearningRate = o.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / o.Steps));
            opt.step();
            lossSum += loss.item<float>();
            logged++;
            if ((step + 1) % 50 == 0 || step + 1 == o.Steps)
            {
                o.Progress?.Invoke(step + 1, o.Steps, lossSum / logged);
                lossSum = 0;
                logged = 0;
            }
        }
        model.eval();
        opt.Dispose();
        return model;
    }

    /// <summary>The box-filtered 1/factor image (the mean of each factor x factor block), as the dataset's crops are made.</summary>
    public static Tensor Downscale(Tensor images, int factor) => nn.functional.avg_pool2d(images, factor, factor);
}
