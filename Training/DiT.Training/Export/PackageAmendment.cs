using System;
using System.IO;
using System.Linq;
using DiT.Training.Formats;
using DiTPlugin.Contract.Package;

namespace DiT.Training.Export;

/// <summary>
/// Adding a graph to an existing package folder without its checkpoint (`dit upgrade --vae`, `--upscaler`): the graph
/// file is written first and model.json last, each atomically, so an interrupted upgrade leaves a package that reads as
/// before. model.json changes only where it must: the new entry, formatVersion (raised to what the graph needs) and
/// contentHash.
/// </summary>
public static class PackageAmendment
{
    public static ModelManifest ReadManifest(string folder)
    {
        string path = Path.Combine(folder, PackageFiles.Manifest);
        if (!File.Exists(path)) throw new FileNotFoundException($"{folder} is not a model package folder (no {PackageFiles.Manifest}).", path);
        return ModelManifest.Parse(File.ReadAllBytes(path));
    }

    public static ModelManifest AddGraph(string folder, ModelManifest manifest, GraphInfo entry, byte[] bytes, int formatVersion)
    {
        if (manifest.Graphs.Any(g => g.File == entry.File)) throw new ArgumentException($"{folder} has a graph '{entry.File}' already.");
        var graphs = manifest.Graphs.Append(entry with { Sha256 = ModelPackageWriter.Sha256Hex(bytes) }).ToList();
        var amended = manifest with
        {
            FormatVersion = Math.Max(manifest.FormatVersion, formatVersion),
            Graphs = graphs,
            ContentHash = ModelManifest.ContentHashOf(graphs),
        };
        amended.Validate();
        AtomicFile.Write(Path.Combine(folder, entry.File), s => s.Write(bytes));
        AtomicFile.Write(Path.Combine(folder, PackageFiles.Manifest), s => s.Write(System.Text.Encoding.UTF8.GetBytes(amended.ToJson())));
        return amended;
    }

    /// <summary>
    /// Sets model.json's sampling.sampler and/or sampling.cfgScale (the Plugin's defaults for this package), leaving every
    /// graph, formatVersion and contentHash as they are: readers that predate the fields ignore them.
    /// </summary>
    public static ModelManifest SetSamplingDefaults(string folder, string? sampler, double? cfgScale)
    {
        var manifest = ReadManifest(folder);
        var sampling = manifest.Sampling ?? new SamplingInfo();
        var amended = manifest with
        {
            Sampling = sampling with
            {
                Sampler = sampler is null ? sampling.Sampler : DiTPlugin.Contract.Sampling.SamplerSpec.Parse(sampler, manifest.Schedule.Timesteps).ToString(),
                CfgScale = cfgScale ?? sampling.CfgScale,
            },
        };
        amended.Validate();
        AtomicFile.Write(Path.Combine(folder, PackageFiles.Manifest), s => s.Write(System.Text.Encoding.UTF8.GetBytes(amended.ToJson())));
        return amended;
    }

    /// <summary>
    /// Takes graph <paramref name="file"/> out of the package (to make it smaller: e.g. an fp32 graph beside an int8
    /// one). model.json is written first, then the file deleted, so an interruption leaves at worst an unlisted file. The
    /// package's last DiT graph, and a decoder a latent package needs, cannot be removed.
    /// </summary>
    public static ModelManifest RemoveGraph(string folder, string file)
    {
        var manifest = ReadManifest(folder);
        var entry = manifest.Graphs.FirstOrDefault(g => g.File == file)
            ?? throw new ArgumentException($"{folder} lists no graph '{file}'; it has {string.Join(", ", manifest.Graphs.Select(g => g.File))}.");
        var graphs = manifest.Graphs.Where(g => g != entry).ToList();
        if (entry.Role == GraphRole.DiT && graphs.All(g => g.Role != GraphRole.DiT))
            throw new ArgumentException($"'{file}' is the package's only DiT graph; a package without one cannot generate.");
        var amended = manifest with { Graphs = graphs, ContentHash = ModelManifest.ContentHashOf(graphs) };
        amended.Validate();
        AtomicFile.Write(Path.Combine(folder, PackageFiles.Manifest), s => s.Write(System.Text.Encoding.UTF8.GetBytes(amended.ToJson())));
        File.Delete(Path.Combine(folder, file));
        return amended;
    }
}
