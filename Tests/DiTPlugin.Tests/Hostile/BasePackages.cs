using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DiTPlugin.Tests.Hostile;

/// <summary>
/// The valid packages the hostile corpus mutates, held in memory as file name → bytes: the tiny pixel-space package
/// and the tiny latent one with a decoder (<see cref="TinyOnnxModel"/>). Edits return new maps; graph edits recompute
/// the graph's sha256, latent.decoderSha256 and contentHash, so that what is tested is the graph, not the hash.
/// </summary>
public static class BasePackages
{
    private static readonly Lazy<IReadOnlyDictionary<string, byte[]>> PixelFiles = new(() => Capture(d => TinyOnnxModel.WritePackage(d)));
    private static readonly Lazy<IReadOnlyDictionary<string, byte[]>> LatentFiles =
        new(() => Capture(d => TinyOnnxModel.WriteLatentPackage(d, 4, ("vae_decoder.onnx", "fp32", null, 1f))));

    public static IReadOnlyDictionary<string, byte[]> Pixel => PixelFiles.Value;
    public static IReadOnlyDictionary<string, byte[]> Latent => LatentFiles.Value;

    private static IReadOnlyDictionary<string, byte[]> Capture(Action<string> write)
    {
        using var dir = new TempDir();
        write(dir.Path);
        return Directory.GetFiles(dir.Path).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
    }

    public static string Write(string folder, IReadOnlyDictionary<string, byte[]> files)
    {
        Directory.CreateDirectory(folder);
        foreach (var (name, data) in files)
        {
            string path = Path.Combine(folder, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, data);
        }
        return folder;
    }

    public static JsonObject Manifest(IReadOnlyDictionary<string, byte[]> files) => JsonNode.Parse(files["model.json"])!.AsObject();

    public static Dictionary<string, byte[]> WithManifest(IReadOnlyDictionary<string, byte[]> files, JsonObject manifest) =>
        WithFile(files, "model.json", Encoding.UTF8.GetBytes(manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true })));

    public static Dictionary<string, byte[]> WithFile(IReadOnlyDictionary<string, byte[]> files, string name, byte[] data)
    {
        var copy = new Dictionary<string, byte[]>(files) { [name] = data };
        return copy;
    }

    /// <summary>Replaces graph <paramref name="name"/> and makes model.json's hashes match it.</summary>
    public static Dictionary<string, byte[]> WithGraph(IReadOnlyDictionary<string, byte[]> files, string name, byte[] graph)
    {
        var copy = WithFile(files, name, graph);
        var m = Manifest(copy);
        var graphs = m["graphs"]!.AsArray();
        foreach (var g in graphs)
            if ((string?)g!["file"] == name) g["sha256"] = Sha(graph);
        if (m["latent"] is JsonObject latent && (string?)latent["decoder"] == name) latent["decoderSha256"] = Sha(graph);
        m["contentHash"] = Sha(Encoding.UTF8.GetBytes(string.Join("\n", graphs.Select(g => (string)g!["sha256"]!))));
        return WithManifest(copy, m);
    }

    public static string Sha(byte[] data) => Convert.ToHexString(SHA256.HashData(data)).ToLowerInvariant();
}
