using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiT.Training.Export;
using DiT.Training.Model;
using NUnit.Framework;
using static DiT.Training.Tests.Export.OnnxTestUtil;
using static DiT.Training.Tests.Trainer.CheckpointValidationTests;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Export;

/// <summary>
/// ModelPackageWriter.Build refuses weights that would only fail in the game: NaN/Inf, absurd magnitudes, integer
/// tensors, tensors that do not fit the config, and (for fp16 graphs) values float16 cannot hold.
/// </summary>
public class BrokenWeightsExportTests
{
    private static ModelPackageRequest Request(DiTConfig cfg, IReadOnlyDictionary<string, Tensor> weights, bool fp16) => new()
    {
        Config = cfg, Weights = weights, ClassNames = new string[0], Name = "broken-pkg", IncludeFp16 = fp16,
    };

    private static Dictionary<string, Tensor> Copy(DiTModel model) => model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

    private static string BuildError(DiTConfig cfg, Dictionary<string, Tensor> w, bool fp16 = false) =>
        Assert.Throws<InvalidDataException>(() => ModelPackageWriter.Build(Request(cfg, w, fp16), out _))!.Message;

    [Test]
    public void NaNInfAndIntegerTensorsAreRefusedByName()
    {
        var cfg = Tiny(BlockType.AdaLNZero);
        using var model = RandomModel(cfg);
        var w = Copy(model);
        Poke(w["blocks.0.attn.proj.weight"], 5, float.NaN);
        Poke(w["t_embedder.mlp.0.bias"], 0, float.NegativeInfinity);
        w["final_layer.linear.bias"] = w["final_layer.linear.bias"].to(int32);
        string m = BuildError(cfg, w);
        Assert.That(m, Does.StartWith("Package 'broken-pkg': 3 of "));
        Assert.That(m, Does.Contain("blocks.0.attn.proj.weight: 1 NaN and 0 infinite")
            .And.Contain("t_embedder.mlp.0.bias: 0 NaN and 1 infinite")
            .And.Contain("final_layer.linear.bias: dtype Int32, but weights must be floating point"));
    }

    /// <summary>
    /// Decision: an fp16 export refuses weights beyond 65504 (they would be ±Inf in the graph) with an fp16-specific
    /// message; without fp16 the general 1e4 limit refuses them too, so no export carries such weights.
    /// </summary>
    [Test]
    public void Fp16LimitAndTheGeneralLimit()
    {
        var cfg = Tiny(BlockType.AdaLN);
        using var model = RandomModel(cfg);
        var w = Copy(model);
        Poke(w["y_embedder.embedding_table.weight"], 2, 7e4f);
        Assert.That(BuildError(cfg, w, fp16: true), Does.Contain("y_embedder.embedding_table.weight: max |w| = 7E+04 exceeds float16's largest value 65504")
            .And.Contain("(float16 export: <= 65504)"));
        Assert.That(BuildError(cfg, w, fp16: false), Does.Contain("y_embedder.embedding_table.weight: max |w| = 7E+04 is above 10000"));

        Poke(w["y_embedder.embedding_table.weight"], 2, 3e38f);
        Assert.That(BuildError(cfg, w, fp16: false), Does.Contain("max |w| = 3E+38 is above 10000"));

        // Within the limit, both precisions export.
        Poke(w["y_embedder.embedding_table.weight"], 2, 500f);
        var files = ModelPackageWriter.Build(Request(cfg, w, fp16: true), out _);
        Assert.That(files.Select(f => f.Name), Is.EqualTo(new[] { "dit.onnx", "dit_fp16.onnx", "model.json" }));
    }

    [Test]
    public void WeightsThatDoNotFitTheConfigAreListed()
    {
        var cfg = Tiny(BlockType.AdaLNZero);
        using var model = RandomModel(cfg);
        var w = Copy(model);
        w.Remove("pos_embed");
        w["x_embedder.proj.bias"] = zeros(3);
        Assert.That(BuildError(cfg, w), Does.Contain("Package 'broken-pkg': the weights do not fit the config: missing [pos_embed]")
            .And.Contain("x_embedder.proj.bias (3 vs model 32)"));
    }
}
