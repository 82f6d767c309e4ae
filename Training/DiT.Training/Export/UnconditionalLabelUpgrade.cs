using System;
using System.IO;
using System.Linq;
using DiT.Training.Export.Onnx;
using DiTPlugin.Contract.Package;

namespace DiT.Training.Export;

/// <summary>
/// `dit upgrade`: makes an older package's DiT graphs take the unconditional labels as the input y_uncond
/// (<see cref="GraphTensors.YUncond"/>), for negative-class guidance, without its checkpoint. In each DiT graph the
/// constant <see cref="DiTOnnxExporter.NullLabels"/> becomes that input, which is all an export with
/// <see cref="DiTExportOptions.UnconditionalLabelInput"/> does differently: given the null class, the upgraded graph
/// computes what the old one did. model.json changes only where it must: the graphs' sha256, guidance.
/// unconditionalLabelInput, formatVersion (<see cref="PackageFormat.UnconditionalLabelVersion"/>) and contentHash.
/// </summary>
public static class UnconditionalLabelUpgrade
{
    public static ModelManifest Apply(string folder)
    {
        string manifestPath = Path.Combine(folder, PackageFiles.Manifest);
        var manifest = ModelManifest.Parse(File.ReadAllBytes(manifestPath));
        if (manifest.Guidance.UnconditionalLabelInput == true)
            throw new ArgumentException($"{folder}: its DiT graphs take {GraphTensors.YUncond} already (formatVersion {manifest.FormatVersion}).");
        if (manifest.Classes.NullClass is null)
            throw new ArgumentException($"{folder}: the model has no null class, so its graphs run no guidance and have no unconditional labels to take.");
        var rewritten = manifest.Graphs.Where(g => g.Role == GraphRole.DiT).Select(g =>
        {
            // model.json was validated by Parse: the file is a plain relative path inside the package.
            var bytes = File.ReadAllBytes(Path.Combine(folder, g.File));
            if (ModelPackageWriter.Sha256Hex(bytes) != g.Sha256.ToLowerInvariant())
                throw new InvalidDataException($"{g.File} does not match its sha256 in {PackageFiles.Manifest}.");
            var graph = TakeLabelsAsInput(ModelProto.Parser.ParseFrom(bytes), g.File);
            return (Info: g, Bytes: DiTOnnxExporter.ToBytes(graph));
        }).ToList();
        var graphs = manifest.Graphs.Select(g => rewritten.FirstOrDefault(r => r.Info == g) is { Bytes: { } b } ? g with { Sha256 = ModelPackageWriter.Sha256Hex(b) } : g).ToList();
        var upgraded = manifest with
        {
            FormatVersion = Math.Max(manifest.FormatVersion, PackageFormat.UnconditionalLabelVersion),
            Guidance = manifest.Guidance with { UnconditionalLabelInput = true },
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
}
