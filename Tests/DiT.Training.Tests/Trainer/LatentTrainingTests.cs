using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiT.Training.Model;
using DiT.Training.Trainer;
using DiT.Training.Vae;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Trainer;

/// <summary>Training in a latent space: batches are augmented as pixels, then encoded; preview grids are decoded.</summary>
public class LatentTrainingTests : TempDirectoryTest
{
    /// <summary>A codec whose latents are exact: 2x2 space-to-depth (4 channels per grey pixel block), recording its calls.</summary>
    private sealed class SpaceToDepthCodec : ILatentCodec
    {
        public readonly List<Tensor> Encoded = new();
        public int Decoded;
        public int LatentChannels => 4;
        public int Downsample => 2;
        public string Description => "space-to-depth";
        public Tensor Encode(Tensor images, Generator generator)
        {
            Encoded.Add(images.clone().DetachFromDisposeScope());   // the trainer disposes its step's tensors
            return nn.functional.pixel_unshuffle(images, 2);
        }
        public Tensor Decode(Tensor latents)
        {
            Decoded++;
            return nn.functional.pixel_shuffle(latents, 2);
        }
    }

    private static DiTConfig Latent4x4 => new()
    {
        Depth = 1, HiddenSize = 32, NumHeads = 2, PatchSize = 2, InputSize = 4, InChannels = 4, NumClasses = 2,
    };

    private TrainOptions Opts => new()
    {
        Steps = 2, BatchSize = 4, LearningRate = 1e-3, EmaDecay = 0.9, Seed = 3, OutputDir = Dir,
        CheckpointEvery = 0, SampleEvery = 0, LogEvery = 1, SampleRespacing = "ddim2", SampleRows = 1,
    };

    [Test]
    public void BatchesAreFlippedAsPixelsThenEncodedAndGridsAreDecoded()
    {
        var data = new InMemoryDataset(channels: 1, size: 8);
        var codec = new SpaceToDepthCodec();
        using var trainer = new DiTTrainer(Latent4x4, data, Opts, codec);
        trainer.TrainStep();
        Assert.That(codec.Encoded, Has.Count.EqualTo(1));
        var pixels = codec.Encoded[0];
        Assert.That(pixels.shape, Is.EqualTo(new long[] { 4, 1, 8, 8 }), "the codec sees whole pixel batches");
        // Every image reaching the codec is a dataset image or its mirror: the flip happened before encoding.
        var originals = Enumerable.Range(0, data.Count).Select(i => tensor(data.Get(i).Chw, new long[] { 1, 8, 8 })).ToList();
        for (int b = 0; b < 4; b++)
        {
            var img = pixels[b];
            Assert.That(originals.Any(o => o.equal(img).all().item<bool>() || o.flip(2).equal(img).all().item<bool>()), Is.True, $"image {b}");
        }

        var grid = Path.Combine(Dir, "grid.png");
        trainer.SaveSampleGrid(grid);
        Assert.That(codec.Decoded, Is.EqualTo(1));
        var png = StbImageSharp.ImageResult.FromMemory(File.ReadAllBytes(grid));
        // 2 classes x 1 row of 8x8 decoded images with 2-pixel padding: (2 + 8) * 2 + 2 wide, (2 + 8) + 2 high.
        Assert.That((png.Width, png.Height), Is.EqualTo((22, 12)));
    }

    [Test]
    public void PerExampleRandomnessFlipsAndEncodesEachExampleWithItsOwnDraws()
    {
        var data = new InMemoryDataset(channels: 1, size: 8);
        var codec = new SpaceToDepthCodec();
        using var trainer = new DiTTrainer(Latent4x4, data, Opts with { PerExampleRandomness = true }, codec);
        var (loss, _, _) = trainer.TrainStep();
        Assert.That(double.IsFinite(loss));
        Assert.That(codec.Encoded.Select(t => t.shape), Is.All.EqualTo(new long[] { 1, 1, 8, 8 }), "one example per encode, each with its own generator");
        Assert.That(codec.Encoded, Has.Count.EqualTo(4));
        var originals = Enumerable.Range(0, data.Count).Select(i => tensor(data.Get(i).Chw, new long[] { 1, 8, 8 })).ToList();
        foreach (var img in codec.Encoded)
            Assert.That(originals.Any(o => o.equal(img[0]).all().item<bool>() || o.flip(2).equal(img[0]).all().item<bool>()), Is.True);
    }

    [Test]
    public void ShapeMismatchesNameBothSides()
    {
        var data = new InMemoryDataset(channels: 1, size: 8);
        var ex = Assert.Throws<ArgumentException>(() => new DiTTrainer(Latent4x4 with { InputSize = 8 }, data, Opts, new SpaceToDepthCodec()));
        Assert.That(ex!.Message, Does.Contain("4x4x4 latents").And.Contain("4x8x8"));
        ex = Assert.Throws<ArgumentException>(() => new DiTTrainer(Latent4x4, new InMemoryDataset(size: 7), Opts, new SpaceToDepthCodec()));
        Assert.That(ex!.Message, Does.Contain("not a multiple of the latent downsampling 2"));
        ex = Assert.Throws<ArgumentException>(() => new DiTTrainer(Latent4x4, data, Opts with { LatentCodec = "vae.safetensors" }));
        Assert.That(ex!.Message, Does.Contain("latents of vae.safetensors").And.Contain("--vae"));
    }

    [Test]
    public void VaeCodecEncodesAPosteriorSampleTimesTheScale()
    {
        var cfg = new VaeConfig { BlockOutChannels = new[] { 32, 32 }, LayersPerBlock = 1, NormGroups = 8 };
        using var vae = new AutoencoderKL(cfg);
        var codec = new VaeLatentCodec(vae, "tiny");
        Assert.That((codec.LatentChannels, codec.Downsample), Is.EqualTo((4, 2)));
        var x = rand(2, 3, 8, 8) * 2 - 1;
        var z = codec.Encode(x, new Generator(5));
        var (mean, logvar) = vae.Encode(x);
        var eps = (z / cfg.ScalingFactor - mean) / (0.5 * logvar).exp();
        // The sample is mean + std * eps with eps the generator's standard normal draw.
        var expectedEps = randn(mean.shape, generator: new Generator(5));
        Assert.That((eps - expectedEps).abs().max().item<float>(), Is.LessThan(1e-3f));
        Assert.That(vae.parameters().All(p => !p.requires_grad), Is.True, "the VAE is frozen");
    }
}
