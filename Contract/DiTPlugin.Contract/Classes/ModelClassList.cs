using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DiTPlugin.Contract.Classes
{
    /// <summary>Turns a manifest's class names and synonyms into the resolver's entries, adding ImageNet's synonyms where they apply.</summary>
    public static class ModelClassList
    {
        /// <summary>
        /// One entry per class. When the model has ImageNet's 1000 classes (each name ImageNet's, ignoring case and
        /// punctuation, or a placeholder: blank or "class 7" as an import without class names writes), the entries
        /// carry ImageNet's synonyms and WordNet ids, and a placeholder class is shown by ImageNet's name with the
        /// placeholder kept as a synonym, so "class 7" still finds it. The manifest's synonyms come last.
        /// </summary>
        public static ClassEntry[] Build(IReadOnlyList<string> names, IReadOnlyDictionary<string, int>? synonyms, out bool imageNet)
        {
            var extra = new List<string>?[names.Count];
            if (synonyms != null)
                foreach (var kv in synonyms.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    if (kv.Value >= 0 && kv.Value < names.Count) (extra[kv.Value] ??= new List<string>()).Add(kv.Key);

            imageNet = IsImageNet(names);
            var entries = new ClassEntry[names.Count];
            for (int i = 0; i < names.Count; i++)
            {
                string? own = string.IsNullOrWhiteSpace(names[i]) ? null : names[i];
                var more = new List<string>();
                string name;
                string? wnid = null;
                if (imageNet)
                {
                    var inet = ImageNetClasses.All[i];
                    bool placeholder = own is null || ClassText.Normalize(own) != ClassText.Normalize(inet.Name);
                    name = placeholder ? inet.Name : own!;
                    more.AddRange(inet.Synonyms);
                    if (placeholder && own != null) more.Add(own);
                    wnid = inet.Wnid;
                }
                else name = own ?? Placeholder(i);
                if (extra[i] != null) more.AddRange(extra[i]!);
                entries[i] = new ClassEntry(i, name, more.Where(s => s != name).Distinct(StringComparer.Ordinal).ToArray(), wnid);
            }
            return entries;
        }

        /// <summary>
        /// Whether <paramref name="names"/> are ImageNet's 1000 classes in ImageNet's order: each name ImageNet's
        /// (ignoring case and punctuation) or a placeholder (blank, or "class i" as an import without names writes).
        /// </summary>
        public static bool IsImageNet(IReadOnlyList<string> names)
        {
            if (names.Count != ImageNetClasses.Count) return false;
            var inet = ImageNetClasses.All;
            for (int i = 0; i < names.Count; i++)
            {
                string n = ClassText.Normalize(names[i]);
                if (n.Length > 0 && n != ClassText.Normalize(inet[i].Name) && n != Placeholder(i)) return false;
            }
            return true;
        }

        private static string Placeholder(int id) => "class " + id.ToString(CultureInfo.InvariantCulture);
    }
}
