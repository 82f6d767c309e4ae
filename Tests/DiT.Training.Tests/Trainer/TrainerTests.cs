using System;
using System.IO;
using System.Linq;
using DiT.Training.Model;
using DiT.Training.Trainer;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Trainer;

public class TrainerTests : TempDirectoryTest
{

    private static DiTConfig Tiny => new()
    {
        Depth = 2, HiddenSize = 64, NumHeads = 4, PatchSize = 2, InputSize = 8, InChannels = 1, NumClasses = 2,
    };

    private TrainOptions Opts(long steps, bool bf16 = false) => new()
    {
        Steps = steps, BatchSize = 8, LearningRate = 1e-3, EmaDecay = 0.99, Seed = 7, Bf16 = bf16,
        OutputDir = Dir, CheckpointEvery = 0, SampleEvery = 0, LogEvery = 1,
    };

    [Test]
    public void PreviewSamplerIsCheckedAgainstTheRunsDiffusionSteps()
    {
        var data = new InMemoryDataset();
        var ex = Assert.Throws<ArgumentException>(() => new DiTTrainer(Tiny, data, Opts(1) with { DiffusionSteps = 100, SampleEvery = 5, SampleRespacing = "ddim200" }));
        Assert.That(ex!.Message, Does.Contain("1..100"));
        using var ok = new DiTTrainer(Tiny, data, Opts(1) with { DiffusionSteps = 100, SampleEvery = 5, SampleRespacing = "ddim10" });
        ok.SaveSampleGrid(System.IO.Path.Combine(Dir, "grid.png"));
        Assert.That(System.IO.File.Exists(System.IO.Path.Combine(Dir, "grid.png")));
    }

