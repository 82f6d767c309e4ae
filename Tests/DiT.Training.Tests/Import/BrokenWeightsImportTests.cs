using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using DiT.Training.Formats;
using DiT.Training.Import;
using DiT.Training.Model;
using NUnit.Framework;
using static DiT.Training.Tests.Trainer.CheckpointValidationTests;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Import;

/// <summary>
/// Weights that would import and then sample garbage (NaN, ±Inf, absurd magnitudes, integer tensors) and shapes
/// that describe a model far larger than the file: all refused at import, naming the file, the tensor and the limit.
/// </summary>
public class BrokenWeightsImportTests : TempDirectoryTest
{
    private static readonly DiTConfig Cfg = new()
    {
        Depth = 2, HiddenSize = 64, NumHeads = 4, PatchSize = 2, InputSize = 8, InChannels = 4, NumClasses = 10,
    };

    private static Dictionary<string, Tensor> Weights()
    {
        using var m = new DiTModel(Cfg);
        using (no_grad()) foreach (var p in m.parameters()) p.copy_(randn_like(p) * 0.05);
        return m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
    }

    private static string ImportError(Dictionary<string, Tensor> w)
    {
        var e = Assert.Throws<InvalidDataException>(() =>
            DiTImporter.Import(w, "broken.pt", new DiTImporter.Options { Hints = new() { NumHeads = 4 } }).Dispose())!;
        return e.Message;
    }

    [Test]
    public void NaNAndInfinityAreCountedPerTensor()
    {
        var w = Weights();
        for (int i = 0; i < 5; i++) Poke(w["blocks.0.attn.qkv.weight"], i * 7, float.NaN);
        Poke(w["blocks.1.mlp.fc2.bias"], 0, float.PositiveInfinity);
        Poke(w["blocks.1.mlp.fc2.bias"], 1, float.NegativeInfinity);
        string m = ImportError(w);
        Assert.That(m, Does.StartWith("DiT weights 'broken.pt'"));
        Assert.That(m, Does.Contain("2 of ").And.Contain("weight tensors are unusable"));
        Assert.That(m, Does.Contain("blocks.0.attn.qkv.weight: 5 NaN and 0 infinite of 12,288 values"));
        Assert.That(m, Does.Contain("blocks.1.mlp.fc2.bias: 0 NaN and 2 infinite of 64 values"));
        Assert.That(m, Does.Contain("Valid DiT weights are finite float32/float16/bfloat16/float64 values with |w| <= 10000"));
    }

    [Test]
    public void FiniteButAbsurdMagnitudeIsRefused()
    {
        var w = Weights();
        Poke(w["x_embedder.proj.weight"], 3, -3e38f);
        Assert.That(ImportError(w), Does.Contain("x_embedder.proj.weight: max |w| = 3E+38 is above 10000"));

        // Large but plausible weights import.
        var ok = Weights();
        Poke(ok["x_embedder.proj.weight"], 3, 9000f);
        using var model = DiTImporter.Import(ok, "ok.pt", new DiTImporter.Options { Hints = new() { NumHeads = 4 } });
    }

    [Test]
    public void IntegerTensorsWhereFloatsBelongAreRefused()
    {
        var w = Weights();
        w["y_embedder.embedding_table.weight"] = w["y_embedder.embedding_table.weight"].mul(100).to(int32);
        Assert.That(ImportError(w), Does.Contain("y_embedder.embedding_table.weight: dtype Int32, but weights must be floating point"));
    }

    [Test]
    public void HalfPrecisionWeightsAreFine()
    {
        var w = Weights().ToDictionary(kv => kv.Key, kv => kv.Value.to(float16));
        using var model = DiTImporter.Import(w, "half.safetensors", new DiTImporter.Options { Hints = new() { NumHeads = 4 } });
    }

    /// <summary>The way `dit import` reads them: a file through StateDictFile, then the importer.</summary>
    [Test]
    public void ABrokenFileOnDiskIsNamed()
    {
        var w = Weights();
        Poke(w["final_layer.linear.weight"], 0, float.NaN);
        var path = Path.Combine(Dir, "nan.safetensors");
        Safetensors.Save(path, w);
        using var sd = StateDictFile.Load(path);
        var e = Assert.Throws<InvalidDataException>(() => DiTImporter.Import(sd.Tensors, path, new() { Hints = new() { NumHeads = 4 } }).Dispose())!;
        Assert.That(e.Message, Does.Contain(path).And.Contain("final_layer.linear.weight: 1 NaN"));
    }

    /// <summary>
    /// Tiny tensors whose shapes claim hidden size 8192 (a 2.7 GB model): the shape check against the inferred
    /// config refuses them before the model is built.
    /// </summary>
    [Test]
    public void ShapesClaimingAHugeModelAreRefusedWithoutBuildingIt()
    {
        var w = Weights();
        // Expanded views: the shapes are real, the memory is not (the importer must only look at shapes here).
        w["x_embedder.proj.weight"] = zeros(1, 1, 1, 1).expand(8192, 4, 2, 2);
        var hints = new DiTConfigInference.Hints { NumHeads = 16, Block = BlockType.AdaLNZero };
        var sw = Stopwatch.StartNew();
        var e = Assert.Throws<InvalidDataException>(() =>
            DiTImporter.Import(w, "wide.pt", new DiTImporter.Options { Hints = hints }).Dispose())!;
        Assert.That(e.Message, Does.Contain("wide.pt").And.Contain("hidden 8192").And.Contain("mis-shaped [")
            .And.Contain("blocks.0.attn.qkv.weight (192x64 vs model 24576x8192)"));
        Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));

        w["x_embedder.proj.weight"] = zeros(1, 1, 1, 1).expand(1 << 20, 4, 2, 2);
        e = Assert.Throws<InvalidDataException>(() => DiTImporter.Import(w, "wider.pt", new() { Hints = hints }).Dispose())!;
        Assert.That(e.Message, Does.Contain("wider.pt").And.Contain("HiddenSize must be in 1..8192, got 1048576"));
    }

    [Test]
    public void HugeBlockIndicesAndTokenCountsAreRefusedCheaply()
    {
        var w = Weights();
        w["blocks.99999999.attn.proj.bias"] = zeros(64);
        var e = Assert.Throws<InvalidDataException>(() => DiTImporter.Import(w, "gappy.pt", new() { Hints = new() { NumHeads = 4 } }).Dispose())!;
        Assert.That(e.Message, Does.Contain("gappy.pt").And.Contain("Block indices are not 0..2: missing 2, 3, 4").And.Contain(", …"));
        Assert.That(e.Message.Length, Is.LessThan(1000));

        w = Weights();
        w["pos_embed"] = zeros(1, 1, 64).expand(1, 1L << 20, 64);
        e = Assert.Throws<InvalidDataException>(() => DiTImporter.Import(w, "long.pt", new() { Hints = new() { NumHeads = 4 } }).Dispose())!;
        Assert.That(e.Message, Does.Contain("long.pt").And.Contain("pos_embed has 1048576 tokens; a DiT has at most 65536"));
    }
}
