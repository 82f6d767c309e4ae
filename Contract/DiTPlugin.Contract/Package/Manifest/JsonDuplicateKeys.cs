using System;
using System.Collections.Generic;
using System.Text.Json;

namespace DiTPlugin.Contract.Package
{
    /// <summary>
    /// Finds a key given twice in one JSON object of model.json. Readers disagree on which copy counts (System.Text.Json
    /// and Python keep the last, others the first), so a second "license" or "commercialUse" would show one licence in
    /// one tool and another in the Plugin. The Plugin matches keys ignoring case, so "License" repeats "license"; the
    /// keys of classes.synonyms (a name → id map, matched exactly) and of training (free-form) are compared exactly.
    /// </summary>
    internal static class JsonDuplicateKeys
    {
        /// <summary>"the key 'x' appears twice in y" for the first repeat found, or null.</summary>
        public static string? Find(JsonElement root) => Find(root, "", ignoreCase: true);

        private static string? Find(JsonElement e, string path, bool ignoreCase)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    var seen = new HashSet<string>(ignoreCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
                    foreach (var p in e.EnumerateObject())
                    {
                        if (!seen.Add(p.Name))
                            return $"the key {PackagePath.Show(p.Name)} appears twice in {(path.Length == 0 ? "the top-level object" : path)}" +
                                   (ignoreCase ? " (keys are compared ignoring case, as the Plugin reads them)" : "") +
                                   "; readers disagree on which copy counts, so keys must be unique.";
                        string child = path.Length == 0 ? p.Name : path + "." + p.Name;
                        bool exactBelow = !ignoreCase || child.Equals("classes.synonyms", StringComparison.OrdinalIgnoreCase)
                                                      || child.Equals("training", StringComparison.OrdinalIgnoreCase);
                        if (Find(p.Value, child, ignoreCase && !exactBelow) is { } found) return found;
                    }
                    return null;
                case JsonValueKind.Array:
                    int i = 0;
                    foreach (var item in e.EnumerateArray())
                        if (Find(item, $"{path}[{i++}]", ignoreCase) is { } found) return found;
                    return null;
                default:
                    return null;
            }
        }
    }
}
