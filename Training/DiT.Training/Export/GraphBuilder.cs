using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Contract.Package;
using DiT.Training.Export.Onnx;
using Google.Protobuf;
using static TorchSharp.torch;

namespace DiT.Training.Export;

/// <summary>ONNX element types we use (TensorProto.DataType values).</summary>
public enum OnnxType
{
    Float = 1,
    Int64 = 7,
    Float16 = 10,
}

/// <summary>A named tensor in the graph with its static shape and element type.</summary>
public sealed record OnnxValue(string Name, long[] Shape, OnnxType Type)
{
    public int Rank => Shape.Length;
    public long Dim(int axis) => Shape[axis < 0 ? axis + Shape.Length : axis];
    public override string ToString() => $"{Name}:{Type}[{string.Join(",", Shape)}]";
}

/// <summary>
/// A small builder for static-shape ONNX graphs: initializers from TorchSharp tensors or arrays, nodes with unique
/// names, and a value_info for every intermediate. Each op helper computes its output's shape itself, so the
/// graph is fully annotated and shape mistakes fail here, at export, with a message naming the node.
/// </summary>
public sealed class GraphBuilder
{
    public const long IrVersion = 8;
    public const long Opset = PackageFormat.Opset;
    public const string Producer = "DiTPlugin";

    private readonly GraphProto graph = new();
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> counters = new(StringComparer.Ordinal);

    public GraphBuilder(string graphName) => graph.Name = graphName;

    // ---- naming ----

    /// <summary>A fresh name: <paramref name="stem"/> itself the first time, then stem_1, stem_2, ...</summary>
    public string Unique(string stem)
    {
        if (names.Add(stem)) return stem;
        counters.TryGetValue(stem, out int n);
        string candidate;
        do candidate = $"{stem}_{++n}"; while (!names.Add(candidate));
        counters[stem] = n;
        return candidate;
    }

    // ---- graph inputs / outputs ----

    public OnnxValue Input(string name, OnnxType type, params long[] shape)
    {
        if (!names.Add(name)) throw new InvalidOperationException($"Duplicate graph name '{name}'.");
        var v = new OnnxValue(name, shape, type);
        graph.Input.Add(ValueInfo(v));
        return v;
    }

    /// <summary>Declares <paramref name="v"/> a graph output named <paramref name="name"/> (via Identity when renaming).</summary>
    public OnnxValue Output(OnnxValue v, string name)
    {
        if (v.Name != name)
        {
            if (!names.Add(name)) throw new InvalidOperationException($"Duplicate graph name '{name}'.");
            graph.Node.Add(MakeNode("Identity", new[] { v.Name }, new[] { name }, Unique("Identity_" + name)));
            v = v with { Name = name };
        }
        graph.Output.Add(ValueInfo(v));
        return v;
    }

    // ---- initializers ----

    /// <summary>A weight initializer from a TorchSharp tensor, stored as float32 or float16 raw_data.</summary>
    public OnnxValue Initializer(string name, Tensor t, OnnxType type)
    {
        using var scope = NewDisposeScope();
        var st = type switch
        {
            OnnxType.Float => ScalarType.Float32,
            OnnxType.Float16 => ScalarType.Float16,
            OnnxType.Int64 => ScalarType.Int64,
            _ => throw new ArgumentOutOfRangeException(nameof(type)),
        };
        var c = t.detach().cpu().to_type(st).contiguous();
        if (Sink != null && c.numel() * c.ElementSize >= OnnxExternalData.MinExternalBytes) return AddExternal(name, c.shape, type, c.bytes);
        return AddInitializer(name, c.shape, type, c.bytes.ToArray());
    }

    public OnnxValue Constant(string name, float[] data, long[] shape, OnnxType type = OnnxType.Float)
    {
        using var t = tensor(data, shape);
        return Initializer(name, t, type);
    }

    public OnnxValue Int64s(string name, params long[] data)
    {
        var bytes = new byte[data.Length * 8];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian.");
        return AddInitializer(name, new long[] { data.Length }, OnnxType.Int64, bytes);
    }

