using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using DiT.Training.Import;
using DiT.Training.Model;
using DiT.Training.Trainer;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Import;

public class DiTImportTests
{
    private static readonly BlockType[] AllBlocks = Enum.GetValues<BlockType>();

    /// <summary>
    /// The exact shape dict of the full-depth model, from a depth-1 model whose blocks.0.* shapes are repeated:
    /// every block of a DiT has the same shapes, and building XL/2 at full depth would take 2.7 GB.
    /// </summary>
    private static Dictionary<string, long[]> FullShapes(DiTConfig cfg)
    {
        using var m = new DiTModel(cfg with { Depth = 1 });
        var shapes = new Dictionary<string, long[]>();
        foreach (var (k, v) in m.state_dict())
        {
            if (!k.StartsWith("blocks.0.", StringComparison.Ordinal)) { shapes[k] = v.shape; continue; }
            for (int i = 0; i < cfg.Depth; i++) shapes[$"blocks.{i}." + k["blocks.0.".Length..]] = v.shape;
        }
        return shapes;
    }

    [Test]
    public void EveryPaperConfigAt256And512IsRecoveredFromShapesAlone(
        [ValueSource(typeof(DiTConfig), nameof(DiTConfig.Names))] string name, [Values(32, 64)] int latent)
    {
        var expected = DiTConfig.FromName(name, inputSize: latent);
        var inferred = DiTConfigInference.Infer(FullShapes(expected));
        Assert.That(inferred, Is.EqualTo(expected));
    }

    [Test]
    public void EveryBlockDesignIsRecognisedByItsKeys([ValueSource(nameof(AllBlocks))] BlockType block)
    {
        var expected = DiTConfig.FromName("DiT-S/4") with { Block = block, Depth = 3 };
        Assert.That(DiTConfigInference.Infer(FullShapes(expected)).Block, Is.EqualTo(block));
    }

    [Test]
    public void NonStandardWidthNeedsTheHeadCount()
    {
        var cfg = new DiTConfig { Depth = 2, HiddenSize = 96, NumHeads = 3, PatchSize = 2, InputSize = 8, InChannels = 1, NumClasses = 10 };
        var shapes = FullShapes(cfg);
        var ex = Assert.Throws<InvalidDataException>(() => DiTConfigInference.Infer(shapes));
        Assert.That(ex!.Message, Does.Contain("96").And.Contain("--num-heads"));
        Assert.That(DiTConfigInference.Infer(shapes, new DiTConfigInference.Hints { NumHeads = 3 }), Is.EqualTo(cfg));
    }

    [Test]
    public void ModelWithoutNullClassAndWithoutSigmaIsRecognised()
    {
        var cfg = new DiTConfig
        {
            Depth = 2, HiddenSize = 384, NumHeads = 6, PatchSize = 4, InputSize = 16, InChannels = 3, NumClasses = 7,
            LearnSigma = false, ClassDropoutProb = 0,
        };
        var shapes = FullShapes(cfg);
        // Without the hint, a 7-row table reads as 6 classes + null (the official layout)...
        Assert.That(DiTConfigInference.Infer(shapes).NumClasses, Is.EqualTo(6));
        // ...with it, the table is all classes and guidance is off.
        Assert.That(DiTConfigInference.Infer(shapes, new DiTConfigInference.Hints { NumClasses = 7 }), Is.EqualTo(cfg));
    }

    [Test]
    public void ImportCopiesEveryTensorAndTheModelComputesTheSame()
    {
        var cfg = new DiTConfig { Depth = 2, HiddenSize = 64, NumHeads = 4, PatchSize = 2, InputSize = 8, InChannels = 4, NumClasses = 10 };
        using var source = new DiTModel(cfg);
        // Non-trivial weights: the zero-initialised adaLN layers would make a copy bug invisible.
        using (no_grad()) foreach (var p in source.parameters()) p.copy_(randn_like(p) * 0.05);
        var weights = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using var imported = DiTImporter.Import(weights, "test", new DiTImporter.Options { Hints = new() { NumHeads = 4 } });
        Assert.That(imported.Config, Is.EqualTo(cfg));
        foreach (var (k, v) in imported.state_dict()) Assert.That(v.eq(weights[k]).all().item<bool>(), Is.True, k);
        source.eval();
        using var _ = no_grad();
        var x = randn(2, 4, 8, 8);
        var t = tensor(new long[] { 3, 900 });
        var y = tensor(new long[] { 1, 10 });
        Assert.That(imported.forward(x, t, y).eq(source.forward(x, t, y)).all().item<bool>(), Is.True);
    }

