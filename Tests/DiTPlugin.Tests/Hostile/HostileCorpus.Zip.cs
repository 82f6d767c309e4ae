using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace DiTPlugin.Tests.Hostile;

/// <summary>This part: package zips, valid and damaged, with repeated names, unsupported methods and lying sizes.</summary>
public static partial class HostileCorpus
{
    private static BuiltCase Zip(string dir, byte[] zip)
    {
        string path = Path.Combine(dir, "package.zip");
        File.WriteAllBytes(path, zip);
        return new BuiltCase(path);
    }

    private static readonly Lazy<byte[]> PaddedManifest = new(() =>
        BasePackages.Pixel["model.json"].Concat(Enumerable.Repeat((byte)' ', 20 << 20)).ToArray());

    public static IEnumerable<HostileCase> ZipCases(int seed, int truncations, int flips)
    {
        var rng = new System.Random(seed);
        var files = BasePackages.Pixel;
        var zip = ZipCraft.Build(files);

        yield return new HostileCase("zip=valid", d => Zip(d, zip), Expect.Loaded);
        yield return new HostileCase("zip=valid-in-a-folder", d => Zip(d, ZipCraft.Build(files, "tiny/")), Expect.Loaded);
        yield return new HostileCase("zip=valid-latent", d => Zip(d, ZipCraft.Build(BasePackages.Latent)), Expect.Loaded);

        var cuts = new SortedSet<int> { 0, 1, 21, 22, zip.Length - 1, zip.Length - 22, zip.Length - 23 };
        while (cuts.Count < truncations) cuts.Add(rng.Next(zip.Length));
        foreach (int at in cuts)
            yield return new HostileCase($"zip-truncated@{at}", d => Zip(d, zip[..at]), Expect.Refused, "package.zip: ");
        for (int k = 0; k < flips; k++)
        {
            int at = rng.Next(zip.Length), bit = rng.Next(8);
            var flipped = (byte[])zip.Clone();
            flipped[at] ^= (byte)(1 << bit);
            yield return new HostileCase($"zip-flip@{at}.{bit}", d => Zip(d, flipped), Expect.Either);
        }

        // Two model.json entries with different licences: which one a reader shows would depend on the reader.
        var spoof = BasePackages.Manifest(files);
        spoof["license"] = new JsonObject { ["id"] = "CC-BY-NC-4.0", ["commercialUse"] = false };
        var spoofJson = Encoding.UTF8.GetBytes(spoof.ToJsonString());
        yield return new HostileCase("zip=two-manifests", d => Zip(d, ZipCraft.Build(new[]
            { ("model.json", files["model.json"]), ("dit.onnx", files["dit.onnx"]), ("model.json", spoofJson) })),
            Expect.Refused, "model.json: ", "two entries");
        yield return new HostileCase("zip=two-graphs", d => Zip(d, ZipCraft.Build(new[]
            { ("model.json", files["model.json"]), ("dit.onnx", files["dit.onnx"]), ("dit.onnx", new byte[] { 1, 2, 3 }) })),
            Expect.Refused, "dit.onnx: ", "two entries");
        yield return new HostileCase("zip=manifest-in-two-cases", d => Zip(d, ZipCraft.Build(new[]
            { ("model.json", files["model.json"]), ("dit.onnx", files["dit.onnx"]), ("Model.json", spoofJson) })),
            Expect.Refused, "Model.json: ", "also holds 'model.json'");
        yield return new HostileCase("zip=backslash-twin", d =>
        {
            var z = ZipCraft.Build(new[] { ("pkg/model.json", files["model.json"]), ("pkg/dit.onnx", files["dit.onnx"]), ("pkg_model.json", spoofJson) });
            ZipCraft.Rename(z, "pkg_model.json", "pkg\\model.json");
            return Zip(d, z);
        }, Expect.Refused, "pkg\\model.json: ", "also holds 'pkg/model.json'");
        yield return new HostileCase("zip=unicode-twins", d => Zip(d, ZipCraft.Build(new[]
            { ("model.json", files["model.json"]), ("dit.onnx", files["dit.onnx"]), ("caf\u00e9.txt", new byte[1]), ("cafe\u0301.txt", new byte[1]) })),
            Expect.Refused, "cafe\u0301.txt: ", "also holds");
        yield return new HostileCase("zip=two-package-folders", d => Zip(d, ZipCraft.Build(new[]
            { ("a/model.json", files["model.json"]), ("a/dit.onnx", files["dit.onnx"]), ("b/model.json", spoofJson), ("b/dit.onnx", files["dit.onnx"]) })),
            Expect.Refused, "model.json: ", "ambiguous");

        yield return new HostileCase("zip=bzip2-graph", d =>
        {
            var z = (byte[])zip.Clone();
            ZipCraft.SetMethod(z, "dit.onnx", 12);
            return Zip(d, z);
        }, Expect.Refused, "dit.onnx: ");
        yield return new HostileCase("zip=lzma-manifest", d =>
        {
            var z = (byte[])zip.Clone();
            ZipCraft.SetMethod(z, "model.json", 14);
            return Zip(d, z);
        }, Expect.Refused, "model.json: ");

        // A 20 MiB model.json (valid JSON and spaces) in a 20 KB zip: refused by its declared size, and when the
        // header lies about the size, by counting what the entry really decompresses to.
        yield return new HostileCase("zip=bomb-manifest", d => Zip(d, ZipCraft.Build(new[] { ("model.json", PaddedManifest.Value), ("dit.onnx", files["dit.onnx"]) })),
            Expect.Refused, "model.json: ", "16777216");
        yield return new HostileCase("zip=bomb-manifest-lying-size", d =>
        {
            var z = ZipCraft.Build(new[] { ("model.json", PaddedManifest.Value), ("dit.onnx", files["dit.onnx"]) });
            ZipCraft.SetDeclaredSize(z, "model.json", (uint)files["model.json"].Length);
            return Zip(d, z);
        }, Expect.Refused, "model.json: ", "declares");
        yield return new HostileCase("zip=graph-claims-1GiB", d =>
        {
            var z = (byte[])zip.Clone();
            ZipCraft.SetDeclaredSize(z, "dit.onnx", 1u << 30);
            return Zip(d, z);
        }, Expect.Refused, "dit.onnx: ", "1073741824");
        yield return new HostileCase("zip=graph-claims-4GiB", d =>
        {
            var z = (byte[])zip.Clone();
            ZipCraft.SetDeclaredSize(z, "dit.onnx", uint.MaxValue - 1);
            return Zip(d, z);
        }, Expect.Refused, "dit.onnx: ", "graph file limit");
        yield return new HostileCase("zip=10001-entries", d => Zip(d, ZipCraft.Build(
            files.Select(kv => (kv.Key, kv.Value)).Concat(Enumerable.Range(0, 10_000).Select(i => ($"pad/{i}", Array.Empty<byte>()))),
            System.IO.Compression.CompressionLevel.NoCompression)), Expect.Refused, "package.zip: ", "10002 entries");

        yield return new HostileCase("zip=empty-file", d => Zip(d, Array.Empty<byte>()), Expect.Refused, "package.zip: ", "not a zip");
        yield return new HostileCase("zip=json-text", d => Zip(d, files["model.json"]), Expect.Refused, "package.zip: ", "not a zip");
        yield return new HostileCase("zip=no-manifest", d => Zip(d, ZipCraft.Build(new[] { ("dit.onnx", files["dit.onnx"]) })), Expect.Refused, "model.json: ", "missing");
        yield return new HostileCase("zip=manifest-names-parent", d =>
        {
            var m = BasePackages.Manifest(files);
            m["graphs"]![0]!["file"] = "../dit.onnx";
            return Zip(d, ZipCraft.Build(new[] { ("pkg/model.json", Encoding.UTF8.GetBytes(m.ToJsonString())), ("dit.onnx", files["dit.onnx"]) }));
        }, Expect.Refused, "model.json: ", "graphs[0].file");
    }
}
