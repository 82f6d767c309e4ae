using System;
using System.Linq;
using System.Text.Json.Nodes;
using DiT.Training.Export;
using DiT.Training.Export.Onnx;
using DiT.Training.Model;
using DiT.Training.Tests.Vae;
using Google.Protobuf;
using NUnit.Framework;
using static DiT.Training.Tests.Export.OnnxTestUtil;

namespace DiT.Training.Tests.Export.DirectML;

/// <summary>
/// The DirectML check fails, naming the node, on graphs that break each rule it enforces: built by splicing a bad node
/// into an exported graph, or as a small graph of their own. An exported graph passes first, so each failure is the
/// splice's.
/// </summary>
public class DmlGraphCheckTests
{
    private static readonly Lazy<DmlOperatorTable> Table = new(DmlOperatorTable.Load);

    private static ModelProto TinyDiT()
    {
        using var model = RandomModel(Tiny(BlockType.AdaLNZero));
        return DiTOnnxExporter.Build(model, new DiTExportOptions { Batch = 2 });
    }

    private static ModelProto TinyDecoder()
    {
        using var vae = VaeFixture.RandomModel(VaeFixture.TinyConfig);
        return VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 4 }).Model;
    }

    private static System.Collections.Generic.List<string> Check(ModelProto m, DmlOperatorTable? table = null) =>
        DmlGraphCheck.Problems(m, table ?? Table.Value, OrtComputedTensors.Compute(m));

    private static NodeProto Node(ModelProto m, Func<NodeProto, bool> which) => m.Graph.Node.First(which);

    private static AttributeProto StringAttr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    [Test]
    public void TheUnmodifiedGraphsPass()
    {
        Assert.That(Check(TinyDiT()), Is.Empty);
        Assert.That(Check(TinyDecoder()), Is.Empty);
    }

    /// <summary>
    /// Unpatchify as the PyTorch DiT writes it: (N, T, p·p·C) → (N, g, g, p, p, C) → permute → (N, C, g·p, g·p). The
    /// 6-D reshape and permute are what DirectML refuses and why the exporter uses DepthToSpace instead.
    /// </summary>
    [Test]
    public void ASixDimensionalUnpatchifyFailsNamingItsNodes()
    {
        var g = new GraphBuilder("unpatchify6d");
        long n = 2, grid = 4, p = 2, c = 8;
        var patches = g.Input("patches", OnnxType.Float, n, grid * grid, p * p * c);
        var six = g.Reshape(patches, new[] { n, grid, grid, p, p, c }, "unpatchify.six");
        var perm = g.Transpose(six, new long[] { 0, 5, 1, 3, 2, 4 }, "unpatchify.permute");
        g.Output(g.Reshape(perm, new[] { n, c, grid * p, grid * p }, "unpatchify.image"), "image");
        var m = g.ToModel();

        var problems = Check(m);
        string reshape = m.Graph.Node[0].Name, transpose = m.Graph.Node[1].Name;
        Assert.That(problems, Has.Exactly(2).Items);
        Assert.That(problems, Has.Exactly(1).Matches<string>(s => s!.StartsWith($"{reshape}:") && s.Contains("has rank 6")));
        Assert.That(problems, Has.Exactly(1).Matches<string>(s => s!.StartsWith($"{transpose}:") && s.Contains("has rank 6")));
        Assert.That(problems, Has.None.StartsWith(m.Graph.Node[2].Name + ":"), "the final 4-D reshape is fine");
    }

    /// <summary>A 6-D Reshape and its inverse spliced into an exported DiT between unpatchify's grid and DepthToSpace.</summary>
    [Test]
    public void ASixDimensionalReshapeSplicedIntoTheDiTFailsNamingIt()
    {
        var m = TinyDiT();
        var d2s = Node(m, x => x.OpType == "DepthToSpace");
        string grid = d2s.Input[0];
        var shape = m.Graph.ValueInfo.First(v => v.Name == grid).Type.TensorType.Shape.Dim.Select(d => d.DimValue).ToArray();   // N, p·p·O, g, g
        long[] six = { shape[0], 2, 2, shape[1] / 4, shape[2], shape[3] };
        AddInt64s(m, "six_shape", six);
        AddInt64s(m, "four_shape", shape);
        var up = new NodeProto { Name = "Reshape_six_dims", OpType = "Reshape" };
        up.Input.Add(grid); up.Input.Add("six_shape"); up.Output.Add("grid_6d");
        var down = new NodeProto { Name = "Reshape_back_to_four", OpType = "Reshape" };
        down.Input.Add("grid_6d"); down.Input.Add("four_shape"); down.Output.Add("grid_4d_again");
        int at = m.Graph.Node.IndexOf(d2s);
        m.Graph.Node.Insert(at, down);
        m.Graph.Node.Insert(at, up);
        d2s.Input[0] = "grid_4d_again";

        var problems = Check(m);
        Assert.That(problems, Has.Exactly(1).Items);
        Assert.That(problems[0], Does.StartWith("Reshape_six_dims:").And.Contain("'grid_6d' has rank 6"));
    }

    /// <summary>com.microsoft's FusedConv is a CPU contrib kernel (ONNX Runtime's own fusion makes it) that DirectML does not register.</summary>
    [Test]
    public void AContribOpDirectMLLacksFailsNamingIt()
    {
        var m = TinyDecoder();
        var conv = Node(m, x => x.OpType == "Conv");
        conv.OpType = "FusedConv";
        conv.Domain = "com.microsoft";
        conv.Attribute.Add(StringAttr("activation", "Relu"));
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });

        var problems = Check(m);
        Assert.That(problems, Has.Exactly(1).Items);
        Assert.That(problems[0], Does.StartWith($"{conv.Name}: com.microsoft:FusedConv is not among the DirectML kernels"));
    }

    /// <summary>ONNX's MatMul takes int64 (ONNX Runtime's CPU runs it); DirectML's MatMul is float and float16 only.</summary>
    [Test]
    public void AnElementTypeDirectMLLacksFailsNamingTheNode()
    {
        var g = new GraphBuilder("int_matmul");
        var a = g.Input("a", OnnxType.Int64, 2, 3);
        var b = g.Input("b", OnnxType.Int64, 3, 2);
        g.Output(g.MatMul(a, b, "product"), "out");
        var m = g.ToModel();

        var problems = Check(m);
        Assert.That(problems, Has.Exactly(1).Items);
        Assert.That(problems[0], Does.StartWith($"{m.Graph.Node[0].Name}: MatMul-13 with T = int64;").And.Contain("{float, float16}"));
    }

    [Test]
    public void AnAttributeValueDirectMLRefusesFailsNamingTheNode()
    {
        var m = TinyDecoder();
        var resize = Node(m, x => x.OpType == "Resize");
        resize.Attribute.First(a => a.Name == "mode").S = ByteString.CopyFromUtf8("cubic");
        resize.Attribute.Remove(resize.Attribute.First(a => a.Name == "nearest_mode"));

        var problems = Check(m);
        Assert.That(problems, Is.EqualTo(new[] { $"{resize.Name}: mode = cubic; DirectML's Resize takes nearest | linear." }));
    }

    /// <summary>
    /// Softmax at opset 17 is Softmax-13. A registry without a 13 kernel (edited copy of the recorded table) must
    /// refuse it even though older Softmax kernels exist: ONNX Runtime matches the exact since-version.
    /// </summary>
    [Test]
    public void AVersionDirectMLDoesNotRegisterFailsNamingTheNode()
    {
        var json = JsonNode.Parse(System.IO.File.ReadAllText(DiTPlugin.TestSupport.RepoPaths.Find(DmlOperatorTable.RelativePath)))!;
        var softmax = json["operators"]!.AsArray().First(o => (string?)o!["op"] == "Softmax")!;
        var kernels = softmax["dml"]!.AsArray();
        kernels.Remove(kernels.First(k => (int)k!["since"]! == 13));
        var table = DmlOperatorTable.Parse(json.ToJsonString());

        var m = TinyDiT();
        var problems = Check(m, table);
        var softmaxNodes = m.Graph.Node.Where(x => x.OpType == "Softmax").Select(x => x.Name).ToArray();
        Assert.That(softmaxNodes, Is.Not.Empty);
        Assert.That(problems, Has.Count.EqualTo(softmaxNodes.Length));
        foreach (var name in softmaxNodes)
            Assert.That(problems, Has.Exactly(1).EqualTo($"{name}: Softmax resolves to version 13 at opset 17, and DirectML registers Softmax only for versions 11, 1 (a kernel matches its exact since-version)."));
    }

    [Test]
    public void AnOpsetAboveSeventeenFails()
    {
        var m = TinyDiT();
        m.OpsetImport[0].Version = 18;
        // ReduceMean and Split would change meaning at 18; the DiT uses Split, but ONNX Runtime still runs opset-18
        // Split without the 'split' input the same way.
        var problems = DmlGraphCheck.Problems(m, Table.Value, OrtComputedTensors.Compute(TinyDiT()));
        Assert.That(problems, Is.EqualTo(new[] { "the model imports ai.onnx opset 18; DirectML's provider supports up to opset 17." }));
    }

    [Test]
    public void SymbolicDimensionsFailNamingTheTensor()
    {
        var m = TinyDiT();
        var eps = m.Graph.Output.First(o => o.Name == "eps").Type.TensorType.Shape.Dim[0];
        eps.DimParam = "batch";
        var inner = m.Graph.ValueInfo[5];
        inner.Type.TensorType.Shape.Dim[0].DimParam = "n";

        var problems = Check(m);
        Assert.That(problems, Has.Exactly(1).EqualTo("graph output 'eps': dimension 0 is symbolic ('batch'); DirectML wants static shapes."));
        Assert.That(problems, Has.Exactly(1).EqualTo($"value_info '{inner.Name}': dimension 0 is symbolic ('n'); DirectML wants static shapes."));
    }

    [Test]
    public void AShapeDeclarationThatDisagreesWithONNXRuntimeFails()
    {
        var m = TinyDiT();
        var d2s = Node(m, x => x.OpType == "DepthToSpace");
        var declared = m.Graph.ValueInfo.First(v => v.Name == d2s.Output[0]);
        declared.Type.TensorType.Shape.Dim[2].DimValue += 1;

        var problems = Check(m);
        Assert.That(problems, Has.Exactly(1).Items);
        Assert.That(problems[0], Does.StartWith($"{d2s.Name}: '{d2s.Output[0]}' is declared float[").And.Contain("but ONNX Runtime computed float["));
    }

    /// <summary>A Reshape whose target shape is computed (here through an Identity) cannot be built by DirectML ahead of the run.</summary>
    [Test]
    public void AComputedShapeInputFailsNamingTheReshape()
    {
        var m = TinyDiT();
        var reshape = Node(m, x => x.OpType == "Reshape");
        var ident = new NodeProto { Name = "Identity_of_shape", OpType = "Identity" };
        ident.Input.Add(reshape.Input[1]); ident.Output.Add("shape_at_run_time");
        m.Graph.Node.Insert(m.Graph.Node.IndexOf(reshape), ident);
        reshape.Input[1] = "shape_at_run_time";

        var problems = Check(m);
        Assert.That(problems, Is.EqualTo(new[] { $"{reshape.Name}: input 1 ('shape_at_run_time') is computed at run time, but DirectML reads it on the CPU when it builds the operator; it must be an initializer." }));
    }

    private static void AddInt64s(ModelProto m, string name, long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)OnnxType.Int64, RawData = ByteString.CopyFrom(values.SelectMany(BitConverter.GetBytes).ToArray()) };
        t.Dims.Add(values.Length);
        m.Graph.Initializer.Add(t);
    }
}
