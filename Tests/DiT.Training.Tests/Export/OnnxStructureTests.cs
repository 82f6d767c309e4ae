using System;
using System.Collections.Generic;
using System.Linq;
using DiT.Training.Export;
using DiT.Training.Export.Onnx;
using DiT.Training.Model;
using NUnit.Framework;
using static DiT.Training.Tests.Export.OnnxTestUtil;

namespace DiT.Training.Tests.Export;

/// <summary>Walks the serialised graph: opset 17, default domain, static shapes, rank &lt;= 5 everywhere, the contract's I/O.</summary>
public class OnnxStructureTests
{
    private static readonly HashSet<string> AllowedOps = new()
    {
        "Add", "Sub", "Mul", "MatMul", "Reshape", "Transpose", "Concat", "Split", "Unsqueeze", "Slice", "Gather", "Softmax",
        "LayerNormalization", "DepthToSpace", "Conv", "Cast", "Sigmoid", "Tanh", "Cos", "Sin", "Identity",
    };

    private static int ElemSize(int dataType) => dataType switch { 1 => 4, 7 => 8, 10 => 2, _ => throw new ArgumentException($"type {dataType}") };

    [Test]
    public void GraphIsStaticOpset17RankAtMost5AndFullyAnnotated(
        [Values] BlockType block, [Values(false, true)] bool fp16)
    {
        var cfg = Tiny(block);
        using var model = RandomModel(cfg);
        var bytes = DiTOnnxExporter.ToBytes(DiTOnnxExporter.Build(model, new DiTExportOptions { Batch = 2, Fp16 = fp16 }));
        var m = ModelProto.Parser.ParseFrom(bytes);

        Assert.That(m.IrVersion, Is.EqualTo(8));
        Assert.That(m.ProducerName, Is.EqualTo("DiTPlugin"));
        Assert.That(m.OpsetImport.Select(o => (o.Domain, o.Version)), Is.EqualTo(new[] { ("", 17L) }));
        var gr = m.Graph;

        // Contract I/O, by name, type and static shape.
        long b = 2, c = cfg.InChannels, s = cfg.InputSize;
        // y_uncond last: the unconditional half's labels (negative guidance), after the inputs older graphs have.
        var expectIn = new (string, int, long[])[] { ("x", 1, new[] { b, c, s, s }), ("t", 1, new[] { b }), ("y", 7, new[] { b }), ("cfg_scale", 1, new[] { 1L }), ("y_uncond", 7, new[] { b }),
            ("y_mix", 7, new[] { b }), ("mix", 1, new[] { b }) };
        var expectOut = new (string, int, long[])[] { ("eps", 1, new[] { b, c, s, s }), ("v", 1, new[] { b, c, s, s }) };
        static (string, int, long[]) Sig(ValueInfoProto v) =>
            (v.Name, v.Type.TensorType.ElemType, v.Type.TensorType.Shape.Dim.Select(d => d.DimValue).ToArray());
        Assert.That(gr.Input.Select(Sig), Is.EqualTo(expectIn));
        Assert.That(gr.Output.Select(Sig), Is.EqualTo(expectOut));

        // Every annotated value: a tensor with a static shape of rank <= 5.
        int maxRank = 0;
        foreach (var v in gr.Input.Concat(gr.Output).Concat(gr.ValueInfo))
        {
            Assert.That(v.Type.ValueCase, Is.EqualTo(TypeProto.ValueOneofCase.TensorType), v.Name);
            Assert.That(v.Type.TensorType.Shape, Is.Not.Null, v.Name);
            var dims = v.Type.TensorType.Shape.Dim;
            Assert.That(dims.Count, Is.LessThanOrEqualTo(5), v.Name);
            maxRank = Math.Max(maxRank, dims.Count);
            foreach (var d in dims)
            {
                Assert.That(d.ValueCase, Is.EqualTo(TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue), $"{v.Name} has a symbolic dim");
                Assert.That(d.DimValue, Is.GreaterThan(0), v.Name);
            }
        }
        foreach (var init in gr.Initializer)
        {
            Assert.That(init.Dims.Count, Is.LessThanOrEqualTo(5), init.Name);
            maxRank = Math.Max(maxRank, init.Dims.Count);
            Assert.That(init.RawData.Length, Is.EqualTo(init.Dims.Aggregate(1L, (p, d) => p * d) * ElemSize(init.DataType)), init.Name);
        }
        TestContext.Out.WriteLine($"{block} fp16={fp16}: {gr.Node.Count} nodes, {gr.Initializer.Count} initializers, max rank {maxRank}");
        Assert.That(maxRank, Is.LessThanOrEqualTo(4), "the exporter keeps every tensor at rank 4 or less");

        // Nodes: default domain, known ops, unique names; every output annotated (value_info or graph output), defined once.
        Assert.That(gr.Node.Select(n => n.Name).Distinct().Count(), Is.EqualTo(gr.Node.Count));
        var annotated = gr.ValueInfo.Select(v => v.Name).Concat(gr.Output.Select(v => v.Name)).ToHashSet();
        var defined = gr.Input.Select(v => v.Name).Concat(gr.Initializer.Select(i => i.Name)).ToList();
        foreach (var n in gr.Node)
        {
            Assert.That(n.Domain, Is.Empty, n.Name);
            Assert.That(AllowedOps, Does.Contain(n.OpType), n.Name);
            foreach (var i in n.Input) Assert.That(defined, Does.Contain(i), $"{n.Name} reads {i} before it is defined");
            foreach (var o in n.Output) { Assert.That(annotated, Does.Contain(o), $"{n.Name} output {o}"); defined.Add(o); }
        }
        Assert.That(defined.Distinct().Count(), Is.EqualTo(defined.Count), "every value is defined once");

        // fp16: the big weights are stored as float16.
        if (fp16)
            Assert.That(gr.Initializer.Where(i => i.Name.EndsWith(".weight_t")).Select(i => i.DataType), Is.All.EqualTo(10));

        // ONNX Runtime agrees with the declared I/O.
        using var session = Session(bytes);
        Assert.That(session.InputMetadata.Keys, Is.EqualTo(new[] { "x", "t", "y", "cfg_scale", "y_uncond", "y_mix", "mix" }));
        Assert.That(session.OutputMetadata["eps"].Dimensions, Is.EqualTo(new[] { 2, (int)c, (int)s, (int)s }));
    }
}