    public OnnxValue Scalar(string name, float value, OnnxType type) => Constant(name, new[] { value }, Array.Empty<long>(), type);

    /// <summary>Protobuf messages are limited to 2 GiB; we stay clear of it (no external-data files in the package format).</summary>
    public const long MaxInitializerBytes = 2_000_000_000;

    /// <summary>
    /// The weights will be written to an external data file (<see cref="OnnxExternalData"/>), so they may exceed
    /// <see cref="MaxInitializerBytes"/>: only the graph itself must fit one protobuf message.
    /// </summary>
    public bool ExternalData { get; set; }

    /// <summary>When set, initializers of at least <see cref="OnnxExternalData.MinExternalBytes"/> are written to it at once
    /// and the graph keeps only their location, offset and length.</summary>
    public ExternalDataSink? Sink { get; set; }

    /// <summary>Bytes of initializer payload so far.</summary>
    public long InitializerBytes { get; private set; }

    private OnnxValue AddInitializer(string name, long[] shape, OnnxType type, byte[] raw)
    {
        InitializerBytes += raw.LongLength;
        if (!ExternalData && InitializerBytes > MaxInitializerBytes)
            throw new InvalidOperationException(
                $"The graph's weights exceed {MaxInitializerBytes / 1e9:F1} GB, beyond what one ONNX protobuf file can hold; " +
                "export them to an external data file (dit export --external-data) or in fp16 only (--fp16-only) to halve them.");
        var unique = Unique(name);
        var tp = new TensorProto { Name = unique, DataType = (int)type, RawData = UnsafeByteOperations.UnsafeWrap(raw) };   // raw is ours alone
        tp.Dims.AddRange(shape);
        graph.Initializer.Add(tp);
        return new OnnxValue(unique, shape.ToArray(), type);
    }

    private OnnxValue AddExternal(string name, long[] shape, OnnxType type, ReadOnlySpan<byte> raw)
    {
        InitializerBytes += raw.Length;
        long offset = Sink!.Append(raw);
        var unique = Unique(name);
        var tp = new TensorProto { Name = unique, DataType = (int)type, DataLocation = TensorProto.Types.DataLocation.External };
        tp.Dims.AddRange(shape);
        OnnxExternalData.Describe(tp, Sink.Location, offset, raw.Length);
        graph.Initializer.Add(tp);
        return new OnnxValue(unique, shape.ToArray(), type);
    }

    // ---- nodes ----

    /// <summary>Adds a node; outputs get fresh names derived from <paramref name="hint"/> and a value_info each.</summary>
    public OnnxValue[] Node(string opType, IReadOnlyList<OnnxValue?> inputs, IReadOnlyList<(long[] Shape, OnnxType Type)> outputs,
        string hint, params AttributeProto[] attributes)
    {
        var outs = outputs.Select(o => new OnnxValue(Unique(hint), o.Shape, o.Type)).ToArray();
        var node = MakeNode(opType, inputs.Select(i => i?.Name ?? "").ToArray(), outs.Select(o => o.Name).ToArray(),
            Unique(opType + "_" + hint));
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        foreach (var o in outs)
        {
            if (o.Shape.Any(d => d <= 0))
                throw new InvalidOperationException($"Node {node.Name} ({opType}) would produce {o}: non-positive dimension.");
            graph.ValueInfo.Add(ValueInfo(o));
        }
        return outs;
    }

    public OnnxValue Node1(string opType, IReadOnlyList<OnnxValue?> inputs, long[] shape, OnnxType type, string hint,
        params AttributeProto[] attributes) => Node(opType, inputs, new[] { (shape, type) }, hint, attributes)[0];

