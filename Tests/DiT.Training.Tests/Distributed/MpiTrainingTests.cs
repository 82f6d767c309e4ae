using System;
using System.IO;
using System.Linq;
using DiT.Training.Distributed;
using DiT.Training.Trainer;
using NUnit.Framework;

namespace DiT.Training.Tests.Distributed;

/// <summary>Real 2-rank jobs under mpirun on this machine (loopback): equivalence with one process, and failing fast.</summary>
[NonParallelizable]
public class MpiTrainingTests : TempDirectoryTest
{
    private static readonly TimeSpan JobLimit = TimeSpan.FromMinutes(3);
    /// <summary>
    /// 2 ranks vs 1 process differ only by the order of float32 gradient sums: measured 1.7e-8 (3 steps) and 3.0e-8
    /// (2 + 2 resumed) on the weights, which move by 3e-3. The bound leaves a ~3x margin for other summation orders;
    /// a wrong exchange (a bucket sent before its gradients are final) gives 1.6e-3 (docs/distributed.md).
    /// </summary>
    private const double SumOrderTolerance = 1e-7;

    /// <param name="bucketKb">25600: the default 25 MB, one bucket for the tiny model, exchanged after backward;
    /// 64: 12 buckets, most started during backward (overlapped), which would train wrongly if a bucket started
    /// before its gradients were final.</param>
    [TestCase(25600)]
    [TestCase(64)]
    public void TwoRanksTrainExactlyWhatOneProcessTrainsOnTheUnionBatch(int bucketKb)
    {
        const int steps = 3, globalBatch = 8;
        var result = MpiLauncher.Run(2, $"--out \"{Dir}\" --steps {steps} --batch {globalBatch} --bucket-kb {bucketKb}", JobLimit);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output);
        var exchange = System.Text.RegularExpressions.Regex.Match(result.Output, @"rank 0 of 2: .* (\d+) buckets, (\d+) bucket starts during backward");
        Assert.That(exchange.Success, result.Output);
        int buckets = int.Parse(exchange.Groups[1].Value), overlapped = int.Parse(exchange.Groups[2].Value);
        if (bucketKb == 64)
        {
            Assert.That(buckets, Is.GreaterThan(5));
            Assert.That(overlapped, Is.GreaterThan(steps), "buckets started while backward still ran");
        }
        else Assert.That((buckets, overlapped), Is.EqualTo((1, 0)), "the embedders' gradients come last: one bucket waits for the end of backward");
        var rank0 = MpiLauncher.ReadParams(Path.Combine(Dir, "params-rank0.bin"));
        var rank1 = MpiLauncher.ReadParams(Path.Combine(Dir, "params-rank1.bin"));
        Assert.That(rank1, Is.EqualTo(rank0), "both ranks apply the same averaged gradients: their weights stay identical");
        Assert.That(File.Exists(Path.Combine(Dir, "latest.ckpt")), "rank 0 wrote the checkpoint");

        // One process, the whole global batch of 4 + 4 examples each step, same seed: the reference.
        var run = new DistributedHostRun(Path.Combine(Dir, "single"), steps, globalBatch);
        using var single = new DiTTrainer(DistributedHostRun.Config, run.Data, run.Options with { Threads = 0 });
        var initial = single.Model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        for (int i = 0; i < steps; i++) single.TrainStep();
        var reference = single.Model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

        Assert.That(rank0.Length, Is.EqualTo(reference.Length), "parameter count");
        double maxDiff = rank0.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
        double moved = initial.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
        TestContext.Out.WriteLine($"max |2 ranks - 1 process| = {maxDiff:E2}; max change over {steps} steps = {moved:E2}");
        Assert.That(moved, Is.GreaterThan(1e-3), "the steps changed the weights (lr 1e-3)");
        Assert.That(maxDiff, Is.LessThan(SumOrderTolerance), "equal up to the order of the gradient sums");

