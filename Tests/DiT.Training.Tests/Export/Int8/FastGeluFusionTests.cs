using System;
using System.Linq;
using System.Runtime.InteropServices;
using DiT.Training.Export;
using DiT.Training.Export.Int8;
using DiT.Training.Export.Onnx;
using DiT.Training.Model;
using Google.Protobuf;
using NUnit.Framework;
using static DiT.Training.Tests.Export.OnnxTestUtil;

namespace DiT.Training.Tests.Export.Int8;

public class FastGeluFusionTests
{
    private static ModelProto Fp32(DiTModel model) => DiTOnnxExporter.Build(model, new DiTExportOptions { Batch = 2 });

    [Test]
    public void EachBlocksGeluAndFc1BiasBecomeOneFastGeluWithTheSameOutputs()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var fp32 = Fp32(model);
        var fused = fp32.Clone();
        Assert.That(FastGeluFusion.Apply(fused.Graph), Is.EqualTo(2));
        var gelus = fused.Graph.Node.Where(n => n.OpType == "FastGelu").ToList();
        Assert.That(gelus.Select(n => (n.Domain, n.Input[1])), Is.EqualTo(new[]
        {
            (Int8GraphRewriter.MicrosoftDomain, "blocks.0.mlp.fc1.bias"), (Int8GraphRewriter.MicrosoftDomain, "blocks.1.mlp.fc1.bias"),
        }));
        Assert.That(fused.Graph.Node.Count(n => n.OpType == "Tanh"), Is.Zero);
        // Nine GELU nodes and the bias Add become one per block; nothing else changes.
        Assert.That(fp32.Graph.Node.Count - fused.Graph.Node.Count, Is.EqualTo(2 * 9));
        var produced = fused.Graph.Node.SelectMany(n => n.Output).ToHashSet();
        Assert.That(fused.Graph.Node.SelectMany(n => n.Input).Where(i => i != "" && !produced.Contains(i))
            .All(i => fused.Graph.Initializer.Any(t => t.Name == i) || fused.Graph.Input.Any(v => v.Name == i)), Is.True, "no dangling input");
        Assert.That(fp32.Graph.Initializer.Count - fused.Graph.Initializer.Count, Is.EqualTo(3), "0.5, sqrt(2/pi) and 0.044715, now unread");
        fused.OpsetImport.Add(new OperatorSetIdProto { Domain = Int8GraphRewriter.MicrosoftDomain, Version = 1 });

        var error = RelativeForwardError(fp32, fused, model.Config);
        // The same formula in float32; only rounding differs.
        Assert.That(error.Eps, Is.LessThan(1e-4));
        Assert.That(error.V, Is.LessThan(1e-4));
    }

    [Test]
    public void AGeluWithADifferentConstantIsLeftAlone()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var g = Fp32(model).Graph;
        // The exporter shares one initializer per constant, so changing 0.044715 changes every GELU's cubic term.
        var cubic = g.Initializer.Single(t => t.DataType == 1 && t.Dims.Count == 0 && Math.Abs(BitConverter.ToSingle(t.RawData.Span) - 0.044715f) < 1e-7);
        cubic.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(new[] { 0.05f }.AsSpan()));
        Assert.That(FastGeluFusion.Apply(g), Is.Zero);
        Assert.That(g.Node.Count(n => n.OpType == "Tanh"), Is.EqualTo(2));
    }

    [Test]
    public void AGeluIntermediateReadElsewhereIsLeftAlone()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        var g = Fp32(model).Graph;
        var tanh = g.Node.First(n => n.OpType == "Tanh");
        var extra = new NodeProto { OpType = "Identity", Name = "reads_tanh" };
        extra.Input.Add(tanh.Output[0]);
        extra.Output.Add("tanh_copy");
        g.Node.Add(extra);
        Assert.That(FastGeluFusion.Apply(g), Is.EqualTo(1), "only the other block's GELU");
    }
}