    [Test]
    public void NamedConfigThatDoesNotFitListsTheOffendingKeysByName()
    {
        var cfg = DiTConfig.FromName("DiT-S/4", inputSize: 16) with { Depth = 2 };
        using var source = new DiTModel(cfg);
        var weights = source.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);
        weights.Remove("blocks.1.mlp.fc2.bias");
        weights["blocks.0.extra.weight"] = zeros(3);
        var ex = Assert.Throws<InvalidDataException>(() =>
            DiTImporter.Import(weights, "file.pt", new DiTImporter.Options { ModelName = "DiT-B/4" }));
        // B has 768 channels: the S weights are mis-shaped and the deeper B blocks are missing, all by name.
        Assert.That(ex!.Message, Does.Contain("file.pt").And.Contain("DiT-B/4")
            .And.Contain("missing [").And.Contain("blocks.11.attn.qkv.weight").And.Contain("blocks.1.mlp.fc2.bias")
            .And.Contain("unexpected [blocks.0.extra.weight]")
            .And.Contain("x_embedder.proj.weight (384x4x4x4 vs model 768x4x4x4)"));
    }

    [Test]
    public void ShapeInferenceErrorsNameTheMissingKey()
    {
        var shapes = FullShapes(DiTConfig.FromName("DiT-S/8") with { Depth = 1 });
        shapes.Remove("pos_embed");
        var ex = Assert.Throws<InvalidDataException>(() => DiTConfigInference.Infer(shapes));
        Assert.That(ex!.Message, Does.Contain("'pos_embed' is missing"));

        var gappy = FullShapes(DiTConfig.FromName("DiT-S/8") with { Depth = 3 })
            .Where(kv => !kv.Key.StartsWith("blocks.1.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);
        ex = Assert.Throws<InvalidDataException>(() => DiTConfigInference.Infer(gappy));
        Assert.That(ex!.Message, Does.Contain("missing 1"));
    }

    [Test]
    public void DescribeUsesThePaperName()
    {
        Assert.That(DiTImporter.Describe(DiTConfig.FromName("DiT-XL/2")), Is.EqualTo("DiT-XL/2, 32x32x4 input, 1000 classes, AdaLNZero"));
        Assert.That(Regex.IsMatch(DiTImporter.Describe(new DiTConfig { Depth = 2, HiddenSize = 64, NumHeads = 4 }), "^DiT depth 2 hidden 64 heads 4"), Is.True);
    }

    [Test]
    public void ImportRecordsTheOfficialSamplingConvention()
    {
        var xl = DiTConfig.FromName("DiT-XL/2", 32, 4, 1000);
        Assert.That(DiTImporter.SamplingFor(xl), Is.EqualTo(new SamplingConvention(LatentSpace: true, GuidedChannels: 3, ClipDenoised: false)),
            "forward_with_cfg guides eps[:, :3]; sample.py samples latents with clip_denoised=False");
        Assert.That(DiTImporter.SamplingFor(xl, guidedChannels: 4).GuidedChannels, Is.Null, "asking for every channel records 'all'");
        Assert.That(DiTImporter.SamplingFor(xl, clipDenoised: true).ResolveClipDenoised(), Is.True);
        var pixels = DiTConfig.FromName("DiT-S/4", 32, 3, 10);
        Assert.That(DiTImporter.SamplingFor(pixels), Is.EqualTo(new SamplingConvention(LatentSpace: false)), "not a 4-channel latent model: ADM's pixel defaults");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DiTImporter.SamplingFor(xl, guidedChannels: 5))!;
        Assert.That(e.Message, Does.Contain("1..4"));
    }
}
