using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiT.Training.Export.Onnx;
using DiTPlugin.Contract.Package;

namespace DiT.Training.Export.Int8;

/// <summary>
/// Adds an int8 DiT graph to an existing package folder from its own fp32 dit graph, for packages whose checkpoint is
/// gone (the shipped OpenArena model's is). model.json changes only where it must: the new graphs entry after the
/// other DiT graphs, formatVersion (<see cref="PackageFormat.Int8Version"/>) and contentHash.
/// </summary>
public static class Int8PackageUpgrade
{
    /// <param name="replace">Re-quantize a package that already has an int8 DiT graph (after an exporter update, say):
    /// the new graph takes the old one's place; otherwise such a package is refused.</param>
    public static ModelManifest AddInt8(string folder, Int8Options? options = null, bool replace = false)
    {
        string manifestPath = Path.Combine(folder, PackageFiles.Manifest);
        var manifest = ModelManifest.Parse(File.ReadAllBytes(manifestPath));
        var old = manifest.Graphs.FirstOrDefault(g => g.Role == GraphRole.DiT && g.Precision == Precision.Int8);
        if (old != null && !replace)
            throw new ArgumentException($"{folder} already has an int8 DiT graph ({old.File}); pass --replace to make it again.");
        var fp32 = manifest.Graphs.FirstOrDefault(g => g.Role == GraphRole.DiT && g.Precision == Precision.Fp32)
            ?? throw new ArgumentException($"{folder} has no fp32 DiT graph to quantize.");
        var int8 = DiTOnnxExporter.ToBytes(Int8GraphRewriter.Quantize(ModelPackageWriter.ReadVerifiedGraph(folder, fp32), options));

        var graphs = manifest.Graphs.Where(g => g != old).ToList();
        int after = graphs.FindLastIndex(g => g.Role == GraphRole.DiT);
        graphs.Insert(after + 1, fp32 with { File = PackageFiles.DiTInt8, Precision = Precision.Int8, Sha256 = ModelPackageWriter.Sha256Hex(int8) });
        var upgraded = manifest with
        {
            FormatVersion = Math.Max(manifest.FormatVersion, PackageFormat.VersionFor(graphs.Select(g => g.Precision), graphs.Any(g => g.DataFile != null))),
            Graphs = graphs,
            ContentHash = ModelManifest.ContentHashOf(graphs),
        };
        // The graph first: a package whose model.json names a missing file would be broken; an extra file is harmless.
        DiT.Training.Formats.AtomicFile.Write(Path.Combine(folder, PackageFiles.DiTInt8), s => s.Write(int8));
        DiT.Training.Formats.AtomicFile.Write(manifestPath, s => s.Write(System.Text.Encoding.UTF8.GetBytes(upgraded.ToJson())));
        // A replaced graph's weights file is named by nothing now (the new graph keeps its weights inline).
        if (old?.DataFile != null) File.Delete(Path.Combine(folder, old.DataFile));
        if (old != null && old.File != PackageFiles.DiTInt8) File.Delete(Path.Combine(folder, old.File));
        return upgraded;
    }
}
