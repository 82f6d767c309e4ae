using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DiTPlugin.Tests.Hostile;

/// <summary>Test-only edits of a manifest's JSON tree: every path in it, replacing a value, and text with a repeated key.</summary>
public static class JsonMutation
{
    /// <summary>Every node below the root, as paths like "classes.names[1]" (containers before their children).</summary>
    public static List<string> Paths(JsonNode root)
    {
        var list = new List<string>();
        void Walk(JsonNode? n, string path)
        {
            if (path.Length > 0) list.Add(path);
            if (n is JsonObject o) foreach (var (k, v) in o) Walk(v, path.Length == 0 ? k : path + "." + k);
            else if (n is JsonArray a) for (int i = 0; i < a.Count; i++) Walk(a[i], $"{path}[{i}]");
        }
        Walk(root, "");
        return list;
    }

    /// <summary>The objects in the tree, by path ("" for the root).</summary>
    public static List<string> ObjectPaths(JsonNode root) =>
        new[] { "" }.Concat(Paths(root).Where(p => Find(root, p) is JsonObject { Count: > 0 })).ToList();

    public static JsonNode? Find(JsonNode root, string path)
    {
        JsonNode? n = root;
        foreach (var (key, index) in Steps(path)) n = key != null ? n?[key] : n?[index];
        return n;
    }

    /// <summary>A copy of <paramref name="root"/> with the node at <paramref name="path"/> replaced.</summary>
    public static JsonObject Replace(JsonObject root, string path, JsonNode? value)
    {
        var copy = root.DeepClone().AsObject();
        var steps = Steps(path).ToList();
        JsonNode parent = copy;
        foreach (var (key, index) in steps.Take(steps.Count - 1)) parent = key != null ? parent[key]! : parent[index]!;
        var (lastKey, lastIndex) = steps[^1];
        if (lastKey != null) parent[lastKey] = value;
        else parent.AsArray()[lastIndex] = value;
        return copy;
    }

    /// <summary>
    /// The manifest's text with one more property in the object at <paramref name="objectPath"/>: <paramref name="key"/>
    /// (a key already there, or one differing only in case) with <paramref name="valueJson"/>. JsonObject cannot hold
    /// a repeated key, so the text is written here.
    /// </summary>
    public static string WithExtraKey(JsonNode root, string objectPath, string key, string valueJson)
    {
        var sb = new StringBuilder();
        void Write(JsonNode? n, string path)
        {
            switch (n)
            {
                case null: sb.Append("null"); break;
                case JsonObject o:
                    sb.Append('{');
                    bool first = true;
                    foreach (var (k, v) in o)
                    {
                        if (!first) sb.Append(',');
                        first = false;
                        sb.Append(JsonSerializer.Serialize(k)).Append(':');
                        Write(v, path.Length == 0 ? k : path + "." + k);
                    }
                    if (path == objectPath) sb.Append(first ? "" : ",").Append(JsonSerializer.Serialize(key)).Append(':').Append(valueJson);
                    sb.Append('}');
                    break;
                case JsonArray a:
                    sb.Append('[');
                    for (int i = 0; i < a.Count; i++)
                    {
                        if (i > 0) sb.Append(',');
                        Write(a[i], $"{path}[{i}]");
                    }
                    sb.Append(']');
                    break;
                default: sb.Append(n.ToJsonString()); break;
            }
        }
        Write(root, "");
        return sb.ToString();
    }

    private static IEnumerable<(string? Key, int Index)> Steps(string path)
    {
        foreach (var part in path.Split('.'))
        {
            int bracket = part.IndexOf('[');
            string head = bracket < 0 ? part : part.Substring(0, bracket);
            if (head.Length > 0) yield return (head, -1);
            for (int b = bracket; b >= 0; b = part.IndexOf('[', b + 1))
                yield return (null, int.Parse(part.Substring(b + 1, part.IndexOf(']', b) - b - 1)));
        }
    }
}
