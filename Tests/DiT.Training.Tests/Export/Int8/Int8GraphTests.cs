using System;
using System.IO;
using System.Linq;
using DiT.Training.Export;
using DiT.Training.Export.Int8;
using DiT.Training.Export.Onnx;
using DiT.Training.Model;
using DiTPlugin.Contract.Package;
using NUnit.Framework;
using static DiT.Training.Tests.Export.OnnxTestUtil;

namespace DiT.Training.Tests.Export.Int8;

public class Int8GraphTests : TempDirectoryTest
{
    private static ModelProto Fp32(DiTModel model) => DiTOnnxExporter.Build(model, new DiTExportOptions { Batch = 2 });

    [Test]
    public void TheDefaultGraphQuantizesTheBlocksLinearLayersAndNothingElse()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var int8 = Int8GraphRewriter.Quantize(Fp32(model), null, out var layers);
        var expected = Enumerable.Range(0, 2).SelectMany(i => new[] { "attn.qkv", "attn.proj", "mlp.fc1", "mlp.fc2" }.Select(l => $"blocks.{i}.{l}")).ToList();
        Assert.That(layers, Is.EqualTo(expected));
        var nodes = int8.Graph.Node;
        // Per layer: DynamicQuantizeLinear (uint8 activations), MatMulInteger by the int8 weight, Cast, scale, dequantize.
        Assert.That(nodes.Where(n => n.OpType == "MatMulInteger").Select(n => (n.Name, n.Input[1], n.Input[0])),
            Is.EqualTo(expected.Select(l => ("MatMulInteger_" + l, l + ".weight_q", l + ".x_q"))));
        Assert.That(nodes.Count(n => n.OpType == "DynamicQuantizeLinear"), Is.EqualTo(expected.Count));
        // Default ONNX domain except the fused GELUs (the int8 graph runs only on ONNX Runtime's CPU provider).
        Assert.That(nodes.Where(n => n.Domain != "").Select(n => (n.OpType, n.Domain)).Distinct(),
            Is.EqualTo(new[] { ("FastGelu", Int8GraphRewriter.MicrosoftDomain) }));
        Assert.That(int8.OpsetImport.Select(o => (o.Domain, o.Version)), Is.EquivalentTo(new[] { ("", 17L), (Int8GraphRewriter.MicrosoftDomain, 1L) }));
        // Still float: embedder, modulation, final layer (MatMul by a weight), and attention's scores and context (activations).
        var floatWeights = nodes.Where(n => n.OpType == "MatMul").Select(n => n.Input[1]).Where(i => i.EndsWith(".weight_t")).ToList();
        Assert.That(floatWeights, Is.EquivalentTo(new[]
        {
            "t_embedder.mlp.0.weight_t", "t_embedder.mlp.2.weight_t", "blocks.0.adaLN_modulation.1.weight_t",
            "blocks.1.adaLN_modulation.1.weight_t", "final_layer.adaLN_modulation.1.weight_t", "final_layer.linear.weight_t",
        }));
        Assert.That(nodes.Count(n => n.OpType == "MatMul" && !n.Input[1].EndsWith(".weight_t")), Is.EqualTo(4), "QK^T and AV of both blocks");
        var init = int8.Graph.Initializer.ToDictionary(t => t.Name);
        Assert.That(expected.All(l => init[l + ".weight_q"].DataType == 3 && init[l + ".weight_zero_point"].DataType == 3), Is.True, "int8 weights, int8 zero point");
        Assert.That(init.ContainsKey("blocks.0.attn.qkv.weight_t"), Is.False, "the float weight is gone");
        Assert.That(init["blocks.0.mlp.fc1.weight_scale"].Dims, Is.EqualTo(new[] { 4L * 32 }), "one scale per output channel");
        Assert.That(int8.MetadataProps.Single(p => p.Key == "ditplugin.precision").Value, Is.EqualTo("int8"));
    }

    [Test]
    public void TheMicrosoftKernelIsOneNodePerLayerWithTheBiasFolded()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var int8 = Int8GraphRewriter.Quantize(Fp32(model), new Int8Options { Kernel = Int8Kernel.Microsoft }, out var layers);
        var dq = int8.Graph.Node.Where(n => n.OpType == "DynamicQuantizeMatMul").ToList();
        Assert.That(dq.Select(n => n.Name), Is.EqualTo(layers.Select(l => "DynamicQuantizeMatMul_" + l)));
        Assert.That(dq.All(n => n.Domain == Int8GraphRewriter.MicrosoftDomain && n.Input[4].EndsWith(".bias")), Is.True);
        Assert.That(int8.Graph.Node.Any(n => n.OpType is "MatMulInteger" or "DynamicQuantizeLinear"), Is.False);
        Assert.That(int8.OpsetImport.Select(o => (o.Domain, o.Version)), Is.EquivalentTo(new[] { ("", 17L), (Int8GraphRewriter.MicrosoftDomain, 1L) }));
    }

    [TestCase(Int8Kernel.Microsoft)]
    [TestCase(Int8Kernel.Standard)]
    public void TheInt8ForwardStaysCloseToFp32(Int8Kernel kernel)
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var fp32 = Fp32(model);
        var error = RelativeForwardError(fp32, Int8GraphRewriter.Quantize(fp32, new Int8Options { Kernel = kernel }), model.Config);
        // 8-bit weights and activations: about 1% of the output's range here (DiT-S/2: 0.9%, see docs/model-package.md).
        Assert.That(error.Eps, Is.LessThan(0.05));
        Assert.That(error.V, Is.LessThan(0.05));
        Assert.That(error.Eps, Is.GreaterThan(0), "the graph really is quantized");
    }

    [Test]
    public void FloatLayersStoredAsFp16ComputeAsBeforeOnRoundedWeightsAndHalveTheirBytes()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var fp32 = Fp32(model);
        var plain = Int8GraphRewriter.Quantize(fp32, new Int8Options { StoreFloatWeightsAsFp16 = false });
        var half = Int8GraphRewriter.Quantize(fp32, new Int8Options());
        var kept = plain.Graph.Initializer.Where(t => t.Name.EndsWith(".weight_t")).ToList();
        Assert.That(kept.Select(t => t.Name), Does.Contain("blocks.0.adaLN_modulation.1.weight_t"));
        var init = half.Graph.Initializer.ToDictionary(t => t.Name);
        foreach (var t in kept)
        {
            Assert.That(init.ContainsKey(t.Name), Is.False, $"{t.Name}: no float32 copy left");
            Assert.That(init[t.Name + "_fp16"].DataType, Is.EqualTo(10), "float16");
            var cast = half.Graph.Node.Single(n => n.Output.Contains(t.Name));
            Assert.That((cast.OpType, cast.Input[0], cast.Attribute.Single().I), Is.EqualTo(("Cast", t.Name + "_fp16", 1L)));
            // The stored values are the float32 weights rounded to float16, element for element.
            var want = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray().Select(v => (Half)v).ToArray();
            var got = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(init[t.Name + "_fp16"].RawData.Span).ToArray();
            Assert.That(got, Is.EqualTo(want));
        }
        long keptValues = kept.Sum(t => t.Dims.Aggregate(1L, (a, d) => a * d));
        long saved = DiTOnnxExporter.ToBytes(plain).Length - DiTOnnxExporter.ToBytes(half).Length;
        Assert.That(saved, Is.InRange(2 * keptValues - 4096, 2 * keptValues), "two bytes per weight, less the Cast nodes");

        var error = RelativeForwardError(plain, half, model.Config);
        // Weights rounded to 11 significant bits (relative error ≤ 2⁻¹¹ ≈ 4.9e-4 each).
        Assert.That(error.Eps, Is.LessThan(2e-3));
        Assert.That(error.V, Is.LessThan(2e-3));
    }

    [Test]
    public void AttentionProductsAreQuantizedOnlyWhenAsked()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var fp32 = Fp32(model);
        var int8 = Int8GraphRewriter.Quantize(fp32, new Int8Options { QuantizeAttention = true }, out var layers);
        Assert.That(layers.Where(l => !l.Contains(".mlp.") && !l.EndsWith(".qkv") && !l.EndsWith(".proj")),
            Is.EqualTo(new[] { "blocks.0.attn.scores", "blocks.0.attn.context", "blocks.1.attn.scores", "blocks.1.attn.context" }));
        var scores = int8.Graph.Node.Single(n => n.Name == "MatMulInteger_blocks.0.attn.scores");
        Assert.That(scores.Input[1], Is.EqualTo("blocks.0.attn.scores.b_q"), "kᵀ is quantized at run time too: uint8 x uint8");
        Assert.That(int8.Graph.Node.Count(n => n.OpType == "MatMul"), Is.EqualTo(6), "only the embedder, modulation and final-layer MatMuls remain float");
        Assert.That(RelativeForwardError(fp32, int8, model.Config).Eps, Is.LessThan(0.05));
    }

    [Test]
    public void KeepingEveryKindInFloatLeavesNothingToQuantize()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var all = System.Enum.GetValues<LinearKind>().ToHashSet();
        Assert.Throws<InvalidDataException>(() => Int8GraphRewriter.Quantize(Fp32(model), new Int8Options { KeepFloat = all }));
    }

    [TestCase("blocks.3.attn.qkv", LinearKind.Qkv)]
    [TestCase("blocks.0.cross_attn.kv", LinearKind.Qkv)]
    [TestCase("blocks.0.cross_attn.proj", LinearKind.AttentionProjection)]
    [TestCase("blocks.11.mlp.fc2", LinearKind.MlpOut)]
    [TestCase("blocks.2.adaLN_modulation.1", LinearKind.Modulation)]
    [TestCase("final_layer.adaLN_modulation.1", LinearKind.Modulation)]
    [TestCase("final_layer.linear", LinearKind.FinalLinear)]
    [TestCase("t_embedder.mlp.2", LinearKind.TimestepEmbedder)]
    public void LayerKinds(string layer, LinearKind kind) => Assert.That(Int8Options.KindOf(layer), Is.EqualTo(kind));

    [Test]
    public void AnInt8PackageHasFormatVersion2AndOthersKeep1()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        // Without the y_uncond input (which alone makes version 3), as a package for older readers is written.
        var request = new ModelPackageRequest
        {
            Config = model.Config, Weights = model.state_dict(), ClassNames = new[] { "a", "b", "c", "d", "e" }, Name = "tiny-int8",
            UnconditionalLabelInput = false, ClassMixInput = false,
        };
        var plain = ModelPackageWriter.Write(Path.Combine(Dir, "plain"), request);
        Assert.That(plain.FormatVersion, Is.EqualTo(1));
        string dir = Path.Combine(Dir, "int8");
        var written = ModelPackageWriter.Write(dir, request with { IncludeInt8 = true });
        Assert.That(written.FormatVersion, Is.EqualTo(PackageFormat.Int8Version));
        Assert.That(written.Graphs.Select(g => (g.File, g.Precision)), Is.EqualTo(new[] { (PackageFiles.DiT, Precision.Fp32), (PackageFiles.DiTInt8, Precision.Int8) }));
        Assert.That(ModelPackageWriter.ReadAndVerify(dir), Is.EqualTo(written));
        Assert.That(File.ReadAllText(Path.Combine(dir, PackageFiles.Manifest)), Does.Contain("\"precision\": \"int8\""));
    }

    [Test]
    public void AddingInt8ToAPackageChangesOnlyVersionGraphsAndContentHash()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        string dir = Path.Combine(Dir, "pkg");
        var before = ModelPackageWriter.Write(dir, new ModelPackageRequest
        {
            Config = model.Config, Weights = model.state_dict(), ClassNames = new[] { "a", "b", "c", "d", "e" }, Name = "tiny",
        });
        var after = Int8PackageUpgrade.AddInt8(dir);
        Assert.That(after with { Graphs = before.Graphs, ContentHash = before.ContentHash }, Is.EqualTo(before), "version 3 (y_uncond) covers int8 already");
        Assert.That(after.Graphs.Select(g => g.Precision), Is.EqualTo(new[] { Precision.Fp32, Precision.Int8 }));
        Assert.That(ModelPackageWriter.ReadAndVerify(dir), Is.EqualTo(after));
        var e = Assert.Throws<System.ArgumentException>(() => Int8PackageUpgrade.AddInt8(dir), "only once");
        Assert.That(e!.Message, Does.Contain("--replace"));

        // --replace makes it again in place: same entry, new bytes (here: without the GELU fusion), one int8 graph.
        var again = Int8PackageUpgrade.AddInt8(dir, new Int8Options { FuseGelu = false }, replace: true);
        Assert.That(again.Graphs.Select(g => (g.File, g.Precision)), Is.EqualTo(after.Graphs.Select(g => (g.File, g.Precision))));
        Assert.That(again.Graphs[1].Sha256, Is.Not.EqualTo(after.Graphs[1].Sha256));
        Assert.That(again.ContentHash, Is.Not.EqualTo(after.ContentHash));
        Assert.That(ModelPackageWriter.ReadAndVerify(dir), Is.EqualTo(again));
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "dit.onnx", "dit_int8.onnx", "model.json" }));
    }
}
