using System;
using System.Collections.Generic;
using System.Linq;

namespace DiTPlugin
{
    /// <summary>
    /// The model's class names and synonyms, searched in order: exact name, exact synonym, case-insensitive name,
    /// case-insensitive synonym, then a case-insensitive substring of a name (the lowest id wins) or of a synonym.
    /// </summary>
    public sealed class ClassCatalog
    {
        private readonly string[] _names;
        private readonly KeyValuePair<string, int>[] _synonyms;

        public IReadOnlyList<string> Names => _names;
        public int Count => _names.Length;

        public ClassCatalog(IReadOnlyList<string> names, IReadOnlyDictionary<string, int>? synonyms = null)
        {
            _names = names?.ToArray() ?? throw new ArgumentNullException(nameof(names));
            _synonyms = synonyms?.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToArray() ?? Array.Empty<KeyValuePair<string, int>>();
        }

        /// <summary>The class id for <paramref name="name"/>, or null when nothing matches.</summary>
        public int? Find(string name)
        {
            if (name is null) throw new ArgumentNullException(nameof(name));
            string q = name.Trim();
            if (q.Length == 0) return null;
            int i = Array.IndexOf(_names, q);
            if (i >= 0) return i;
            foreach (var kv in _synonyms) if (kv.Key == q) return kv.Value;
            for (i = 0; i < _names.Length; i++) if (string.Equals(_names[i], q, StringComparison.OrdinalIgnoreCase)) return i;
            foreach (var kv in _synonyms) if (string.Equals(kv.Key, q, StringComparison.OrdinalIgnoreCase)) return kv.Value;
            for (i = 0; i < _names.Length; i++) if (_names[i].IndexOf(q, StringComparison.OrdinalIgnoreCase) >= 0) return i;
            foreach (var kv in _synonyms) if (kv.Key.IndexOf(q, StringComparison.OrdinalIgnoreCase) >= 0) return kv.Value;
            return null;
        }

        /// <summary>The name or synonym closest to <paramref name="name"/> (case-insensitive edit distance).</summary>
        public string Closest(string name)
        {
            string q = (name ?? "").Trim().ToLowerInvariant();
            return _names.Concat(_synonyms.Select(kv => kv.Key))
                .OrderBy(c => EditDistance(q, c.ToLowerInvariant())).ThenBy(c => c, StringComparer.Ordinal).First();
        }

        private static int EditDistance(string a, string b)
        {
            var prev = new int[b.Length + 1];
            var cur = new int[b.Length + 1];
            for (int j = 0; j <= b.Length; j++) prev[j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                cur[0] = i;
                for (int j = 1; j <= b.Length; j++)
                    cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                var t = prev; prev = cur; cur = t;
            }
            return prev[b.Length];
        }
    }
}
