using System;
using System.Collections.Generic;
using System.Linq;
using DiT.Training.Model;
using DiT.Training.Tests.Distributed;
using DiT.Training.Trainer;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Trainer;

/// <summary>The trainer's side of the model's BlockRunner seam: activation checkpointing and the data-parallel backward marks.</summary>
public class TrainingBlockRunnerTests : TempDirectoryTest
{
    private static readonly BlockType[] AllBlocks = Enum.GetValues<BlockType>();

    private static DiTConfig Tiny(BlockType block) => new()
    {
        Depth = 3, HiddenSize = 32, NumHeads = 4, PatchSize = 2, InputSize = 8, InChannels = 3, NumClasses = 5, Block = block,
    };

    /// <summary>A model off its zero init (so every parameter gets a gradient) and a batch for it.</summary>
    private static (DiTModel Model, Tensor x, Tensor t, Tensor y) Perturbed(DiTConfig cfg)
    {
        var model = new DiTModel(cfg);
        using (no_grad()) foreach (var prm in model.parameters()) prm.add_(randn_like(prm) * 0.05);
        var g = new Generator(0);
        var x = randn(new long[] { 2, cfg.InChannels, cfg.InputSize, cfg.InputSize }, generator: g);
        var t = randint(0, 1000, new long[] { 2 }, generator: g, dtype: int64);
        var y = randint(0, cfg.NumClasses, new long[] { 2 }, generator: g, dtype: int64);
        return (model, x, t, y);
    }

    private static Dictionary<string, Tensor> Gradients(DiTModel model, Tensor x, Tensor t, Tensor y)
    {
        model.zero_grad();
        model.forward(x, t, y).square().sum().backward();
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
    }

    [Test]
    public void NothingAskedForLeavesTheModelToRunItsBlocks() =>
        Assert.That(TrainingBlockRunner.Create(activationCheckpointing: false), Is.Null);

    [Test]
    public void ActivationCheckpointingGivesTheSameGradients([ValueSource(nameof(AllBlocks))] BlockType block)
    {
        var cfg = Tiny(block);
        using var scope = NewDisposeScope();
        var (model, x, t, y) = Perturbed(cfg);
        using var _ = model;
        var plain = Gradients(model, x, t, y);
        model.BlockRunner = TrainingBlockRunner.Create(activationCheckpointing: true);
        var ckpt = Gradients(model, x, t, y);
        // Every parameter, the timestep and label embedders included: the condition's gradient crosses the checkpoint too.
        foreach (var (name, g) in plain)
            Assert.That(ckpt[name].sub(g).abs().max().item<float>(), Is.LessThan(1e-5f), name);
        Assert.That(plain["blocks.0.attn.qkv.weight"].abs().sum().item<float>(), Is.GreaterThan(0f));
        Assert.That(plain["t_embedder.mlp.0.weight"].abs().sum().item<float>(), Is.GreaterThan(0f));
    }

    [Test]
    public void BackwardMarksEachBlockOnceLastFirst([Values] bool activationCheckpointing)
    {
        var cfg = Tiny(BlockType.AdaLNZero);
        using var scope = NewDisposeScope();
        var (model, x, t, y) = Perturbed(cfg);
        using var _ = model;
        var plain = Gradients(model, x, t, y);
        var done = new List<int>();
        model.BlockRunner = TrainingBlockRunner.Create(activationCheckpointing, done.Add);
        var outp = model.forward(x, t, y);
        Assert.That(done, Is.Empty, "the marks report backward, not forward");
        model.zero_grad();
        outp.square().sum().backward();
        Assert.That(done, Is.EqualTo(new[] { 2, 1, 0 }), "backward goes through the blocks last first, each once");
        foreach (var (name, p) in model.named_parameters())
            Assert.That(p.grad!.sub(plain[name]).abs().max().item<float>(), Is.LessThan(1e-5f), $"the marks do not change the gradients: {name}");
    }

    [Test]
    public void WithoutGradTheBlocksRunPlainly([Values] bool activationCheckpointing)
    {
        var cfg = Tiny(BlockType.CrossAttention);
        using var scope = NewDisposeScope();
        var (model, x, t, y) = Perturbed(cfg);
        using var _ = model;
        using var noGrad = no_grad();
        var plain = model.forward(x, t, y);
        var done = new List<int>();
        model.BlockRunner = TrainingBlockRunner.Create(activationCheckpointing, done.Add);
        Assert.That(model.forward(x, t, y).equal(plain).all().item<bool>(), "sampling a training model gives the plain forward bit for bit");
        Assert.That(done, Is.Empty);
    }

    [Test]
    public void ADataParallelTrainerExchangesBucketsDuringBackwardUnlessBf16([Values] bool bf16, [Values] bool activationCheckpointing)
    {
        // Rank 0 of a pretend pair, with buckets small enough that each block's gradients fill some: the trainer's
        // runner marks the blocks, so buckets start before backward ends. bf16 gradients reach the fp32 master weights
        // only after backward, so a bf16 run must not mark (and starts every bucket after it).
        var cfg = new DiTConfig { Depth = 2, HiddenSize = 64, NumHeads = 4, PatchSize = 2, InputSize = 8, InChannels = 1, NumClasses = 2 };
        var opts = new TrainOptions
        {
            Steps = 1, BatchSize = 8, Seed = 7, Bf16 = bf16, ActivationCheckpointing = activationCheckpointing, PerExampleRandomness = true,
            BucketMegabytes = 16.0 / 1024, OutputDir = Dir, CheckpointEvery = 0, SampleEvery = 0, LogEvery = 1,
        };
        using var trainer = new DiTTrainer(cfg, new InMemoryDataset(), opts, communicator: new FakeCommunicator(0, 2));
        Assert.That(trainer.Bucketer!.BucketSizes.Count, Is.GreaterThan(3));
        var (loss, _, _) = trainer.TrainStep();
        Assert.That(double.IsFinite(loss));
        if (bf16) Assert.That(trainer.Bucketer.StartedDuringBackward, Is.Zero);
        else Assert.That(trainer.Bucketer.StartedDuringBackward, Is.GreaterThan(0));
    }
}
