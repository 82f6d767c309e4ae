using System;
using System.IO;
using System.Linq;
using System.Threading;
using DiT.Training.Distributed;
using DiT.Training.Model;
using DiT.Training.Tests.Trainer;
using DiT.Training.Trainer;

namespace DiT.Training.Tests.Distributed;

/// <summary>
/// The entry point of this test assembly (run as `mpirun -np N DiT.Training.Tests dist-host ...`): each rank trains
/// the tiny DiT of <see cref="DistributedHostRun"/> on its shard, then writes its raw weights to
/// params-rank{r}.bin. Faults can be injected on one rank (throw, exit, hang, or a different model) to test that
/// the job fails fast. The NUnit runner never calls this.
/// </summary>
public static class DistributedTestHost
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "dist-host")
        {
            Console.Error.WriteLine("usage: DiT.Training.Tests dist-host --out DIR [--steps K] [--batch B] [--timeout S] [--bucket-kb K] [--resume CKPT] [--fault throw|nullref|exit|hang|mismatch --fault-rank R --fault-step K]");
            return 2;
        }
        string Arg(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        var run = new DistributedHostRun(Arg("--out", "dist-out"), long.Parse(Arg("--steps", "3")), int.Parse(Arg("--batch", "8")),
            double.Parse(Arg("--bucket-kb", "25600"), System.Globalization.CultureInfo.InvariantCulture) / 1024);
        string fault = Arg("--fault", "none");
        int faultRank = int.Parse(Arg("--fault-rank", "1"));
        long faultStep = long.Parse(Arg("--fault-step", "1"));

        // Start-up (process launch, checked start) may be uneven on a busy machine: --timeout applies from the first step.
        using var comm = new MpiCommunicator(TimeSpan.FromSeconds(120));
        var timeout = TimeSpan.FromSeconds(double.Parse(Arg("--timeout", "60"), System.Globalization.CultureInfo.InvariantCulture));
        if (Arg("--bench-floats", "") is { Length: > 0 } floats) return BenchAllReduce(comm, int.Parse(floats), int.Parse(Arg("--bench-reps", "20")));
        bool faulty = fault != "none" && comm.Rank == faultRank;
        try
        {
            var config = faulty && fault == "mismatch" ? DistributedHostRun.Config with { Depth = 3 } : DistributedHostRun.Config;
            string resume = Arg("--resume", "");
            using var trainer = resume.Length > 0
                ? DiTTrainer.Resume(resume, run.Data, o => o with { Steps = run.Options.Steps, OutputDir = run.OutputDir }, communicator: comm)
                : new DiTTrainer(config, run.Data, run.Options, communicator: comm);
            comm.Timeout = timeout;
            if (fault == "none") trainer.Run();
            else
                while (trainer.Step < run.Options.Steps)
                {
                    if (faulty && trainer.Step == faultStep)
                        switch (fault)
                        {
                            case "throw": throw new InvalidOperationException($"injected failure at step {faultStep}");
                            case "nullref": _ = NullString()!.Length; break;      // a hardware fault .NET turns into an exception
                            case "exit": Environment.Exit(3); break;
                            case "hang": Thread.Sleep(Timeout.Infinite); break;
                        }
                    trainer.TrainStep();
                }
            var weights = trainer.Model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
            File.WriteAllBytes(Path.Combine(run.OutputDir, $"params-rank{comm.Rank}.bin"), System.Runtime.InteropServices.MemoryMarshal.AsBytes(weights.AsSpan()).ToArray());
            var (sync, steps) = trainer.GradientSyncTime;
            var b = trainer.Bucketer!;
            Console.WriteLine($"rank {comm.Rank} of {comm.Size}: step {trainer.Step}, gradient all-reduce {(steps == 0 ? 0 : sync.TotalMilliseconds / steps):F2} ms/step, " +
                $"{b.BucketSizes.Count} buckets, {b.StartedDuringBackward} bucket starts during backward");
        }
        catch (Exception e)
        {
            comm.Abort($"rank {comm.Rank} of {comm.Size} failed: {e.GetType().Name}: {e.Message}", 2);
        }
        return 0;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string? NullString() => null;

    /// <summary>
    /// The cost of the gradient exchange alone: ranks meet at a barrier (so no waiting for a slower rank is counted),
    /// then all-reduce a buffer of the given size, as <see cref="GradientBucketer"/> does, several times.
    /// </summary>
    private static int BenchAllReduce(MpiCommunicator comm, int floats, int reps)
    {
        var buffer = GC.AllocateArray<float>(floats, pinned: true);
        double total = 0;
        for (int i = -1; i < reps; i++)
        {
            comm.Barrier();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            comm.StartAllReduceSum(buffer).Wait();
            if (i >= 0) total += clock.Elapsed.TotalMilliseconds;              // the first is a warm-up
        }
        Console.WriteLine($"rank {comm.Rank} of {comm.Size}: all-reduce of {floats} floats ({floats * 4.0 / (1 << 20):F1} MB): {total / reps:F2} ms (mean of {reps})");
        return 0;
    }
}

/// <summary>The run the host trains, shared with the tests' one-process reference.</summary>
public sealed class DistributedHostRun(string outputDir, long steps, int batch, double bucketMegabytes = 25)
{
    public static DiTConfig Config => new() { Depth = 2, HiddenSize = 64, NumHeads = 4, PatchSize = 2, InputSize = 8, InChannels = 1, NumClasses = 2 };

    public string OutputDir { get; } = Directory.CreateDirectory(outputDir).FullName;

    /// <summary>16 images: a global batch of 8 covers half an epoch, so 3 steps cross an epoch boundary (a reshuffle).</summary>
    internal InMemoryDataset Data { get; } = new(classes: 2, perClass: 8);

    public TrainOptions Options { get; } = new()
    {
        Steps = steps, BatchSize = batch, LearningRate = 1e-3, EmaDecay = 0.99, Seed = 7, PerExampleRandomness = true,
        OutputDir = outputDir, CheckpointEvery = 0, SampleEvery = 0, LogEvery = 1, Threads = 1, BucketMegabytes = bucketMegabytes,
    };
}
