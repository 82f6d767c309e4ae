using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using DiT.Training.Data;
using DiTPlugin.Contract.Sampling;
using DiT.Training.Diffusion;
using DiT.Training.Distributed;
using DiT.Training.Model;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiT.Training.Trainer;

/// <summary>
/// The DiT training loop (paper, Section 4): AdamW (lr 1e-4, no weight decay, constant), EMA every step,
/// horizontal flips, label dropout for classifier-free guidance, and the ADM hybrid loss.
/// Everything random in step k (batch order, flips, dropped labels, timesteps, noise) comes from a generator
/// seeded by (seed, k), so a run resumed from a checkpoint is bit-identical to one that never stopped.
/// <para>
/// Data-parallel training: with an <see cref="ICommunicator"/> of N ranks each rank trains on its shard of the
/// global batch (<see cref="DistributedSampler"/>), gradients are averaged over ranks in buckets
/// (<see cref="GradientBucketer"/>) and rank 0 alone keeps the EMA and writes logs, grids and checkpoints. With
/// <see cref="TrainOptions.PerExampleRandomness"/> each example's draws come from (seed, k, its position in the
/// global batch), so N ranks train exactly what one process on the whole global batch would.
/// </para>
/// </summary>
public sealed class DiTTrainer : IDisposable
{
    private readonly IImageDataset data;
    private readonly GaussianDiffusion diffusion;
    private readonly FusedAdamW optimizer;
    private readonly FlatBuffer weights;              // the master parameters, one contiguous fp32 tensor
    private readonly MixedPrecision? mixed;
    private readonly DistributedSampler sampler;
    private readonly ILatentCodec? codec;
    private readonly ICommunicator comm;
    private readonly GradientBucketer? bucketer;

    public DiTModel Model { get; }
    public Ema Ema { get; }
    public TrainOptions Options { get; }
    public long Step { get; private set; }
    /// <summary>The group this trainer belongs to (size 1 when not distributed).</summary>
    public ICommunicator Communicator => comm;
    /// <summary>Time spent averaging gradients over ranks (zero when not distributed), and how many steps did.</summary>
    public (TimeSpan Total, long Steps) GradientSyncTime => bucketer is null ? (TimeSpan.Zero, 0) : (bucketer.TotalTime, bucketer.Calls);
    /// <summary>The gradient exchange of a distributed run (bucket sizes, buckets overlapped with backward); null otherwise.</summary>
    public GradientBucketer? Bucketer => bucketer;