    /// <summary>A bare node (no value_info): for the graph rewrites (int8, `dit upgrade`) as well as this builder.</summary>
    internal static NodeProto MakeNode(string op, string[] inputs, string[] outputs, string name)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        return n;
    }

    public static AttributeProto Attr(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attr(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attr(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attr(string name, long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    internal static ValueInfoProto ValueInfo(OnnxValue v)
    {
        var shape = new TensorShapeProto();
        foreach (var d in v.Shape) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = v.Name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)v.Type, Shape = shape } },
        };
    }

    // ---- typed op helpers (shapes computed here) ----

    public static long[] Broadcast(long[] a, long[] b)
    {
        int r = Math.Max(a.Length, b.Length);
        var o = new long[r];
        for (int i = 0; i < r; i++)
        {
            long da = i - (r - a.Length) >= 0 ? a[i - (r - a.Length)] : 1;
            long db = i - (r - b.Length) >= 0 ? b[i - (r - b.Length)] : 1;
            if (da != db && da != 1 && db != 1)
                throw new InvalidOperationException($"Shapes [{string.Join(",", a)}] and [{string.Join(",", b)}] do not broadcast.");
            o[i] = Math.Max(da, db);
        }
        return o;
    }

    private OnnxValue Binary(string op, OnnxValue a, OnnxValue b, string hint)
    {
        if (a.Type != b.Type) throw new InvalidOperationException($"{op} {hint}: {a} and {b} differ in type.");
        return Node1(op, new[] { a, b }, Broadcast(a.Shape, b.Shape), a.Type, hint);
    }

    public OnnxValue Add(OnnxValue a, OnnxValue b, string hint) => Binary("Add", a, b, hint);
    public OnnxValue Sub(OnnxValue a, OnnxValue b, string hint) => Binary("Sub", a, b, hint);
    public OnnxValue Mul(OnnxValue a, OnnxValue b, string hint) => Binary("Mul", a, b, hint);

    public OnnxValue Unary(string op, OnnxValue a, string hint) => Node1(op, new[] { a }, a.Shape, a.Type, hint);

    public OnnxValue Cast(OnnxValue a, OnnxType to, string hint) =>
        a.Type == to ? a : Node1("Cast", new[] { a }, a.Shape, to, hint, Attr("to", (long)to));

    public OnnxValue MatMul(OnnxValue a, OnnxValue b, string hint)
    {
        if (a.Rank < 2 || b.Rank < 2 || a.Dim(-1) != b.Dim(-2))
            throw new InvalidOperationException($"MatMul {hint}: {a} x {b} do not fit.");
        var batch = Broadcast(a.Shape[..^2], b.Shape[..^2]);
        return Node1("MatMul", new[] { a, b }, batch.Append(a.Dim(-2)).Append(b.Dim(-1)).ToArray(), a.Type, hint);
    }

    public OnnxValue Reshape(OnnxValue a, long[] shape, string hint)
    {
        if (shape.Aggregate(1L, (p, d) => p * d) != a.Shape.Aggregate(1L, (p, d) => p * d))
            throw new InvalidOperationException($"Reshape {hint}: {a} to [{string.Join(",", shape)}] changes the size.");
        return Node1("Reshape", new[] { a, Int64s(hint + "_shape", shape) }, shape, a.Type, hint);
    }

    public OnnxValue Transpose(OnnxValue a, long[] perm, string hint) =>
        Node1("Transpose", new[] { a }, perm.Select(p => a.Shape[p]).ToArray(), a.Type, hint, Attr("perm", perm));

    public OnnxValue Concat(IReadOnlyList<OnnxValue> parts, int axis, string hint)
    {
        var shape = parts[0].Shape.ToArray();
        int ax = axis < 0 ? axis + shape.Length : axis;
        shape[ax] = parts.Sum(p => p.Shape[ax]);
        return Node1("Concat", parts, shape, parts[0].Type, hint, Attr("axis", (long)axis));
    }

    /// <summary>Equal parts along <paramref name="axis"/> (opset 13+ Split without the 'split' input).</summary>
    public OnnxValue[] Split(OnnxValue a, int axis, int parts, string hint)
    {
        int ax = axis < 0 ? axis + a.Rank : axis;
        if (a.Shape[ax] % parts != 0) throw new InvalidOperationException($"Split {hint}: {a} axis {axis} not divisible by {parts}.");
        var shape = a.Shape.ToArray();
        shape[ax] /= parts;
        return Node("Split", new[] { a }, Enumerable.Repeat((shape, a.Type), parts).ToArray(), hint, Attr("axis", (long)axis));
    }

    public OnnxValue Unsqueeze(OnnxValue a, int axis, string hint)
    {
        var shape = a.Shape.ToList();
        shape.Insert(axis < 0 ? axis + a.Rank + 1 : axis, 1);
        return Node1("Unsqueeze", new[] { a, Int64s(hint + "_axes", axis) }, shape.ToArray(), a.Type, hint);
    }

    /// <summary>Slice [start, end) on one axis.</summary>
    public OnnxValue Slice(OnnxValue a, int axis, long start, long end, string hint)
    {
        int ax = axis < 0 ? axis + a.Rank : axis;
        if (start < 0 || end > a.Shape[ax] || start >= end) throw new InvalidOperationException($"Slice {hint}: [{start},{end}) out of {a}.");
        var shape = a.Shape.ToArray();
        shape[ax] = end - start;
        return Node1("Slice", new[] { a, Int64s(hint + "_starts", start), Int64s(hint + "_ends", end), Int64s(hint + "_axes", ax) },
            shape, a.Type, hint);
    }

    public OnnxValue Gather(OnnxValue data, OnnxValue indices, string hint) =>
        Node1("Gather", new[] { data, indices }, indices.Shape.Concat(data.Shape[1..]).ToArray(), data.Type, hint, Attr("axis", 0L));

    public OnnxValue Softmax(OnnxValue a, string hint) => Node1("Softmax", new[] { a }, a.Shape, a.Type, hint, Attr("axis", -1L));

    public OnnxValue LayerNorm(OnnxValue a, OnnxValue scale, OnnxValue bias, float eps, string hint) =>
        Node1("LayerNormalization", new[] { a, scale, bias }, a.Shape, a.Type, hint, Attr("axis", -1L), Attr("epsilon", eps));

    /// <summary>
    /// DepthToSpace; <paramref name="mode"/> "DCR" (depth-column-row, the DiT unpatchify's order) or "CRD" (torch's
    /// pixel_shuffle order).
    /// </summary>
    public OnnxValue DepthToSpace(OnnxValue a, int block, string hint, string mode = "DCR")
    {
        var s = a.Shape;
        if (s.Length != 4 || s[1] % (block * block) != 0) throw new InvalidOperationException($"DepthToSpace {hint}: bad input {a}.");
        return Node1("DepthToSpace", new[] { a }, new[] { s[0], s[1] / (block * block), s[2] * block, s[3] * block }, a.Type, hint,
            Attr("blocksize", (long)block), Attr("mode", mode));
    }

    /// <summary>
    /// Circular padding by p on H and W as Slice + Concat: opset 17 Pad has no "wrap" mode (it came in opset 19),
    /// and DirectML wants opset ≤ 17. Rows first, then columns, so the corners come from the opposite corner.
    /// </summary>
    public OnnxValue CircularPad(OnnxValue x, long p, string hint)
    {
        for (int axis = 2; axis <= 3; axis++)
        {
            long n = x.Dim(axis);
            if (p > n) throw new InvalidOperationException($"{hint}: circular padding {p} exceeds the side {n}.");
            var head = Slice(x, axis, n - p, n, $"{hint}.wrap{axis}_head");
            var tail = Slice(x, axis, 0, p, $"{hint}.wrap{axis}_tail");
            x = Concat(new[] { head, x, tail }, axis, $"{hint}.wrap{axis}");
        }
        return x;
    }

    /// <summary>2-D convolution with kernel = stride = k, no padding.</summary>
    public OnnxValue PatchConv(OnnxValue x, OnnxValue w, OnnxValue b, int k, string hint)
    {
        var s = x.Shape;
        return Node1("Conv", new[] { x, w, b }, new[] { s[0], w.Shape[0], s[2] / k, s[3] / k }, x.Type, hint,
            Attr("kernel_shape", new long[] { k, k }), Attr("strides", new long[] { k, k }));
    }

    /// <summary>
    /// 2-D convolution, weight [O, I, kh, kw], with <paramref name="stride"/> and <paramref name="pads"/> as
    /// (top, left, bottom, right) — ONNX's [x1_begin, x2_begin, x1_end, x2_end]; asymmetric pads are allowed.
    /// </summary>
    public OnnxValue Conv(OnnxValue x, OnnxValue w, OnnxValue? b, int stride, long[] pads, string hint)
    {
        var s = x.Shape;
        if (s.Length != 4 || w.Rank != 4 || w.Dim(1) != s[1] || pads.Length != 4 || stride < 1)
            throw new InvalidOperationException($"Conv {hint}: input {x}, weight {w}, stride {stride}, pads [{string.Join(",", pads)}] do not fit.");
        long kh = w.Dim(2), kw = w.Dim(3);
        long oh = (s[2] + pads[0] + pads[2] - kh) / stride + 1, ow = (s[3] + pads[1] + pads[3] - kw) / stride + 1;
        var inputs = b is null ? new[] { x, w } : new[] { x, w, b };
        return Node1("Conv", inputs, new[] { s[0], w.Dim(0), oh, ow }, x.Type, hint,
            Attr("kernel_shape", new[] { kh, kw }), Attr("strides", new long[] { stride, stride }), Attr("pads", pads),
            Attr("dilations", new long[] { 1, 1 }), Attr("group", 1L));
    }

    /// <summary>Nearest-neighbour upsampling of the two spatial axes by an integer factor (each pixel repeated factor x factor), as torch's mode="nearest".</summary>
    public OnnxValue ResizeNearest(OnnxValue x, int factor, string hint)
    {
        var s = x.Shape;
        if (s.Length != 4 || factor < 1) throw new InvalidOperationException($"Resize {hint}: bad input {x} or factor {factor}.");
        var scales = Constant(hint + "_scales", new[] { 1f, 1f, factor, factor }, new long[] { 4 });
        // asymmetric + floor: output pixel i reads input floor(i / factor), exactly torch's nearest.
        return Node1("Resize", new OnnxValue?[] { x, null, scales }, new[] { s[0], s[1], s[2] * factor, s[3] * factor }, x.Type, hint,
            Attr("mode", "nearest"), Attr("coordinate_transformation_mode", "asymmetric"), Attr("nearest_mode", "floor"));
    }

    /// <summary>Mean over <paramref name="axes"/>, keeping them as size 1 (opset 17: axes is an attribute).</summary>
    public OnnxValue ReduceMean(OnnxValue a, long[] axes, string hint)
    {
        var shape = a.Shape.ToArray();
        foreach (var ax in axes) shape[ax < 0 ? ax + a.Rank : ax] = 1;
        return Node1("ReduceMean", new[] { a }, shape, a.Type, hint, Attr("axes", axes), Attr("keepdims", 1L));
    }

    public OnnxValue Div(OnnxValue a, OnnxValue b, string hint) => Binary("Div", a, b, hint);

    /// <summary>Clamp to [min, max]; the bounds are scalars of the input's type (opset 11+ Clip takes them as inputs).</summary>
    public OnnxValue Clip(OnnxValue a, OnnxValue min, OnnxValue max, string hint)
    {
        if (min.Rank != 0 || max.Rank != 0 || min.Type != a.Type || max.Type != a.Type)
            throw new InvalidOperationException($"Clip {hint}: bounds {min}, {max} must be scalars of {a.Type}.");
        return Node1("Clip", new[] { a, min, max }, a.Shape, a.Type, hint);
    }

    // ---- the model ----

    public ModelProto ToModel(string docString = "")
    {
        var m = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = Producer,
            ProducerVersion = typeof(GraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = graph,
            DocString = docString,
        };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return m;
    }
}
