using System;
using System.CommandLine;
using System.Runtime.InteropServices;
using System.Threading;
using DiT.Training.Distributed;
using DiT.Training.Trainer;
using DiT.Training.Vae;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>
/// `dit train`: the training loop with a live progress bar, a loss CSV, sample grids and checkpoints. With
/// --distributed, one rank of a data-parallel job started by `mpirun -np N dit train --distributed ...`
/// (docs/distributed.md): rank 0 prints progress lines and writes the files, a failing rank ends the job.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var m = new ModelOptions();
        var data = new Option<string>("--data") { Description = "fashion-mnist, an ImageFolder directory, or a latent cache (.safetensors).", DefaultValueFactory = _ => "fashion-mnist" };
        var imageSize = new Option<int>("--image-size") { Description = "Input side for pixel data (ImageFolder/IDX).", DefaultValueFactory = _ => 32 }.InRange(8, 4096);
        var grayscale = new Option<bool>("--grayscale") { Description = "Decode ImageFolder images as one channel." };
        var steps = new Option<long>("--steps") { Description = "Total optimisation steps.", DefaultValueFactory = _ => 3000 }.InRange(1, 1_000_000_000);
        var batch = new Option<int>("--batch") { Description = "Global batch size.", DefaultValueFactory = _ => 64 }.InRange(1, 65_536);
        var lr = new Option<double>("--lr") { Description = "AdamW learning rate (paper: 1e-4).", DefaultValueFactory = _ => 1e-4 }.Finite(1e-12, 10);
        var ema = new Option<double>("--ema") { Description = "EMA decay (paper: 0.9999; short runs want ~0.999).", DefaultValueFactory = _ => 0.9999 }.Finite(0, 1);
        var emaWarmup = new Option<bool>("--ema-warmup") { Description = "Ramp the EMA decay as min(ema, (1+k)/(10+k)) so short runs sample well early." };
        var precision = new PrecisionOption("Compute precision: auto (bf16 where the CPU has native bf16, else fp32), bf16 (fp32 master weights, optimizer and loss), or fp32.");
        var ckptAct = new Option<bool>("--activation-checkpointing") { Description = "Recompute block activations in backward to save memory." };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 }.InRange(0, long.MaxValue);
        var outDir = new Option<string>("--out") { Description = "Run directory (checkpoints, loss.csv, samples/).", DefaultValueFactory = _ => "runs/dit" };
        var resume = new Option<string?>("--resume") { Description = "Continue from a checkpoint (bit-identical to an uninterrupted run)." };
        var sampleEvery = new Option<long>("--sample-every") { DefaultValueFactory = _ => 1000 }.InRange(1, long.MaxValue);
        var ckptEvery = new Option<long>("--checkpoint-every") { DefaultValueFactory = _ => 500 }.InRange(1, long.MaxValue);
        var sampler = new Option<string>("--sampler") { Description = "Sampler for the preview grids: ddimN or a step count (DDPM).", DefaultValueFactory = _ => "ddim50" }.SamplerSpecs();
        var cfg = new Option<double>("--cfg") { Description = "Guidance scale for the preview grids.", DefaultValueFactory = _ => 4.0 }.Finite(0, 100);
        var vae = new Option<string?>("--vae") { Description = "Train in the latent space of this SD VAE (diffusers weights): batches are flipped, then encoded (posterior sample x 0.18215), as in the paper." };
        var threads = new Option<int>("--threads") { Description = "Torch threads (0 = default).", DefaultValueFactory = _ => 0 }.InRange(0, 1024);
        var distributed = new Option<bool>("--distributed") { Description = "Data-parallel over MPI: start with `mpirun -np N dit train --distributed ...`; --batch is the global batch, split over the ranks." };
        var bucketMb = new Option<double>("--bucket-mb") { Description = "Distributed: megabytes of gradients per all-reduce message; smaller buckets start earlier during backward.", DefaultValueFactory = _ => 25 }.Finite(0.001, 100_000);
        var distTimeout = new Option<double>("--dist-timeout") { Description = "Seconds any one collective may wait for the other ranks before the job is aborted (must exceed rank 0's sample-grid and checkpoint pauses).", DefaultValueFactory = _ => 900 }.Finite(1, 10_000_000);
        var cmd = new Command("train", "Train a class-conditional DiT.")
            { data, imageSize, grayscale, steps, batch, lr, ema, emaWarmup, ckptAct, seed, outDir, resume, sampleEvery, ckptEvery, sampler, cfg, threads, vae, distributed, distTimeout, bucketMb };
        m.AddTo(cmd);
        precision.AddTo(cmd);
        cmd.SetAction(r =>
        {
            if (!r.GetValue(distributed)) return Train(r, null);
            if (!(r.GetValue(distTimeout) > 0)) throw new ArgumentException($"--dist-timeout must be a positive number of seconds, got {r.GetValue(distTimeout)}.");
            MpiCommunicator comm;
            try { comm = new MpiCommunicator(TimeSpan.FromSeconds(r.GetValue(distTimeout))); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                throw new NotSupportedException(e.Message, e);                  // one clear line (Program.cs), no stack trace
            }
            using var _ = comm;
            if (comm.Rank == 0 && !MpiCommunicator.LaunchedByMpirun)
                AnsiConsole.MarkupLine("[yellow]--distributed without mpirun: a job of one rank. Start N ranks with `mpirun -np N dit train --distributed ...`.[/]");
            try { return Train(r, comm); }
            catch (Exception e)
            {
                // One rank's failure ends the whole job at once (MPI_Abort), instead of leaving the others waiting.
                comm.Abort($"rank {comm.Rank} of {comm.Size} failed: {e.GetType().Name}: {e.Message}", 2);
                return 2;
            }
        });
        return cmd;

        int Train(ParseResult r, ICommunicator? comm)
        {
            bool root = comm is null || comm.Rank == 0;
            Action<string> warn = s => { if (root) AnsiConsole.MarkupLineInterpolated($"[yellow]{s}[/]"); };
            var dataset = DataSources.Open(r.GetValue(data)!, r.GetValue(imageSize), r.GetValue(grayscale), warn);
            var opts = new TrainOptions
            {
                Steps = r.GetValue(steps), BatchSize = r.GetValue(batch), LearningRate = r.GetValue(lr), EmaDecay = r.GetValue(ema), EmaWarmup = r.GetValue(emaWarmup),
                Bf16 = precision.UseBf16(r), ActivationCheckpointing = r.GetValue(ckptAct), Seed = r.GetValue(seed),
                OutputDir = r.GetValue(outDir)!, SampleEvery = r.GetValue(sampleEvery), CheckpointEvery = r.GetValue(ckptEvery),
                SampleRespacing = r.GetValue(sampler)!, SampleCfgScale = r.GetValue(cfg), Threads = r.GetValue(threads),
                PerExampleRandomness = comm is not null, BucketMegabytes = r.GetValue(bucketMb),
            };
            if (!(opts.BucketMegabytes > 0)) throw new ArgumentException($"--bucket-mb must be positive, got {opts.BucketMegabytes}.");
            using var vaeModel = r.GetValue(vae) is { } vaePath ? AutoencoderKL.FromFile(vaePath) : null;
            var codec = vaeModel is null ? null : new VaeLatentCodec(vaeModel, System.IO.Path.GetFileName(r.GetValue(vae))!);
            // A latent cache holds latents already: sample grids and exports then treat the model as a latent one (no x0 clipping).
            bool latentData = dataset is DiT.Training.Data.LatentCacheDataset;
            opts = opts with { LatentCodec = codec?.Description, LatentData = latentData };
            int f = codec?.Downsample ?? 1;
            var resumePath = r.GetValue(resume);
            // On resume the checkpoint's recipe stands; only options given explicitly on this command line change it.
            TrainOptions Adjust(TrainOptions o) => o with
            {
                Steps = Given(steps) ? opts.Steps : o.Steps,
                BatchSize = Given(batch) ? opts.BatchSize : o.BatchSize,
                LearningRate = Given(lr) ? opts.LearningRate : o.LearningRate,
                EmaDecay = Given(ema) ? opts.EmaDecay : o.EmaDecay,
                EmaWarmup = Given(emaWarmup) ? opts.EmaWarmup : o.EmaWarmup,
                Bf16 = precision.Given(r) ? opts.Bf16 : o.Bf16,
                ActivationCheckpointing = Given(ckptAct) ? opts.ActivationCheckpointing : o.ActivationCheckpointing,
                Seed = Given(seed) ? opts.Seed : o.Seed,
                OutputDir = Given(outDir) ? opts.OutputDir : o.OutputDir,
                SampleEvery = Given(sampleEvery) ? opts.SampleEvery : o.SampleEvery,
                CheckpointEvery = Given(ckptEvery) ? opts.CheckpointEvery : o.CheckpointEvery,
                SampleRespacing = Given(sampler) ? opts.SampleRespacing : o.SampleRespacing,
                SampleCfgScale = Given(cfg) ? opts.SampleCfgScale : o.SampleCfgScale,
                Threads = Given(threads) ? opts.Threads : o.Threads,
                PerExampleRandomness = o.PerExampleRandomness || comm is not null,
                BucketMegabytes = Given(bucketMb) ? opts.BucketMegabytes : o.BucketMegabytes,
            };
            bool Given(Option o) => r.GetResult(o) is { Implicit: false };
            using var trainer = resumePath is null
                ? new DiTTrainer(m.Build(r, dataset.Height / f, codec?.LatentChannels ?? dataset.Channels, dataset.ClassNames.Count), dataset, opts, codec, comm)
                : DiTTrainer.Resume(resumePath, dataset, o => Adjust(o) with { LatentCodec = o.LatentCodec ?? codec?.Description, LatentData = o.LatentData || latentData }, codec, comm);
            trainer.Warning = comm is null ? w => AnsiConsole.MarkupLineInterpolated($"[yellow]{w}[/]") : w => Console.Error.WriteLine($"rank {comm.Rank}: {w}");
            var c = trainer.Model.Config;
            if (root)
                AnsiConsole.MarkupLineInterpolated($"[bold]{c.Depth}x{c.HiddenSize}/{c.NumHeads}h patch {c.PatchSize} {c.Block}[/] on {dataset.Count} images of {dataset.Channels}x{dataset.Height}x{dataset.Width}, {dataset.ClassNames.Count} classes; from step {trainer.Step}; {(trainer.Options.Bf16 ? "bf16" : "fp32")} compute{(precision.Given(r) || resumePath is not null ? "" : $" (auto: {Bf16Support.Describe()})")}");
            if (comm is not null && root)
                AnsiConsole.MarkupLineInterpolated($"distributed: {comm.Size} {(comm.Size == 1 ? "rank" : "ranks")} ({comm.Backend}), global batch {trainer.Options.BatchSize} = {comm.Size} x {trainer.Options.BatchSize / comm.Size}, collective timeout {r.GetValue(distTimeout):0.#} s");
            if (comm is not null) return RunDistributed(trainer, comm);

            using var cts = new CancellationTokenSource();
            // First Ctrl-C: finish the step, save a checkpoint, exit cleanly. A second one exits at once.
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = !cts.IsCancellationRequested;
                if (e.Cancel) AnsiConsole.MarkupLine("[yellow]Stopping after this step and saving a checkpoint (Ctrl-C again to abort without saving)...[/]");
                cts.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask("training", maxValue: opts.Steps);
                        task.Value = trainer.Step;
                        trainer.Run(new SyncProgress<TrainStatus>(s =>
                        {
                            task.Value = s.Step;
                            if (s.Event is not null) AnsiConsole.MarkupLineInterpolated($"[grey]step {s.Step}: {s.Event}[/]");
                            else task.Description = $"step {s.Step}/{s.TotalSteps} loss {s.Loss:F4} ({s.ItersPerSec:F2} it/s, ETA {(s.Eta is { } eta ? ProgressInfo.FormatSpan(eta) : "?")})";
                        }), cts.Token);
                    });
            }
            finally { Console.CancelKeyPress -= onCancel; }
            if (cts.IsCancellationRequested) AnsiConsole.MarkupLineInterpolated($"[yellow]Interrupted at step {trainer.Step}; saved {trainer.LatestPath}. Resume with --resume.[/]");
            return 0;
        }
    }

    /// <summary>
    /// One rank's share of a distributed run. Progress goes out as plain lines from rank 0 (mpirun forwards output
    /// through pipes, where a live bar does not render). SIGTERM, SIGINT and SIGUSR1 (which mpirun forwards to every
    /// rank: `kill -USR1 &lt;mpirun pid&gt;`) stop all ranks after the same step, and rank 0 saves a checkpoint.
    /// </summary>
    private static int RunDistributed(DiTTrainer trainer, ICommunicator comm)
    {
        bool root = comm.Rank == 0;
        using var cts = new CancellationTokenSource();
        void Stop(PosixSignalContext ctx)
        {
            ctx.Cancel = true;
            if (!cts.IsCancellationRequested && root) Console.WriteLine("Stopping all ranks after this step; rank 0 saves a checkpoint...");
            cts.Cancel();
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var usr1 = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create((PosixSignal)10, Stop);   // SIGUSR1 on Linux
        var clock = System.Diagnostics.Stopwatch.StartNew();
        long first = trainer.Step;
        trainer.Run(root ? new SyncProgress<TrainStatus>(s => Console.WriteLine(s.Event is not null
            ? $"step {s.Step}: {s.Event}"
            : $"step {s.Step}/{s.TotalSteps} loss {s.Loss:F4} ({s.ItersPerSec:F2} it/s, {s.ItersPerSec * trainer.Options.BatchSize:F1} img/s, ETA {(s.Eta is { } eta ? ProgressInfo.FormatSpan(eta) : "?")})")) : null, cts.Token);
        var (sync, steps) = trainer.GradientSyncTime;
        if (steps > 0)
            Console.WriteLine($"rank {comm.Rank}: {trainer.Step - first} steps in {clock.Elapsed.TotalSeconds:F1} s; gradient exchange {sync.TotalMilliseconds / steps:F1} ms/step " +
                $"(includes waiting for the slowest rank); {trainer.Bucketer!.BucketSizes.Count} buckets, {(double)trainer.Bucketer.StartedDuringBackward / steps:F1} per step started during backward");
        if (root && cts.IsCancellationRequested) Console.WriteLine($"Interrupted at step {trainer.Step}; saved {trainer.LatestPath}. Resume with --resume (and --distributed).");
        return 0;
    }
}

/// <summary>IProgress that reports on the calling thread (Progress&lt;T&gt; would post to the thread pool).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