    /// <param name="codec">Encodes each (augmented) image batch into the latent space the model trains in; null trains on the data as is.</param>
    /// <param name="communicator">The ranks of a distributed run; null trains in this process alone. Collective: every rank constructs its trainer together.</param>
    public DiTTrainer(DiTConfig config, IImageDataset data, TrainOptions options, ILatentCodec? codec = null, ICommunicator? communicator = null)
    {
        comm = communicator ?? SingleProcessCommunicator.Instance;
        if (comm.Size > 1 && !options.PerExampleRandomness)
            throw new ArgumentException("A distributed run draws its randomness per example (PerExampleRandomness), so that it does not depend on how the batch is split over ranks.");
        if (options.LatentCodec is not null && codec is null)
            throw new ArgumentException($"This run trains on latents of {options.LatentCodec}; give that VAE (--vae) to encode the images.");
        int f = codec?.Downsample ?? 1;
        if (codec is not null && (data.Height % f != 0 || data.Width % f != 0))
            throw new ArgumentException($"The images are {data.Height}x{data.Width}, not a multiple of the latent downsampling {f}.");
        if ((codec?.LatentChannels ?? data.Channels) != config.InChannels || data.Height / f != config.InputSize || data.Width / f != config.InputSize)
            throw new ArgumentException($"The data is {data.Channels}x{data.Height}x{data.Width}" +
                (codec is null ? "" : $" ({codec.LatentChannels}x{data.Height / f}x{data.Width / f} latents)") +
                $" but the model expects {config.InChannels}x{config.InputSize}x{config.InputSize}.");
        this.codec = codec;
        if (data.ClassNames.Count > config.NumClasses)
            throw new ArgumentException($"The data has {data.ClassNames.Count} classes but the model only {config.NumClasses}.");
        if (options.BatchSize < 1) throw new ArgumentException($"BatchSize must be >= 1, got {options.BatchSize}.");
        // The preview grids sample over this run's chain: a sampler longer than DiffusionSteps fails now, not at the first grid.
        if (options.SampleEvery > 0) SamplerSpec.Parse(options.SampleRespacing, options.DiffusionSteps);
        if (options.Threads > 0) set_num_threads(options.Threads);
        this.data = data;
        Options = options;
        manual_seed(options.Seed);                           // the initial weights follow the seed too
        Model = new DiTModel(config);
        Model.train();
        // Parameters, gradients, moments, EMA and bf16 copies each in one flat tensor: a step's bookkeeping is a
        // dozen kernels, not a dozen per parameter (FlatBuffer, FusedAdamW).
        var parameters = Model.parameters().ToList();
        weights = FlatBuffer.Adopt(parameters.Cast<Tensor>().ToList());
        Ema = new Ema(Model, options.EmaDecay, weights.Flat);
        optimizer = new FusedAdamW(parameters, weights.Flat, options.LearningRate, options.WeightDecay);
        if (options.Bf16) mixed = new MixedPrecision(Model, weights.Flat, optimizer.GradientsFlat, TrainingBlockRunner.Create(options.ActivationCheckpointing));
        diffusion = GaussianDiffusion.Create("", options.Schedule, options.DiffusionSteps, config.LearnSigma);
        sampler = new DistributedSampler(data.Count, options.BatchSize, comm.Rank, comm.Size, (ulong)options.Seed);
        Action<int>? blockBackwardDone = null;
        if (comm.Size > 1)
        {
            var buckets = bucketer = new GradientBucketer(Model.named_parameters().Select(np => (np.name, (Tensor)np.parameter)), comm,
                (long)(options.BucketMegabytes * (1 << 20)));
            // Overlap with backward: when backward has gone through block i (and, for the last block, the final layer
            // after it), block i's buckets can start. bf16 gradients reach the fp32 master weights only after backward.
            if (mixed is null)
                blockBackwardDone = i =>
                {
                    if (i == config.Depth - 1) buckets.MarkReady("final_layer.");
                    buckets.MarkReady($"blocks.{i}.");
                };
        }
        Model.BlockRunner = TrainingBlockRunner.Create(options.ActivationCheckpointing, blockBackwardDone);
        SynchronizeRanks();
    }

    /// <summary>
    /// The checked start of a distributed run (world size, dtype, parameter count, config, recipe, data and step
    /// agree on every rank; <see cref="StartupCheck"/>), then rank 0's parameters broadcast to all. Collective.
    /// </summary>
    private void SynchronizeRanks()
    {
        if (comm.Size == 1) return;
        var recipe = Options with { OutputDir = "", Threads = 0, LogEvery = 0, SampleEvery = 0, CheckpointEvery = 0, SampleRespacing = "", SampleCfgScale = 0, SampleRows = 0 };
        StartupCheck.Verify(comm, new (string, long)[]
        {
            ("world size", comm.Size),
            ("dtype", StartupCheck.DtypeCode(Options.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32)),
            ("parameter count", Model.parameters().Sum(p => p.numel())),
            ("model config hash", StartupCheck.Hash(System.Text.Json.JsonSerializer.Serialize(Model.Config))),
            ("recipe hash", StartupCheck.Hash(System.Text.Json.JsonSerializer.Serialize(recipe))),
            ("dataset size", data.Count),
            ("step", Step),
        });
        using var _ = no_grad();
        foreach (var p in Model.parameters()) comm.Broadcast(GradientBucketer.Floats(p), root: 0);
        if (comm.IsRoot()) return;
        Ema.CopyFrom();                                      // unused off rank 0, but kept equal to the start weights
    }