        using var ckpt = Checkpoint.Load(Path.Combine(Dir, "latest.ckpt"));
        Assert.That(ckpt.Step, Is.EqualTo(steps));
        var ckptWeights = single.Model.state_dict().Keys.SelectMany(k => ckpt.Model[k].data<float>().ToArray()).ToArray();
        Assert.That(ckptWeights.Zip(reference, (a, b) => Math.Abs(a - b)).Max(), Is.LessThan(SumOrderTolerance), "rank 0's checkpoint holds the trained weights");
    }

    [Test]
    public void AllRanksResumeFromRankZerosCheckpoint()
    {
        var first = Path.Combine(Dir, "first");
        var result = MpiLauncher.Run(2, $"--out \"{first}\" --steps 2", JobLimit);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output);
        var resumed = Path.Combine(Dir, "resumed");
        result = MpiLauncher.Run(2, $"--out \"{resumed}\" --steps 4 --resume \"{Path.Combine(first, "latest.ckpt")}\"", JobLimit);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Output);
        var rank0 = MpiLauncher.ReadParams(Path.Combine(resumed, "params-rank0.bin"));
        Assert.That(MpiLauncher.ReadParams(Path.Combine(resumed, "params-rank1.bin")), Is.EqualTo(rank0));

        var run = new DistributedHostRun(Path.Combine(Dir, "single"), 4, 8);
        using var single = new DiTTrainer(DistributedHostRun.Config, run.Data, run.Options with { Threads = 0 });
        for (int i = 0; i < 4; i++) single.TrainStep();
        var reference = single.Model.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        double maxDiff = rank0.Zip(reference, (a, b) => Math.Abs(a - b)).Max();
        TestContext.Out.WriteLine($"2 + 2 steps on 2 ranks vs 4 steps in one process: max diff {maxDiff:E2}");
        Assert.That(maxDiff, Is.LessThan(SumOrderTolerance), "the resumed job continues the run: steps 3 and 4 as one uninterrupted process trains them");
    }

    [TestCase("throw")]
    [TestCase("nullref")]
    [TestCase("exit")]
    public void ARankThatDiesEndsTheJobWithAMessageNamingIt(string fault)
    {
        var result = MpiLauncher.Run(2, $"--out \"{Dir}\" --steps 4 --fault {fault} --fault-rank 1 --fault-step 2 --timeout 60", JobLimit);
        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        if (fault == "throw")
            Assert.That(result.Output, Does.Contain("rank 1 of 2 failed: InvalidOperationException: injected failure at step 2"));
        else if (fault == "nullref")
            Assert.That(result.Output, Does.Contain("rank 1 of 2 failed: NullReferenceException"),
                "Open MPI's signal handlers leave .NET's SIGSEGV handling alone: the fault is a catchable exception");
        else
            Assert.That(result.Output, Does.Contain("exited").And.Contain(",1],1]"), "mpirun names the process [[job,1],rank] that exited");
        Assert.That(result.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)), "ended by mpirun, not by the 60 s collective timeout");
        Assert.That(File.Exists(Path.Combine(Dir, "params-rank0.bin")), Is.False, "rank 0 never finished");
    }

    [Test]
    public void ARankThatHangsTripsTheCollectiveTimeout()
    {
        var result = MpiLauncher.Run(2, $"--out \"{Dir}\" --steps 4 --fault hang --fault-rank 1 --fault-step 2 --timeout 5", JobLimit);
        Assert.That(result.ExitCode, Is.EqualTo(MpiCommunicator.TimeoutExitCode), "the watchdog ended the job through MPI_Abort");
        // Rank 0 waits in step 2's gradient all-reduce for rank 1, which sleeps (its own watchdog has nothing to time).
        Assert.That(result.Output, Does.Contain("rank 0 of 2").And.Contain("all-reduce").And.Contain("did not complete within 5 s"));
        Assert.That(File.Exists(Path.Combine(Dir, "params-rank0.bin")), Is.False);
    }

    [Test]
    public void RanksWithDifferentModelsFailTheCheckedStart()
    {
        var result = MpiLauncher.Run(2, $"--out \"{Dir}\" --fault mismatch --fault-rank 1", JobLimit);
        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
        Assert.That(result.Output, Does.Contain("The ranks of this distributed run disagree")
            .And.Contain("parameter count: rank 0 has").And.Contain("model config hash"));
    }
}
