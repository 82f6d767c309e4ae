#nullable enable
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace DiTPlugin.TextureGen
{
    /// <summary>How a class matched a search, best first.</summary>
    public enum MatchKind
    {
        /// <summary>The query is the class name, character for character.</summary>
        ExactName,
        /// <summary>The query is one of the class's synonyms, character for character.</summary>
        ExactSynonym,
        /// <summary>The name, ignoring case and punctuation ("t shirt top" = "T-shirt/top").</summary>
        Name,
        /// <summary>A synonym, ignoring case and punctuation.</summary>
        Synonym,
        /// <summary>The query's words appear together, as whole words, in the name ("retriever" in "golden retriever").</summary>
        WordsInName,
        WordsInSynonym,
        /// <summary>The name starts with the query ("golden re").</summary>
        NamePrefix,
        SynonymPrefix,
        /// <summary>The name contains the query ("triev").</summary>
        InName,
        InSynonym,
        /// <summary>Every query word starts a word of the name, in any order ("retr gold").</summary>
        WordPrefixesInName,
        WordPrefixesInSynonym,
        /// <summary>Some of the query's words are words of a name or synonym (more words rank higher).</summary>
        SomeWords,
    }

    /// <summary>One search result.</summary>
    public readonly struct ClassMatch
    {
        public int Id { get; }
        /// <summary>The class's primary name.</summary>
        public string Name { get; }
        /// <summary>The name or synonym that matched.</summary>
        public string MatchedTerm { get; }
        public MatchKind Kind { get; }
        internal int Words { get; }

        internal ClassMatch(int id, string name, string term, MatchKind kind, int words)
        {
            Id = id;
            Name = name;
            MatchedTerm = term;
            Kind = kind;
            Words = words;
        }

        public override string ToString() => MatchedTerm == Name ? $"{Id}: {Name} ({Kind})" : $"{Id}: {Name} via '{MatchedTerm}' ({Kind})";
    }

    /// <summary>
    /// Ranked class search for a search box. Each class is ranked by its best name or synonym, by <see cref="MatchKind"/>
    /// (exact name, exact synonym, case-insensitive name, synonym, whole words, prefix, substring, word prefixes, some
    /// words), then names before synonyms, shorter terms first and lower ids first. Case and punctuation are ignored
    /// below the exact kinds: words are runs of letters and digits. An empty query lists the classes in id order.
    /// </summary>
    public sealed class ClassSearch
    {
        private readonly Term[][] _terms;

        public IReadOnlyList<ClassEntry> Classes { get; }
        /// <summary>Whether the classes are the built-in ImageNet list (with its synonyms and WordNet ids).</summary>
        public bool IsImageNet { get; }

        public ClassSearch(IReadOnlyList<ClassEntry> classes) : this(classes, false) { }

        private ClassSearch(IReadOnlyList<ClassEntry> classes, bool imageNet)
        {
            Classes = classes ?? throw new ArgumentNullException(nameof(classes));
            IsImageNet = imageNet;
            _terms = classes.Select(c => new[] { new Term(c.Name, true) }.Concat(c.Synonyms.Select(s => new Term(s, false))).ToArray()).ToArray();
        }

        /// <summary>
        /// The search for a model's classes: the ImageNet list (names + synonyms) when the model has 1000 classes
        /// named as ImageNet's (or left unnamed, "class 7"), else the model's names and manifest synonyms.
        /// </summary>
        public static ClassSearch ForModel(IReadOnlyList<string> names, IReadOnlyDictionary<string, int>? synonyms = null)
        {
            if (names is null) throw new ArgumentNullException(nameof(names));
            if (names.Count == ImageNetClasses.Count)
            {
                var inet = ImageNetClasses.All;
                bool same = true;
                for (int i = 0; i < names.Count && same; i++)
                    same = Normalize(names[i]) == Normalize(inet[i].Name) || Normalize(names[i]) == "class " + i.ToString(CultureInfo.InvariantCulture)
                           || string.IsNullOrWhiteSpace(names[i]);
                if (same) return new ClassSearch(inet, true);
            }
            var extra = new List<string>[names.Count];
            if (synonyms != null)
                foreach (var kv in synonyms.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    if (kv.Value >= 0 && kv.Value < names.Count) (extra[kv.Value] ??= new List<string>()).Add(kv.Key);
            return new ClassSearch(names.Select((n, i) => new ClassEntry(i, string.IsNullOrWhiteSpace(n) ? "class " + i : n, extra[i]?.ToArray())).ToArray());
        }

        /// <summary>Up to <paramref name="max"/> classes for <paramref name="query"/>, best first.</summary>
        public IReadOnlyList<ClassMatch> Search(string? query, int max = 20)
        {
            if (max < 1) return Array.Empty<ClassMatch>();
            string raw = (query ?? "").Trim();
            var q = new Term(raw, true);
            if (q.Words.Length == 0)
                return Classes.Take(max).Select(c => new ClassMatch(c.Id, c.Name, c.Name, MatchKind.ExactName, 0)).ToArray();
            var found = new List<(ClassMatch Match, bool Primary, int Length)>();
            for (int id = 0; id < _terms.Length; id++)
            {
                (ClassMatch Match, bool Primary, int Length)? best = null;
                foreach (var t in _terms[id])
                {
                    var m = Match(raw, q, t);
                    if (m is null) continue;
                    var cand = (new ClassMatch(Classes[id].Id, Classes[id].Name, t.Text, m.Value.Kind, m.Value.Words), t.Primary, t.Text.Length);
                    if (best is null || Compare(cand, best.Value) < 0) best = cand;
                }
                if (best != null) found.Add(best.Value);
            }
            found.Sort(Compare);
            return found.Take(max).Select(f => f.Match).ToArray();
        }

        /// <summary>The best class id for <paramref name="query"/>, or null when nothing matches.</summary>
        public int? Find(string? query)
        {
            var r = Search(query, 1);
            return r.Count == 1 && !string.IsNullOrWhiteSpace(query) ? r[0].Id : (int?)null;
        }

        private static int Compare((ClassMatch Match, bool Primary, int Length) a, (ClassMatch Match, bool Primary, int Length) b)
        {
            int c = a.Match.Kind.CompareTo(b.Match.Kind);
            if (c != 0) return c;
            if ((c = b.Match.Words.CompareTo(a.Match.Words)) != 0) return c;
            if ((c = b.Primary.CompareTo(a.Primary)) != 0) return c;
            if ((c = a.Length.CompareTo(b.Length)) != 0) return c;
            return a.Match.Id.CompareTo(b.Match.Id);
        }

        private static (MatchKind Kind, int Words)? Match(string raw, Term q, Term t)
        {
            bool p = t.Primary;
            if (t.Text == raw) return (p ? MatchKind.ExactName : MatchKind.ExactSynonym, 0);
            if (t.Normal == q.Normal) return (p ? MatchKind.Name : MatchKind.Synonym, 0);
            if (ContainsRun(t.Words, q.Words)) return (p ? MatchKind.WordsInName : MatchKind.WordsInSynonym, 0);
            if (t.Normal.StartsWith(q.Normal, StringComparison.Ordinal)) return (p ? MatchKind.NamePrefix : MatchKind.SynonymPrefix, 0);
            if (t.Normal.IndexOf(q.Normal, StringComparison.Ordinal) >= 0) return (p ? MatchKind.InName : MatchKind.InSynonym, 0);
            if (q.Words.All(w => t.Words.Any(tw => tw.StartsWith(w, StringComparison.Ordinal))))
                return (p ? MatchKind.WordPrefixesInName : MatchKind.WordPrefixesInSynonym, 0);
            int shared = q.Words.Distinct().Count(w => t.Words.Contains(w));
            return shared > 0 ? (MatchKind.SomeWords, shared) : ((MatchKind, int)?)null;
        }

        private static bool ContainsRun(string[] words, string[] run)
        {
            for (int i = 0; i + run.Length <= words.Length; i++)
            {
                int k = 0;
                while (k < run.Length && words[i + k] == run[k]) k++;
                if (k == run.Length) return true;
            }
            return false;
        }

        /// <summary>Lower-case words (runs of letters and digits) joined by single spaces.</summary>
        public static string Normalize(string? s) => string.Join(" ", Words(s));

        private static string[] Words(string? s)
        {
            var words = new List<string>();
            var sb = new StringBuilder();
            foreach (char ch in s ?? "")
            {
                if (char.IsLetterOrDigit(ch)) sb.Append(char.ToLowerInvariant(ch));
                else if (sb.Length > 0) { words.Add(sb.ToString()); sb.Clear(); }
            }
            if (sb.Length > 0) words.Add(sb.ToString());
            return words.ToArray();
        }

        private sealed class Term
        {
            public readonly string Text, Normal;
            public readonly string[] Words;
            public readonly bool Primary;

            public Term(string text, bool primary)
            {
                Text = text;
                Primary = primary;
                Words = ClassSearch.Words(text);
                Normal = string.Join(" ", Words);
            }
        }
    }
}