    /// <summary>
    /// Continues a run: weights, EMA, optimizer state, step and options from the checkpoint. <paramref name="adjust"/>
    /// may change options (more steps, another output folder); the run stays bit-identical to an uninterrupted one
    /// as long as it leaves the seed, batch size, learning rate and the other recipe fields alone.
    /// </summary>
    public static DiTTrainer Resume(string checkpointPath, IImageDataset data, Func<TrainOptions, TrainOptions>? adjust = null,
        ILatentCodec? codec = null, ICommunicator? communicator = null)
    {
        using var ckpt = Checkpoint.Load(checkpointPath);
        if (!ckpt.CanResume)
            throw new InvalidDataException($"Checkpoint '{checkpointPath}' holds weights only (no raw weights or optimizer state); " +
                "it can be sampled from but not resumed. Resume from a full checkpoint such as latest.ckpt.");
        var opts = adjust is null ? ckpt.Options : adjust(ckpt.Options);
        var trainer = new DiTTrainer(ckpt.Config, data, opts, codec, communicator);
        Checkpoint.LoadInto(trainer.Model, ckpt.Model, $"Checkpoint '{checkpointPath}' (model)");
        Checkpoint.LoadInto(trainer.Ema.Model, ckpt.Ema, $"Checkpoint '{checkpointPath}' (ema)");
        ckpt.RestoreOptimizer(trainer.optimizer.Inner);
        if (ckpt.TorchRngState is not null) set_rng_state(ckpt.TorchRngState);
        trainer.Step = ckpt.Step;
        trainer.SynchronizeRanks();                          // every rank resumed the same checkpoint (same step)
        return trainer;
    }

    /// <summary>
    /// One optimisation step; returns the batch-mean loss terms. A native error raised before the weights change is
    /// retried (see <see cref="NativeRetry"/>): every draw of step k comes from the (seed, k) generator, so a retry
    /// computes the same step. After the update starts, errors propagate.
    /// </summary>
    public (double Loss, double Mse, double Vb) TrainStep() =>
        NativeRetry.Run(() =>
        {
            try { return TrainStepOnce(); }
            catch (System.Runtime.InteropServices.ExternalException) when (stepApplied || bucketer?.InFlight == true) { throw new InvalidOperationException("A native error after the weight update; resume from the last checkpoint."); }
            catch (System.Runtime.InteropServices.ExternalException) { optimizer.ZeroGrad(); bucketer?.Reset(); throw; }
        }, Warning, $"step {Step + 1}");

    /// <summary>Receives warnings (retried steps).</summary>
    public Action<string>? Warning { get; set; }

    private bool stepApplied;

    /// <summary>Time the steps spent getting their batch (reading, decoding) rather than computing: with the prefetch,
    /// only the part of the next batch's decoding that the step did not hide.</summary>
    public TimeSpan DataWaitTime => TimeSpan.FromTicks(dataWaitTicks * TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency);
    private long dataWaitTicks;
    private BatchPrefetch? prefetch;