    [Test]
    public void TinyModelOverfitsAHandfulOfImages()
    {
        var data = new InMemoryDataset();
        using var trainer = new DiTTrainer(Tiny, data, Opts(400));
        var losses = Enumerable.Range(0, 400).Select(_ => trainer.TrainStep().Mse).ToArray();
        double first = losses[0], last = losses.TakeLast(50).Average();
        TestContext.Out.WriteLine($"mse step 1: {first:F4}, last 50: {last:F4}");
        Assert.That(first, Is.EqualTo(1.0).Within(0.15), "the zero-initialised model predicts eps = 0: the MSE is E[eps^2] = 1");
        Assert.That(last, Is.LessThan(0.15), "four memorisable images: eps becomes predictable from x_t");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ThePrefetchChangesNoNumber(bool bf16)
    {
        var data = new InMemoryDataset();
        float[] Run(bool prefetch)
        {
            using var t = new DiTTrainer(Tiny, data, Opts(4, bf16) with { PrefetchBatches = prefetch });
            for (int i = 0; i < 4; i++) t.TrainStep();
            return t.Model.parameters().Concat(t.Ema.Model.parameters()).SelectMany(p => p.data<float>().ToArray()).ToArray();
        }
        Assert.That(Run(prefetch: true), Is.EqualTo(Run(prefetch: false)));
    }

    [Test]
    public void ResumeFromACheckpointIsBitIdenticalToAnUninterruptedRun()
    {
        var data = new InMemoryDataset();
        float[] Params(DiTModel m) => m.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

        float[] straight, straightEma;
        using (var a = new DiTTrainer(Tiny, data, Opts(6)))
        {
            for (int i = 0; i < 6; i++) a.TrainStep();
            straight = Params(a.Model);
            straightEma = Params(a.Ema.Model);
        }
        var ckpt = Path.Combine(Dir, "mid.ckpt");
        using (var b = new DiTTrainer(Tiny, data, Opts(6)))
        {
            for (int i = 0; i < 3; i++) b.TrainStep();
            b.SaveCheckpoint(ckpt);
            b.TrainStep();   // diverge the in-memory state; the checkpoint must not depend on it
        }
        using var c = DiTTrainer.Resume(ckpt, data);
        Assert.That(c.Step, Is.EqualTo(3));
        for (int i = 0; i < 3; i++) c.TrainStep();
        Assert.That(Params(c.Model), Is.EqualTo(straight), "weights");
        Assert.That(Params(c.Ema.Model), Is.EqualTo(straightEma), "EMA");
    }

    [Test]
    public void CheckpointRoundTripKeepsWeightsConfigAndStep()
    {
        var data = new InMemoryDataset();
        var cfg = Tiny with { Block = BlockType.CrossAttention };
        using var t = new DiTTrainer(cfg, data, Opts(2));
        t.TrainStep(); t.TrainStep();
        var path = Path.Combine(Dir, "rt.ckpt");
        t.SaveCheckpoint(path);
        using var ck = Checkpoint.Load(path);
        Assert.That(ck.Config, Is.EqualTo(cfg));
        Assert.That(ck.Step, Is.EqualTo(2));
        Assert.That(ck.ClassNames, Is.EqualTo(data.ClassNames));
        foreach (var (k, v) in t.Model.state_dict())
            Assert.That(ck.Model[k].data<float>().ToArray(), Is.EqualTo(v.data<float>().ToArray()), k);
        foreach (var (k, v) in t.Ema.Model.state_dict())
            Assert.That(ck.Ema[k].data<float>().ToArray(), Is.EqualTo(v.data<float>().ToArray()), k);
        Assert.That(File.Exists(path + ".tmp"), Is.False);
    }

    [Test]
    public void TruncatedCheckpointGivesAClearError()
    {
        var data = new InMemoryDataset();
        using var t = new DiTTrainer(Tiny, data, Opts(1));
        var path = Path.Combine(Dir, "bad.ckpt");
        t.SaveCheckpoint(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var ex = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
        Assert.That(ex!.Message, Does.Contain("bad.ckpt").And.Contain("corrupt or truncated"));
    }

    [Test]
    public void WeightsOnlyCheckpointSamplesTheEmaButRefusesRawWeightsAndResume()
    {
        var data = new InMemoryDataset();
        using var t = new DiTTrainer(Tiny, data, Opts(1));
        t.TrainStep();
        var path = Path.Combine(Dir, "weights-only.ckpt");
        Checkpoint.Save(path, null, t.Ema.Model, null, t.Step, t.Options, data.ClassNames);
        using var ck = Checkpoint.Load(path);
        Assert.That(ck.CanResume, Is.False);
        using var ema = ck.CreateModel();
        foreach (var (k, v) in t.Ema.Model.state_dict())
            Assert.That(ema.state_dict()[k].data<float>().ToArray(), Is.EqualTo(v.data<float>().ToArray()), k);
        var raw = Assert.Throws<InvalidDataException>(() => ck.CreateModel(ema: false));
        Assert.That(raw!.Message, Does.Contain("weights-only.ckpt").And.Contain("EMA weights only"));
        var resume = Assert.Throws<InvalidDataException>(() => DiTTrainer.Resume(path, data));
        Assert.That(resume!.Message, Does.Contain("weights only"));
    }

    [Test]
    public void MismatchedWeightsAreListedByName()
    {
        using var small = new DiTModel(Tiny);
        using var big = new DiTModel(Tiny with { HiddenSize = 32 });
        var ex = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadInto(small, big.state_dict(), "test weights"));
        Assert.That(ex!.Message, Does.Contain("mis-shaped").And.Contain("blocks.0.attn.qkv.weight"));
    }

    [Test]
    public void Bf16TrainingKeepsFp32MasterWeightsAndLearns()
    {
        var data = new InMemoryDataset();
        using var trainer = new DiTTrainer(Tiny, data, Opts(150, bf16: true));
        var losses = Enumerable.Range(0, 150).Select(_ => trainer.TrainStep().Mse).ToArray();
        Assert.That(trainer.Model.parameters().All(p => p.dtype == float32), Is.True);
        Assert.That(losses.TakeLast(30).Average(), Is.LessThan(losses.Take(10).Average() * 0.6));
    }

    [Test]
    public void RunWritesLossCsvSampleGridAndCheckpointAndHonoursCancellation()
    {
        var data = new InMemoryDataset();
        var opts = Opts(4) with { SampleEvery = 2, CheckpointEvery = 2, SampleRespacing = "ddim5", SampleRows = 1 };
        using var trainer = new DiTTrainer(Tiny, data, opts);
        trainer.Run();
        Assert.That(LossLog.Read(Path.Combine(Dir, "loss.csv")).Select(r => r.Step), Is.EqualTo(new long[] { 1, 2, 3, 4 }));
        Assert.That(File.Exists(Path.Combine(Dir, "samples", "step_0000002.png")), Is.True);
        Assert.That(Checkpoint.Load(trainer.LatestPath).Step, Is.EqualTo(4));

        using var cts = new System.Threading.CancellationTokenSource();
        using var again = DiTTrainer.Resume(trainer.LatestPath, data, o => o with { Steps = 100 });
        cts.Cancel();
        again.Run(cancel: cts.Token);
        Assert.That(Checkpoint.Load(again.LatestPath).Step, Is.EqualTo(4), "cancelled before any step: saved where it stood");
    }
    [Test]
    public void PerExampleRandomnessResumesBitIdenticallyToo()
    {
        var data = new InMemoryDataset();
        float[] Params(DiTModel m) => m.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        var opts = Opts(4) with { PerExampleRandomness = true };
        float[] straight;
        using (var a = new DiTTrainer(Tiny, data, opts))
        {
            for (int i = 0; i < 4; i++) a.TrainStep();
            straight = Params(a.Model);
        }
        var ckpt = Path.Combine(Dir, "mid.ckpt");
        using (var b = new DiTTrainer(Tiny, data, opts))
        {
            b.TrainStep(); b.TrainStep();
            b.SaveCheckpoint(ckpt);
        }
        using var c = DiTTrainer.Resume(ckpt, data);
        Assert.That(c.Options.PerExampleRandomness, "the checkpoint keeps the mode");
        c.TrainStep(); c.TrainStep();
        Assert.That(Params(c.Model), Is.EqualTo(straight));

        using var perBatch = new DiTTrainer(Tiny, data, Opts(4));
        for (int i = 0; i < 4; i++) perBatch.TrainStep();
        Assert.That(Params(perBatch.Model), Is.Not.EqualTo(straight), "another stream of draws than the per-batch default");
    }
    [Test]
    public void ADistributedTrainerNeedsPerExampleRandomness() =>
        Assert.That(() => new DiTTrainer(Tiny, new InMemoryDataset(), Opts(1), communicator: new Distributed.FakeCommunicator(0, 2)),
            Throws.ArgumentException.With.Message.Contains("per example"));
}
