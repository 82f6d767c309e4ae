using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using DiT.Training.Export.Onnx;
using DiTPlugin.Contract.Package;
using Google.Protobuf;

namespace DiT.Training.Export.Int8;

/// <summary>
/// Turns an fp32 DiT graph from <see cref="DiTOnnxExporter"/> into the int8 graph: each linear layer chosen by
/// <see cref="Int8Options"/> (a MatMul by a "*.weight_t" initializer) gets int8 weights per output channel
/// (<see cref="Int8Weights"/>) and activations quantized per tensor at run time. Everything else, including the
/// attention score and context MatMuls (activation by activation) unless <see cref="Int8Options.QuantizeAttention"/>,
/// stays as exported. Working on the graph rather
/// than on a state_dict lets a package that has lost its checkpoint gain an int8 graph from its dit.onnx.
/// </summary>
public static class Int8GraphRewriter
{
    public const string MicrosoftDomain = "com.microsoft";
    private const int Float = 1, UInt8 = 2, Int8 = 3, Int32 = 6;

    /// <summary>
    /// The int8 graph of <paramref name="fp32"/>; <paramref name="quantized"/> names what was quantized, in graph order
    /// (linear layers by weight prefix, attention products by output name), for reports and tests.
    /// </summary>
    public static ModelProto Quantize(ModelProto fp32, Int8Options? options, out IReadOnlyList<string> quantized)
    {
        options ??= new Int8Options();
        var model = fp32.Clone();
        var graph = model.Graph;
        var inits = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var consumers = graph.Node.SelectMany(n => n.Input.Select(i => (i, n))).ToLookup(p => p.i, p => p.n, StringComparer.Ordinal);
        var done = new List<string>();
        var newNodes = new List<NodeProto>();
        var dropNodes = new HashSet<NodeProto>();
        var dropInits = new HashSet<string>(StringComparer.Ordinal);
        var dropValueInfo = new HashSet<string>(StringComparer.Ordinal);

        foreach (var node in graph.Node)
        {
            if (dropNodes.Contains(node)) continue;
            if (options.QuantizeAttention && IsAttentionMatMul(node, inits))
            {
                newNodes.AddRange(QuantizedActivationMatMul(node));
                done.Add(node.Output[0]);
                continue;
            }
            if (node.OpType != "MatMul" || node.Domain != "" || node.Input.Count != 2
                || !inits.TryGetValue(node.Input[1], out var wt) || !wt.Name.EndsWith(".weight_t", StringComparison.Ordinal)
                || wt.DataType != Float || wt.Dims.Count != 2)
            {
                newNodes.Add(node);
                continue;
            }
            string layer = wt.Name[..^".weight_t".Length];
            if (!options.Quantizes(layer))
            {
                if (options.StoreFloatWeightsAsFp16) newNodes.Add(StoredAsFp16(graph, wt, dropInits));
                newNodes.Add(node);
                continue;
            }
            if (consumers[wt.Name].Count() != 1)
                throw new InvalidDataException($"{wt.Name} feeds more than one node; the rewrite replaces the weight in place.");

            int rows = checked((int)wt.Dims[0]), cols = checked((int)wt.Dims[1]);
            var (q, scales) = Int8Weights.PerOutputChannel(FloatsOf(wt), rows, cols);
            var wq = Tensor(layer + ".weight_q", Int8, new long[] { rows, cols }, MemoryMarshal.AsBytes(q.AsSpan()).ToArray());
            var ws = Tensor(layer + ".weight_scale", Float, new long[] { cols }, MemoryMarshal.AsBytes(scales.AsSpan()).ToArray());
            graph.Initializer.Add(wq);
            graph.Initializer.Add(ws);
            dropInits.Add(wt.Name);
            string x = node.Input[0], y = node.Output[0];

            if (options.Kernel == Int8Kernel.Microsoft)
            {
                // Fold the bias Add when it is the MatMul's only consumer and adds a "<layer>.bias" initializer.
                var users = consumers[y].ToList();
                var add = users.Count == 1 && users[0].OpType == "Add" && users[0].Input.Count == 2 ? users[0] : null;
                string? bias = add?.Input.FirstOrDefault(i => i != y && inits.TryGetValue(i, out var b) && b.Dims.Count == 1 && b.Dims[0] == cols);
                var dq = new NodeProto { OpType = "DynamicQuantizeMatMul", Domain = MicrosoftDomain, Name = "DynamicQuantizeMatMul_" + layer };
                dq.Input.AddRange(new[] { x, wq.Name, ws.Name, "", bias ?? "" });
                if (add != null && bias != null)
                {
                    dq.Output.Add(add.Output[0]);
                    dropNodes.Add(add);
                    dropValueInfo.Add(y);
                }
                else dq.Output.Add(y);
                newNodes.Add(dq);
            }
            else
            {
                var zp = Tensor(layer + ".weight_zero_point", Int8, Array.Empty<long>(), new byte[1]);
                graph.Initializer.Add(zp);
                string xq = layer + ".x_q", xs = layer + ".x_scale", xz = layer + ".x_zero_point", acc = layer + ".acc", accF = layer + ".acc_f", s = layer + ".scale";
                newNodes.Add(GraphBuilder.MakeNode("DynamicQuantizeLinear", new[] { x }, new[] { xq, xs, xz }, "DynamicQuantizeLinear_" + layer));
                newNodes.Add(GraphBuilder.MakeNode("MatMulInteger", new[] { xq, wq.Name, xz, zp.Name }, new[] { acc }, "MatMulInteger_" + layer));
                var cast = GraphBuilder.MakeNode("Cast", new[] { acc }, new[] { accF }, "Cast_" + layer);
                cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = Float });
                newNodes.Add(cast);
                newNodes.Add(GraphBuilder.MakeNode("Mul", new[] { xs, ws.Name }, new[] { s }, "Mul_" + layer + ".scales"));
                newNodes.Add(GraphBuilder.MakeNode("Mul", new[] { accF, s }, new[] { y }, "Mul_" + layer + ".dequant"));
            }
            done.Add(layer);
        }
        if (done.Count == 0) throw new InvalidDataException("The graph has no linear layer to quantize with these options.");

        graph.Node.Clear();
        graph.Node.AddRange(newNodes.Where(n => !dropNodes.Contains(n)));
        var keep = graph.Initializer.Where(t => !dropInits.Contains(t.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.AddRange(keep);
        var vis = graph.ValueInfo.Where(v => !dropValueInfo.Contains(v.Name)).ToList();
        graph.ValueInfo.Clear();
        graph.ValueInfo.AddRange(vis);
        int gelus = options.FuseGelu ? FastGeluFusion.Apply(graph) : 0;
        if ((options.Kernel == Int8Kernel.Microsoft || gelus > 0) && model.OpsetImport.All(o => o.Domain != MicrosoftDomain))
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });

        foreach (var p in model.MetadataProps.Where(p => p.Key == "ditplugin.precision")) p.Value = Precisions.Int8;
        model.DocString += $" int8: {done.Count} linear layers with int8 weights per output channel and per-tensor dynamic activations ({options.Kernel} ops)"
            + (gelus > 0 ? $"; {gelus} GELUs fused into FastGelu." : ".");
        quantized = done;
        return model;
    }

    public static ModelProto Quantize(ModelProto fp32, Int8Options? options = null) => Quantize(fp32, options, out _);

    /// <summary>
    /// Replaces float32 initializer <paramref name="wt"/> by its float16 rounding ("&lt;name&gt;_fp16") and returns the
    /// Cast that makes the float32 value again under the old name. ONNX Runtime folds that Cast into a float32 initializer
    /// when the session loads, so the layer computes exactly as before on weights rounded to 11 significant bits.
    /// </summary>
    private static NodeProto StoredAsFp16(GraphProto graph, TensorProto wt, HashSet<string> dropInits)
    {
        var values = FloatsOf(wt);
        var half = new Half[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            half[i] = (Half)values[i];
            if (Half.IsInfinity(half[i]) && !float.IsInfinity(values[i]))
                throw new InvalidDataException($"{wt.Name}[{i}] = {values[i]} is beyond float16's range; leave the graph's float weights in float32.");
        }
        const int Float16 = 10;
        graph.Initializer.Add(Tensor(wt.Name + "_fp16", Float16, wt.Dims.ToArray(), MemoryMarshal.AsBytes(half.AsSpan()).ToArray()));
        dropInits.Add(wt.Name);
        var cast = GraphBuilder.MakeNode("Cast", new[] { wt.Name + "_fp16" }, new[] { wt.Name }, "Cast_" + wt.Name);
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = Float });
        return cast;
    }

    /// <summary>Attention's q·kᵀ ("*.scores") and probabilities·v ("*.context"): a MatMul of two activations.</summary>
    private static bool IsAttentionMatMul(NodeProto n, Dictionary<string, TensorProto> inits) =>
        n.OpType == "MatMul" && n.Domain == "" && n.Input.Count == 2 && !inits.ContainsKey(n.Input[0]) && !inits.ContainsKey(n.Input[1])
        && (n.Output[0].EndsWith(".scores", StringComparison.Ordinal) || n.Output[0].EndsWith(".context", StringComparison.Ordinal));

    /// <summary>Both operands quantized per tensor at run time (uint8), MatMulInteger, then scaled back by the two scales.</summary>
    private static IEnumerable<NodeProto> QuantizedActivationMatMul(NodeProto mm)
    {
        string y = mm.Output[0];
        string[] a = { y + ".a_q", y + ".a_scale", y + ".a_zero_point" }, b = { y + ".b_q", y + ".b_scale", y + ".b_zero_point" };
        yield return GraphBuilder.MakeNode("DynamicQuantizeLinear", new[] { mm.Input[0] }, a, "DynamicQuantizeLinear_" + y + ".a");
        yield return GraphBuilder.MakeNode("DynamicQuantizeLinear", new[] { mm.Input[1] }, b, "DynamicQuantizeLinear_" + y + ".b");
        yield return GraphBuilder.MakeNode("MatMulInteger", new[] { a[0], b[0], a[2], b[2] }, new[] { y + ".acc" }, "MatMulInteger_" + y);
        var cast = GraphBuilder.MakeNode("Cast", new[] { y + ".acc" }, new[] { y + ".acc_f" }, "Cast_" + y);
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = Float });
        yield return cast;
        yield return GraphBuilder.MakeNode("Mul", new[] { a[1], b[1] }, new[] { y + ".scale" }, "Mul_" + y + ".scales");
        yield return GraphBuilder.MakeNode("Mul", new[] { y + ".acc_f", y + ".scale" }, new[] { y }, "Mul_" + y + ".dequant");
    }

    private static TensorProto Tensor(string name, int type, long[] dims, byte[] raw)
    {
        var t = new TensorProto { Name = name, DataType = type, RawData = UnsafeByteOperations.UnsafeWrap(raw) };
        t.Dims.AddRange(dims);
        return t;
    }

    /// <summary>A float32 initializer's values (raw_data as the exporter writes it, or float_data).</summary>
    internal static float[] FloatsOf(TensorProto t)
    {
        if (t.DataType != Float) throw new InvalidDataException($"{t.Name} is not float32.");
        long count = t.Dims.Aggregate(1L, (a, d) => a * d);
        if (!t.RawData.IsEmpty)
        {
            if (t.RawData.Length != count * 4) throw new InvalidDataException($"{t.Name}: raw_data has {t.RawData.Length} bytes for {count} floats.");
            return MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
        }
        if (t.FloatData.Count != count) throw new InvalidDataException($"{t.Name}: {t.FloatData.Count} float_data values for {count}.");
        return t.FloatData.ToArray();
    }
}
