using System;
using System.Collections.Generic;
using System.IO;
using DiTPlugin.Contract.Classes;

namespace DiT.Training.Data;

/// <summary>
/// ImageNet's class order: a synset list (LOC_synset_mapping.txt or synset_words.txt), one "n01440764 tench, Tinca tinca"
/// per line. The line index is the standard class index; the first comma-separated name is the class name.
/// </summary>
public sealed class SynsetMapping
{
    public static readonly string[] KnownFileNames = { "LOC_synset_mapping.txt", "synset_words.txt" };

    public IReadOnlyList<string> Wnids { get; }
    public IReadOnlyList<string> Names { get; }
    public string Path { get; }
    private readonly Dictionary<string, int> _index;

    private SynsetMapping(List<string> wnids, List<string> names, string path)
    {
        Wnids = wnids;
        Names = names;
        Path = path;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < wnids.Count; i++)
            if (!_index.TryAdd(wnids[i], i)) throw new InvalidDataException($"synset file '{path}': WordNet id {wnids[i]} appears twice.");
    }

    public bool TryGetIndex(string wnid, out int index) => _index.TryGetValue(wnid, out index);

    public static SynsetMapping Load(string path)
    {
        var wnids = new List<string>();
        var names = new List<string>();
        int lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            int sp = line.IndexOfAny(new[] { ' ', '\t' });
            string wnid = sp < 0 ? line : line[..sp];
            if (!ImageNetClasses.IsWnid(wnid)) throw new InvalidDataException($"synset file '{path}' line {lineNo}: '{wnid}' is not a WordNet id like n01440764.");
            string rest = sp < 0 ? "" : line[(sp + 1)..];
            int comma = rest.IndexOf(',');
            string name = (comma < 0 ? rest : rest[..comma]).Trim();
            wnids.Add(wnid);
            names.Add(name.Length > 0 ? name : wnid);
        }
        return new SynsetMapping(wnids, names, path);
    }

    /// <summary>Looks for a known synset file in <paramref name="root"/>, then in its parent (ImageNet keeps it beside train/).</summary>
    public static string? Find(string root)
    {
        var dirs = new List<string> { root };
        var parent = Directory.GetParent(System.IO.Path.GetFullPath(root));
        if (parent != null) dirs.Add(parent.FullName);
        foreach (var d in dirs)
            foreach (var f in KnownFileNames)
            {
                var p = System.IO.Path.Combine(d, f);
                if (File.Exists(p)) return p;
            }
        return null;
    }
}
