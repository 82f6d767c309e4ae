using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace DiTPlugin.Tests.Hostile;

/// <summary>
/// The hostile corpus: cases made by mutating the valid tiny packages (<see cref="BasePackages"/>). Random choices
/// come from a <see cref="System.Random"/> seeded by the caller, so a failing case reproduces from its name and seed.
/// This part: model.json (truncation, bit flips, wrong JSON types for every field, huge numbers, repeated keys).
/// </summary>
public static partial class HostileCorpus
{
    private static BuiltCase Folder(string dir, IReadOnlyDictionary<string, byte[]> files) => new(BasePackages.Write(dir, files));

    /// <summary>model.json cut short at offsets spread over it (every cut leaves invalid JSON).</summary>
    public static IEnumerable<HostileCase> ManifestTruncations(int seed, int count)
    {
        var rng = new System.Random(seed);
        var json = BasePackages.Pixel["model.json"];
        var offsets = new SortedSet<int> { 0, 1, 2, json.Length - 1, json.Length - 2 };
        while (offsets.Count < count) offsets.Add(rng.Next(json.Length));
        foreach (int at in offsets)
            yield return new HostileCase($"manifest-truncated@{at}",
                d => Folder(d, BasePackages.WithFile(BasePackages.Pixel, "model.json", json[..at])), Expect.Refused, "model.json: ");
    }

    /// <summary>One bit of model.json flipped (a flip inside a description can leave a valid package).</summary>
    public static IEnumerable<HostileCase> ManifestBitFlips(int seed, int count)
    {
        var rng = new System.Random(seed);
        var json = BasePackages.Pixel["model.json"];
        for (int k = 0; k < count; k++)
        {
            int at = rng.Next(json.Length), bit = rng.Next(8);
            var flipped = (byte[])json.Clone();
            flipped[at] ^= (byte)(1 << bit);
            yield return new HostileCase($"manifest-flip@{at}.{bit}", d => Folder(d, BasePackages.WithFile(BasePackages.Pixel, "model.json", flipped)), Expect.Either);
        }
    }

    /// <summary>Values of every JSON type, and extremes: what a careless writer or a hostile one might put anywhere.</summary>
    private static readonly (string Name, Func<JsonNode?> Make)[] Replacements =
    {
        ("null", () => null), ("true", () => JsonValue.Create(true)), ("-1", () => JsonValue.Create(-1)), ("0", () => JsonValue.Create(0)),
        ("1.5", () => JsonValue.Create(1.5)), ("2^31", () => JsonValue.Create(2147483648L)), ("1e300", () => JsonValue.Create(1e300)),
        ("-1e300", () => JsonValue.Create(-1e300)), ("string", () => JsonValue.Create("x")), ("empty-string", () => JsonValue.Create("")),
        ("array", () => new JsonArray()), ("object", () => new JsonObject()), ("long-string", () => JsonValue.Create(new string('a', 300_000))),
    };

    /// <summary>Every node of both base manifests replaced by every value of <see cref="Replacements"/>.</summary>
    public static IEnumerable<HostileCase> WrongTypes()
    {
        foreach (var (kind, files) in new[] { ("pixel", BasePackages.Pixel), ("latent", BasePackages.Latent) })
        {
            var m = BasePackages.Manifest(files);
            foreach (var path in JsonMutation.Paths(m))
                foreach (var (name, make) in Replacements)
                    yield return new HostileCase($"{kind}:{path}={name}",
                        d => Folder(d, BasePackages.WithManifest(files, JsonMutation.Replace(m, path, make()))), Expect.Either);
        }
    }

    /// <summary>Every number of the latent manifest (it has the most) set to extremes and to just past each limit.</summary>
    public static IEnumerable<HostileCase> HugeNumbers()
    {
        var files = BasePackages.Latent;
        var m = BasePackages.Manifest(files);
        var numbers = JsonMutation.Paths(m).Where(p => JsonMutation.Find(m, p) is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number);
        long[] values = { int.MaxValue, int.MinValue, 2_000_000_000, 100_001, 8193, 65, 17, 1L << 40 };
        foreach (var path in numbers)
            foreach (long v in values)
                yield return new HostileCase($"latent:{path}={v}", d => Folder(d, BasePackages.WithManifest(files, JsonMutation.Replace(m, path, JsonValue.Create(v)))), Expect.Either);
    }

    /// <summary>
    /// A key repeated in every object of the latent manifest: the same key again (any repeat is refused, whatever its
    /// value), and in the objects the Plugin matches ignoring case, the key in upper case.
    /// </summary>
    public static IEnumerable<HostileCase> RepeatedKeys()
    {
        var files = BasePackages.Latent;
        var m = BasePackages.Manifest(files);
        foreach (var objectPath in JsonMutation.ObjectPaths(m))
        {
            var obj = (JsonObject)(objectPath.Length == 0 ? m : JsonMutation.Find(m, objectPath)!);
            string key = obj.First().Key;
            string value = obj.First().Value?.ToJsonString() ?? "null";
            yield return new HostileCase($"repeat:{(objectPath.Length == 0 ? "(root)" : objectPath)}.{key}",
                d => Folder(d, BasePackages.WithFile(files, "model.json", Encoding.UTF8.GetBytes(JsonMutation.WithExtraKey(m, objectPath, key, value)))),
                Expect.Refused, "model.json: ", "appears twice");
            if (objectPath is "classes.synonyms" or "training") continue;
            yield return new HostileCase($"repeat-case:{(objectPath.Length == 0 ? "(root)" : objectPath)}.{key.ToUpperInvariant()}",
                d => Folder(d, BasePackages.WithFile(files, "model.json", Encoding.UTF8.GetBytes(JsonMutation.WithExtraKey(m, objectPath, key.ToUpperInvariant(), value)))),
                Expect.Refused, "model.json: ", "appears twice");
        }
    }
}
