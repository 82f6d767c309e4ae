using System.Collections.Generic;
using System;
using System.IO;
using System.Linq;
using DiT.Training.Export.Onnx;
using DiTPlugin.Contract.Package;

namespace DiT.Training.Export;

/// <summary>
/// `dit upgrade`: gives an older package's DiT graphs the formatVersion-3 inputs, without its checkpoint: y_uncond
/// (<see cref="GraphTensors.YUncond"/>, negative guidance; models with a null class) and y_mix/mix (class mixing).
/// In each DiT graph the constant <see cref="DiTOnnxExporter.NullLabels"/> becomes the input y_uncond, and the label
/// embedding lookup becomes the mixed lookup the exporter writes: fed the null class and weight 0, the upgraded graph
/// computes what the old one did, bit for bit. model.json changes only where it must: the graphs' sha256, the
/// guidance flags, formatVersion (<see cref="PackageFormat.UnconditionalLabelVersion"/>) and contentHash.
/// </summary>
public static class GuidanceInputsUpgrade
{
    public static ModelManifest Apply(string folder)
    {
        string manifestPath = Path.Combine(folder, PackageFiles.Manifest);
        var manifest = ModelManifest.Parse(File.ReadAllBytes(manifestPath));
        bool addUncond = manifest.Guidance.UnconditionalLabelInput != true && manifest.Classes.NullClass is not null;
        bool addMix = manifest.Guidance.ClassMixInput != true;
        if (!addUncond && !addMix)
            throw new ArgumentException($"{folder}: its DiT graphs have every input of formatVersion {PackageFormat.UnconditionalLabelVersion} already.");
        var rewritten = manifest.Graphs.Where(g => g.Role == GraphRole.DiT).Select(g =>
        {
            var graph = ModelPackageWriter.ReadVerifiedGraph(folder, g);
            if (addUncond) graph = TakeLabelsAsInput(graph, g.File);
            if (addMix) graph = TakeMixInputs(graph, g.File);
            return (Info: g, Bytes: DiTOnnxExporter.ToBytes(graph));
        }).ToList();
        var graphs = manifest.Graphs.Select(g => rewritten.FirstOrDefault(r => r.Info == g) is { Bytes: { } b } ? g with { Sha256 = ModelPackageWriter.Sha256Hex(b) } : g).ToList();
        var upgraded = manifest with
        {
            FormatVersion = Math.Max(manifest.FormatVersion, PackageFormat.UnconditionalLabelVersion),
            Guidance = manifest.Guidance with
            {
                UnconditionalLabelInput = manifest.Classes.NullClass is null ? manifest.Guidance.UnconditionalLabelInput : true,
                ClassMixInput = true,
            },
            Graphs = graphs,
            ContentHash = ModelManifest.ContentHashOf(graphs),
        };
        // Graphs first, model.json last: until it is written the package still names the old hashes, and a reader
        // refuses it rather than running a graph it does not describe; an interrupted upgrade is run again.
        foreach (var (info, bytes) in rewritten) DiT.Training.Formats.AtomicFile.Write(Path.Combine(folder, info.File), s => s.Write(bytes));
        DiT.Training.Formats.AtomicFile.Write(manifestPath, s => s.Write(System.Text.Encoding.UTF8.GetBytes(upgraded.ToJson())));
        return upgraded;
    }

    /// <summary>The graph with its null-label constant replaced by the int64 input y_uncond of the same shape.</summary>
    public static ModelProto TakeLabelsAsInput(ModelProto model, string file)
    {
        var copy = model.Clone();
        var g = copy.Graph;
        if (g.Input.Any(i => i.Name == GraphTensors.YUncond)) throw new InvalidDataException($"{file} has the input {GraphTensors.YUncond} already.");
        var nulls = g.Initializer.SingleOrDefault(t => t.Name == DiTOnnxExporter.NullLabels)
            ?? throw new InvalidDataException($"{file} has no '{DiTOnnxExporter.NullLabels}' constant: it was not written by dit export, or runs no guidance.");
        if (nulls.DataType != (int)OnnxType.Int64 || nulls.Dims.Count != 1)
            throw new InvalidDataException($"{file}: '{DiTOnnxExporter.NullLabels}' is not a 1-D int64 tensor.");
        g.Initializer.Remove(nulls);
        foreach (var n in g.Node)
            for (int i = 0; i < n.Input.Count; i++)
                if (n.Input[i] == DiTOnnxExporter.NullLabels) n.Input[i] = GraphTensors.YUncond;
        g.Input.Add(GraphBuilder.ValueInfo(new OnnxValue(GraphTensors.YUncond, new[] { nulls.Dims[0] }, OnnxType.Int64)));
        return copy;
    }

