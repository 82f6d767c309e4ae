using System;
using System.Collections.Generic;
using System.Linq;

namespace DiTPlugin.Contract.Package
{
    internal sealed partial class ManifestValidation
    {
        /// <summary>
        /// graphs[i].dataFile and dataSha256: a plain package path in the graph's own folder (ONNX Runtime resolves a
        /// tensor's location against the graph's folder), with its sha256, used by one graph file only, and neither a
        /// listed graph nor model.json.
        /// </summary>
        private void ExternalDataFiles(IReadOnlyList<GraphInfo> graphs)
        {
            var graphFiles = new HashSet<string>(graphs.Select(g => g.File), StringComparer.Ordinal);
            if (_m.Latent?.Decoder is { } decoder) graphFiles.Add(decoder);
            var owner = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < graphs.Count; i++)
            {
                var g = graphs[i];
                if (g.DataFile is null)
                {
                    if (g.DataSha256 != null) Report(InGraph(g.File, $"graphs[{i}].dataSha256 is given without a dataFile."));
                    continue;
                }
                FilePath($"graphs[{i}].dataFile", g.DataFile);
                if (_m.FormatVersion < PackageFormat.ExternalDataVersion)
                    Report(InGraph(g.File, $"dataFile needs formatVersion {PackageFormat.ExternalDataVersion} or later (the manifest says {_m.FormatVersion}); older readers do not know the field."));
                if (Folder(g.DataFile) != Folder(g.File))
                    Report(InGraph(g.File, $"dataFile {Show(g.DataFile)} must be in the graph's own folder: ONNX Runtime finds external data beside the graph."));
                if (graphFiles.Contains(g.DataFile) || g.DataFile == ModelManifest.ManifestFileName)
                    Report(InGraph(g.File, $"dataFile {Show(g.DataFile)} is a graph or model.json, not a data file of its own."));
                if (owner.TryGetValue(g.DataFile, out var other) && other != g.File)
                    Report(InGraph(g.File, $"dataFile {Show(g.DataFile)} is also the data file of '{other}'; each graph has its own."));
                owner[g.DataFile] = g.File;
                if (string.IsNullOrWhiteSpace(g.DataSha256)) throw InGraph(g.File, $"graphs[{i}].dataFile has no dataSha256 in model.json.");
                Sha256($"graphs[{i}].dataSha256", g.DataSha256!);
            }
        }

        private static string Folder(string path)
        {
            int slash = path.LastIndexOf('/');
            return slash < 0 ? "" : path.Substring(0, slash);
        }
    }
}
