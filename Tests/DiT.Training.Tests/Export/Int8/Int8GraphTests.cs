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
        var expected = Enumerable.Range(0, 2).SelectMany(i => new[] { "attn.qkv", "attn.proj", "mlp.fc1", "mlp.fc2" }.Select(l => $"blocks.{i}.{l}"));
        Assert.That(layers, Is.EqualTo(expected));
        var nodes = int8.Graph.Node;
        Assert.That(nodes.Where(n => n.OpType == "DynamicQuantizeMatMul").Select(n => n.Name),
            Is.EqualTo(expected.Select(l => "DynamicQuantizeMatMul_" + l)));
        Assert.That(nodes.Where(n => n.OpType == "DynamicQuantizeMatMul").All(n => n.Domain == Int8GraphRewriter.MicrosoftDomain && n.Input[4].EndsWith(".bias")), Is.True,
            "the bias is folded into the quantized MatMul");
        // Still float: embedder, modulation, final layer (MatMul by a weight), and attention's scores and context (activations).
        var floatWeights = nodes.Where(n => n.OpType == "MatMul").Select(n => n.Input[1]).Where(i => i.EndsWith(".weight_t")).ToList();
        Assert.That(floatWeights, Is.EquivalentTo(new[]
        {
            "t_embedder.mlp.0.weight_t", "t_embedder.mlp.2.weight_t", "blocks.0.adaLN_modulation.1.weight_t",
            "blocks.1.adaLN_modulation.1.weight_t", "final_layer.adaLN_modulation.1.weight_t", "final_layer.linear.weight_t",
        }));
        Assert.That(nodes.Count(n => n.OpType == "MatMul" && !n.Input[1].EndsWith(".weight_t")), Is.EqualTo(4), "QK^T and AV of both blocks");
        Assert.That(int8.Graph.Initializer.Where(t => t.Name.EndsWith(".weight_q")).All(t => t.DataType == 3), Is.True, "int8 weights");
        Assert.That(int8.Graph.Initializer.Any(t => t.Name == "blocks.0.attn.qkv.weight_t"), Is.False, "the float weight is gone");
        Assert.That(int8.OpsetImport.Select(o => (o.Domain, o.Version)), Is.EquivalentTo(new[] { ("", 17L), (Int8GraphRewriter.MicrosoftDomain, 1L) }));
        Assert.That(int8.MetadataProps.Single(p => p.Key == "ditplugin.precision").Value, Is.EqualTo("int8"));
    }

    [Test]
    public void TheStandardKernelUsesOnlyOnnxOps()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var int8 = Int8GraphRewriter.Quantize(Fp32(model), new Int8Options { Kernel = Int8Kernel.Standard });
        var ops = int8.Graph.Node.Select(n => n.OpType).ToList();
        Assert.That(ops.Count(o => o == "DynamicQuantizeLinear"), Is.EqualTo(8));
        Assert.That(ops.Count(o => o == "MatMulInteger"), Is.EqualTo(8));
        Assert.That(int8.Graph.Node.All(n => n.Domain == ""), Is.True);
        Assert.That(int8.OpsetImport.Select(o => o.Domain), Is.EqualTo(new[] { "" }));
    }

    [TestCase(Int8Kernel.Microsoft)]
    [TestCase(Int8Kernel.Standard)]
    public void TheInt8ForwardStaysCloseToFp32(Int8Kernel kernel)
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var fp32 = Fp32(model);
        var inp = RandomInputs(model.Config, 2);
        using var s32 = Session(DiTOnnxExporter.ToBytes(fp32));
        using var s8 = Session(DiTOnnxExporter.ToBytes(Int8GraphRewriter.Quantize(fp32, new Int8Options { Kernel = kernel })));
        var (e32, v32) = RunOrt(s32, inp, 4f);
        var (e8, v8) = RunOrt(s8, inp, 4f);
        // 8-bit weights and activations: about 1% of the output's range here (DiT-S/2: 0.9%, see docs/model-package.md).
        Assert.That(MaxAbs(e8, e32) / MaxAbs(e32), Is.LessThan(0.05));
        Assert.That(MaxAbs(v8, v32) / MaxAbs(v32), Is.LessThan(0.05));
        Assert.That(MaxAbs(e8, e32), Is.GreaterThan(0), "the graph really is quantized");
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
        var request = new ModelPackageRequest
        {
            Config = model.Config, Weights = model.state_dict(), ClassNames = new[] { "a", "b", "c", "d", "e" }, Name = "tiny-int8",
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
        Assert.That(after with { FormatVersion = 1, Graphs = before.Graphs, ContentHash = before.ContentHash }, Is.EqualTo(before));
        Assert.That(after.Graphs.Select(g => g.Precision), Is.EqualTo(new[] { Precision.Fp32, Precision.Int8 }));
        Assert.That(ModelPackageWriter.ReadAndVerify(dir), Is.EqualTo(after));
        Assert.Throws<System.InvalidOperationException>(() => Int8PackageUpgrade.AddInt8(dir), "only once");
    }
}
