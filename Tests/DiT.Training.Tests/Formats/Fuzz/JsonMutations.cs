using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DiT.Training.Tests.Formats.Fuzz;

/// <summary>
/// Seeded structural damage to JSON text (safetensors headers, checkpoint metadata): one value anywhere in the tree
/// replaced by a wrong type or an extreme number, a member removed, a key duplicated, or the text cut or replaced.
/// Raw replacement text is spliced in after serialisation, so it can be anything, including invalid JSON.
/// </summary>
internal static class JsonMutations
{
    /// <summary>Values of the wrong type, or of the right type with a hostile value, as raw JSON text.</summary>
    public static readonly string[] HostileValues =
    {
        "null", "true", "false", "\"\"", "\"abc\"", "\"F32\"", "\"I32\"", "\"BOOL\"", "\"0\"", "\"\\ud800\"", "\"\\u0000\"",
        "[]", "{}", "[-1]", "[1.5]", "[\"0\",\"8\"]", "[0,0]", "[0,1,2]", "[[0]]", "{\"a\":1}", "[[[[[[[[[[[]]]]]]]]]]]",
        "1.5", "-0", "1e308", "-1e308", "1e400", "0.1e-400",
    };

    /// <summary>Integers around the limits of sizes, offsets and int32/int64.</summary>
    public static readonly string[] HostileNumbers =
    {
        "-1", "0", "1", "2", "3", "7", "8", "16", "255", "65504", "65536", "1048576", "8192", "8193", "100001",
        "2147483647", "2147483648", "-2147483648", "4294967296", "1099511627776", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "18446744073709551616",
    };

    public static string AnyValue(Random rng) => rng.Next(2) == 0
        ? HostileValues[rng.Next(HostileValues.Length)]
        : HostileNumbers[rng.Next(HostileNumbers.Length)];

    private const string Placeholder = "\u0001hostile\u0001";
    private static readonly string PlaceholderJson = JsonSerializer.Serialize(Placeholder);

    private sealed record Slot(JsonNode Parent, string? Key, int Index, string Path);

    /// <summary>One mutation of <paramref name="json"/>; <paramref name="what"/> says which, for failure reports.</summary>
    public static string Mutate(string json, Random rng, out string what)
    {
        JsonNode? root = null;
        try { root = JsonNode.Parse(json); }
        catch (JsonException) { }
        var slots = new List<Slot>();
        if (root is not null) Collect(root, "$", slots);
        // Mostly one value changed (wrong type 35%, extreme number 25%), then removals and duplicates, rarely the whole text.
        int r = rng.Next(100);
        int op = slots.Count == 0 ? (r < 50 ? 4 : 5) : r < 35 ? 0 : r < 60 ? 1 : r < 75 ? 2 : r < 90 ? 3 : r < 95 ? 4 : 5;
        switch (op)
        {
            case 0: case 1:
            {
                var s = slots[rng.Next(slots.Count)];
                string value = op == 0 ? AnyValue(rng) : HostileNumbers[rng.Next(HostileNumbers.Length)];
                what = $"{s.Path}={value}";
                return Splice(root!, s, value);
            }
            case 2:
            {
                var s = slots[rng.Next(slots.Count)];
                what = $"remove {s.Path}";
                if (s.Parent is JsonObject o) o.Remove(s.Key!);
                else ((JsonArray)s.Parent).RemoveAt(s.Index);
                return root!.ToJsonString();
            }
            case 3:
            {
                // A key given twice, in the object that holds it; the copy gets a hostile value half of the time.
                var objectSlots = slots.Where(x => x.Parent is JsonObject).ToList();
                if (objectSlots.Count == 0) goto case 0;
                var s = objectSlots[rng.Next(objectSlots.Count)];
                var parent = (JsonObject)s.Parent;
                string copy = rng.Next(2) == 0 ? parent[s.Key!]?.ToJsonString() ?? "null" : AnyValue(rng);
                what = $"duplicate {s.Path}={copy}";
                parent[Placeholder] = 0;
                return root!.ToJsonString().Replace(PlaceholderJson + ":0", JsonSerializer.Serialize(s.Key) + ":" + copy, StringComparison.Ordinal);
            }
            case 4:
            {
                int cut = json.Length == 0 ? 0 : rng.Next(json.Length);
                what = $"cut at {cut}";
                return json[..cut];
            }
            default:
                what = "whole value replaced";
                return AnyValue(rng);
        }
    }

    /// <summary>Every object member and array element, with a JSONPath-like name.</summary>
    private static void Collect(JsonNode node, string path, List<Slot> slots)
    {
        if (node is JsonObject o)
            foreach (var (k, v) in o.ToList())
            {
                string p = $"{path}.{k}";
                slots.Add(new Slot(o, k, -1, p));
                if (v is not null) Collect(v, p, slots);
            }
        else if (node is JsonArray a)
            for (int i = 0; i < a.Count; i++)
            {
                string p = $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]";
                slots.Add(new Slot(a, null, i, p));
                if (a[i] is { } v) Collect(v, p, slots);
            }
    }

    private static string Splice(JsonNode root, Slot s, string raw)
    {
        if (s.Parent is JsonObject o) o[s.Key!] = Placeholder;
        else ((JsonArray)s.Parent)[s.Index] = Placeholder;
        return root.ToJsonString().Replace(PlaceholderJson, raw, StringComparison.Ordinal);
    }
}