    /// <summary>
    /// The label embedding lookup Gather(table, labels) replaced by the exporter's class mixing: the conditional half
    /// (1 − w)·E[y] + w·E[y_mix], the unconditional half E[labels of that half], concatenated as before.
    /// </summary>
    public static ModelProto TakeMixInputs(ModelProto model, string file)
    {
        var copy = model.Clone();
        var g = copy.Graph;
        if (g.Input.Any(i => i.Name == GraphTensors.YMix)) throw new InvalidDataException($"{file} has the input {GraphTensors.YMix} already.");
        const string TableName = "y_embedder.embedding_table.weight";
        var table = g.Initializer.SingleOrDefault(t => t.Name == TableName)
            ?? throw new InvalidDataException($"{file} has no '{TableName}': it was not written by dit export.");
        var lookup = g.Node.SingleOrDefault(n => n.OpType == "Gather" && n.Input.Count == 2 && n.Input[0] == TableName)
            ?? throw new InvalidDataException($"{file} has no single label-embedding lookup to mix.");
        var y = g.Input.FirstOrDefault(i => i.Name == GraphTensors.Y) ?? throw new InvalidDataException($"{file} has no input '{GraphTensors.Y}'.");
        long batch = y.Type.TensorType.Shape.Dim[0].DimValue;
        // Doubled graphs look up Concat(y, uncond); the others look up y itself.
        var concat = g.Node.SingleOrDefault(n => n.OpType == "Concat" && n.Output[0] == lookup.Input[1]);
        string? uncond = null;
        if (concat != null)
        {
            if (concat.Input.Count != 2 || concat.Input[0] != GraphTensors.Y) throw new InvalidDataException($"{file}: the labels are not [y, unconditional].");
            uncond = concat.Input[1];
        }
        else if (lookup.Input[1] != GraphTensors.Y) throw new InvalidDataException($"{file}: the label lookup reads '{lookup.Input[1]}', not y.");

        var nodes = new List<NodeProto>();
        NodeProto Node(string op, string output, params string[] inputs)
        {
            var n = GraphBuilder.MakeNode(op, inputs, new[] { output }, op + "_" + output);
            nodes.Add(n);
            return n;
        }
        g.Initializer.Add(new TensorProto { Name = "mix_axes", DataType = (int)OnnxType.Int64, Int64Data = { 1L }, Dims = { 1L } });
        Node("Unsqueeze", "mix_col", GraphTensors.Mix, "mix_axes");
        string w = "mix_col";
        if (table.DataType != (int)OnnxType.Float)
        {
            Node("Cast", "mix_compute", "mix_col").Attribute.Add(GraphBuilder.Attr("to", (long)table.DataType));
            w = "mix_compute";
        }
        var one = new TensorProto { Name = "mix_one", DataType = table.DataType };
        if (table.DataType == (int)OnnxType.Float) one.FloatData.Add(1f);
        else one.Int32Data.Add(0x3C00);   // float16 1.0, stored in int32_data as the ONNX spec says
        g.Initializer.Add(one);
        Node("Sub", "mix_keep", "mix_one", w);
        Node("Gather", "y_emb_cond", TableName, GraphTensors.Y);
        Node("Mul", "y_emb_kept", "y_emb_cond", "mix_keep");
        Node("Gather", "y_emb_mix", TableName, GraphTensors.YMix);
        Node("Mul", "y_emb_mixin", "y_emb_mix", w);
        string output = lookup.Output[0];
        if (uncond is null) Node("Add", output, "y_emb_kept", "y_emb_mixin");
        else
        {
            Node("Add", "y_emb_mixed", "y_emb_kept", "y_emb_mixin");
            Node("Gather", "y_emb_uncond", TableName, uncond);
            var cat = Node("Concat", output, "y_emb_mixed", "y_emb_uncond");
            cat.Attribute.Add(GraphBuilder.Attr("axis", 0L));
        }
        // The new nodes take the lookup's place (their inputs are graph inputs and initializers); the labels Concat
        // goes when nothing else reads it.
        int at = g.Node.IndexOf(lookup);
        g.Node.RemoveAt(at);
        for (int i = 0; i < nodes.Count; i++) g.Node.Insert(at + i, nodes[i]);
        if (concat != null && !g.Node.Any(n => n.Input.Contains(concat.Output[0]))) g.Node.Remove(concat);
        g.Input.Add(GraphBuilder.ValueInfo(new OnnxValue(GraphTensors.YMix, new[] { batch }, OnnxType.Int64)));
        g.Input.Add(GraphBuilder.ValueInfo(new OnnxValue(GraphTensors.Mix, new[] { batch }, OnnxType.Float)));
        return copy;
    }
}