    /// <summary>The examples of this step: the prefetched read when it is for this step, else read now.</summary>
    private (Tensor X, Tensor Y) LoadBatch(int[] indices)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var read = prefetch?.Take(Step, indices) ?? DatasetBatch.Read(data, indices);
        dataWaitTicks += System.Diagnostics.Stopwatch.GetTimestamp() - start;
        return DatasetBatch.ToTensors(data, read);
    }

    /// <summary>Starts reading the next step's examples on a worker while this step computes.</summary>
    private void PrefetchNext()
    {
        if (!Options.PrefetchBatches || Step + 1 >= Options.Steps) return;
        prefetch ??= new BatchPrefetch(data);
        prefetch.Start(Step + 1, sampler.BatchAt(Step + 1).Indices);
    }

    private (double Loss, double Mse, double Vb) TrainStepOnce()
    {
        stepApplied = false;
        using var scope = NewDisposeScope();
        var (indices, positions) = sampler.BatchAt(Step);
        var (x, labels, t, noise) = Options.PerExampleRandomness ? DrawPerExample(indices, positions) : DrawPerBatch(indices);
        PrefetchNext();

        DenoiseFn net = mixed is null
            ? (xt, tt) => Model.forward(xt, tt, labels)
            : (xt, tt) => mixed.Compute.forward(xt.to(bfloat16), tt, labels).to(float32);
        mixed?.LoadWeights();
        optimizer.ZeroGrad();
        using var terms = diffusion.TrainingLosses(net, x, t, noise);
        var loss = terms.Loss.mean();
        loss.backward();
        mixed?.StoreGradients();
        stepApplied = true;                  // from here on a failure must not be retried: the ranks exchange gradients, the weights change
        bucketer?.Finish();
        optimizer.Step();
        if (comm.IsRoot()) Ema.Update(Step, Options.EmaWarmup);
        Step++;
        return (loss.item<float>(), terms.Mse.mean().item<float>(), terms.Vb.mean().item<float>());
    }

    /// <summary>
    /// Trains to Options.Steps, logging a CSV, writing EMA sample grids and checkpoints. Cancellation (Ctrl-C)
    /// finishes the current step, saves a checkpoint and returns. Distributed: collective; the losses reported are
    /// the means over ranks, a cancellation on any rank stops all of them after the same step, and only rank 0 logs,
    /// reports progress and writes files.
    /// </summary>
    public void Run(IProgress<TrainStatus>? progress = null, CancellationToken cancel = default)
    {
        bool root = comm.IsRoot();
        if (!root) progress = null;
        if (root) Directory.CreateDirectory(Options.OutputDir);
        using var log = root ? new LossLog(Path.Combine(Options.OutputDir, "loss.csv"), Step == 0 ? null : Step) : null;
        var clock = new ProgressInfo(Options.Steps, Step);
        while (Step < Options.Steps && !(comm.Size == 1 && cancel.IsCancellationRequested))
        {
            var (loss, mse, vb) = TrainStep();
            bool stop = cancel.IsCancellationRequested;
            if (comm.Size > 1) (loss, mse, vb, stop) = AgreeAcrossRanks(loss, mse, vb, stop);
            if (!double.IsFinite(loss))
            {
                if (root) SaveCheckpoint(Path.Combine(Options.OutputDir, "diverged.ckpt"));
                comm.Barrier();                              // every rank saw the same loss: fail together once it is saved
                throw new InvalidOperationException($"The loss became {loss} at step {Step}; the state before it is not recoverable from " +
                    "this step, resume from the last checkpoint with a lower learning rate or with --precision fp32.");
            }
            clock.Update(Step);
            if (log is not null && (Step % Options.LogEvery == 0 || Step == Options.Steps))
            {
                log.Append(Step, loss, mse, vb, Options.LearningRate, clock.ItersPerSec, clock.Elapsed.TotalSeconds);
                progress?.Report(new TrainStatus(Step, Options.Steps, loss, mse, vb, clock.ItersPerSec, clock.Elapsed, clock.Eta));
            }
            if (root && Options.SampleEvery > 0 && Step % Options.SampleEvery == 0)
            {
                var path = Path.Combine(Options.OutputDir, "samples", $"step_{Step:D7}.png");
                string what = $"samples: {path}";
                try { SaveSampleGrid(path, cancel); }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested) { what = "sample grid skipped: stopping"; }
                progress?.Report(new TrainStatus(Step, Options.Steps, loss, mse, vb, clock.ItersPerSec, clock.Elapsed, clock.Eta, what));
            }
            if (root && Options.CheckpointEvery > 0 && Step % Options.CheckpointEvery == 0) SaveCheckpoint(LatestPath);
            if (stop) break;
        }
        if (root) SaveCheckpoint(LatestPath);
        comm.Barrier();                                      // no rank leaves before rank 0 has written the checkpoint
        progress?.Report(new TrainStatus(Step, Options.Steps, double.NaN, double.NaN, double.NaN, clock.ItersPerSec, clock.Elapsed, null,
            $"checkpoint: {LatestPath}"));
    }

    public string LatestPath => Path.Combine(Options.OutputDir, "latest.ckpt");

    /// <summary>The step's loss terms averaged over ranks, and whether any rank was asked to stop. Collective.</summary>
    private (double, double, double, bool) AgreeAcrossRanks(double loss, double mse, double vb, bool stop)
    {
        Span<float> v = stackalloc float[] { (float)loss, (float)mse, (float)vb, stop ? 1f : 0f };
        comm.AllReduceSum(v);
        float n = comm.Size;
        return (v[0] / n, v[1] / n, v[2] / n, v[3] > 0);
    }

    public void SaveCheckpoint(string path) =>
        Checkpoint.Save(path, Model, Ema.Model, optimizer.Inner, Step, Options, data.ClassNames);

    /// <summary>A grid from the EMA weights: one column per class (up to 16), SampleRows rows.</summary>
    public void SaveSampleGrid(string path, CancellationToken cancel = default)
    {
        int classes = Math.Min(16, data.ClassNames.Count);
        var labels = Enumerable.Range(0, Options.SampleRows).SelectMany(_ => Enumerable.Range(0, classes)).ToArray();
        using var images = ClassSampler.Sample(Ema.Model, labels, Options.SampleRespacing, Options.SampleCfgScale,
            seed: Options.Seed, schedule: Options.Schedule, diffusionSteps: Options.DiffusionSteps, clipDenoised: SamplingConvention.DefaultClip(Options.LatentSpace), cancel: cancel);
        if (codec is null) ImageGrid.SaveGrid(path, images, cols: classes);
        else
        {
            using var pixels = codec.Decode(images);
            ImageGrid.SaveGrid(path, pixels, cols: classes);
        }
    }

    /// <summary>The seed of step k's generator: distinct per (seed, step), stable across runs and resumes.</summary>
    internal static long StepSeed(long seed, long step) => unchecked(seed * 1_000_003L + step * 7919L + 12345L) & long.MaxValue;

    /// <summary>The seed of one example's generator: (seed, step, position in the global batch), SplitMix64-mixed.</summary>
    internal static long ExampleSeed(long seed, long step, int position)
    {
        ulong z = unchecked((ulong)StepSeed(seed, step) + 0x9E3779B97F4A7C15UL * (ulong)(position + 1));
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (long)((z ^ (z >> 31)) & long.MaxValue);
    }

    /// <summary>Step k's draws from one (seed, k) generator for the whole batch.</summary>
    private (Tensor x, Tensor labels, Tensor t, Tensor noise) DrawPerBatch(int[] indices)
    {
        using var g = new Generator((ulong)StepSeed(Options.Seed, Step));
        var (x, y) = LoadBatch(indices);
        return Draw(x, y, g);
    }

    /// <summary>
    /// The same draws, each example from its own (seed, k, global position) generator, so that they do not depend
    /// on which rank holds the example or how many examples the rank holds.
    /// </summary>
    private (Tensor x, Tensor labels, Tensor t, Tensor noise) DrawPerExample(int[] indices, int[] positions)
    {
        var (images, y) = LoadBatch(indices);
        var draws = new (Tensor x, Tensor labels, Tensor t, Tensor noise)[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            using var g = new Generator((ulong)ExampleSeed(Options.Seed, Step, positions[i]));
            draws[i] = Draw(images.narrow(0, i, 1), y.narrow(0, i, 1), g);
        }
        return (cat(draws.Select(d => d.x).ToArray(), 0), cat(draws.Select(d => d.labels).ToArray(), 0),
                cat(draws.Select(d => d.t).ToArray(), 0), cat(draws.Select(d => d.noise).ToArray(), 0));
    }

    /// <summary>The random part of a step for examples x (labels y), in this order from g: flips, (latent encoding), dropped labels, timesteps, noise.</summary>
    private (Tensor x, Tensor labels, Tensor t, Tensor noise) Draw(Tensor x, Tensor y, Generator g)
    {
        if (Options.HorizontalFlip)
        {
            using var flip = rand(new long[] { x.shape[0] }, generator: g) < 0.5;
            x = Augment.HorizontalFlip(x, flip);
        }
        if (codec is not null) x = codec.Encode(x, g);
        var labels = Model.Labels.DropLabels(y, g);
        var t = diffusion.SampleTimesteps(x.shape[0], g);
        var noise = randn(x.shape, generator: g);
        return (x, labels, t, noise);
    }

    public void Dispose()
    {
        prefetch?.Dispose();
        Model.Dispose();
        Ema.Dispose();
        mixed?.Dispose();
        optimizer.Dispose();
        weights.Dispose();
        diffusion.Dispose();
    }
}
