using System;
using System.Collections.Generic;
using System.Linq;

namespace DiTPlugin.Contract.Classes
{
    /// <summary>
    /// The one class resolver: the Plugin's DiT.FindClass, DiT.Generate(string) and GenerationOptions.ClassNames, the
    /// Unity package's search box, inspector and component, and Training's `dit sample --classes` all go through it,
    /// so a name means the same class everywhere.
    /// Each class is ranked by its best name or synonym (<see cref="ClassRanking"/>): by <see cref="MatchKind"/> (exact
    /// name, exact synonym, name or synonym ignoring case and punctuation, whole words, prefix, substring, word
    /// prefixes, misspelling, some words), then score, then names before synonyms, shorter terms and lower ids.
    /// <para>
    /// Ambiguity policy: <see cref="Find"/> always takes the first class in that order, so a name gives the same id on
    /// every call and every machine; classes of the same kind and score are reported as
    /// <see cref="ClassResolution.Alternatives"/> by <see cref="Resolve"/> ("crane": 134 the bird, 517 the machine,
    /// both exact ImageNet names, so 134 with 517 as the alternative). A match on only some of the query's words
    /// (<see cref="MatchKind.SomeWords"/>) is listed by <see cref="Search"/> and suggested, but not resolved.
    /// </para>
    /// </summary>
    public sealed class ClassCatalog
    {
        private readonly string[] _names;
        private readonly ClassEntry[] _entries;
        private readonly ClassTerm[][] _terms;

        /// <summary>The model's class names by id, as the manifest gives them.</summary>
        public IReadOnlyList<string> Names => _names;
        /// <summary>The classes as searched: shown name, synonyms (ImageNet's and the manifest's), WordNet id.</summary>
        public IReadOnlyList<ClassEntry> Entries => _entries;
        public int Count => _names.Length;
        /// <summary>Whether the model's classes are ImageNet's 1000, so that ImageNet's synonyms were added.</summary>
        public bool IsImageNet { get; }

        /// <summary>
        /// The resolver for a model's names and manifest synonyms (name → class id). When the names are ImageNet's 1000
        /// (or placeholders such as "class 7" or blank), ImageNet's names and synonyms are added: see <see cref="Entries"/>.
        /// </summary>
        public ClassCatalog(IReadOnlyList<string> names, IReadOnlyDictionary<string, int>? synonyms = null)
        {
            _names = names?.ToArray() ?? throw new ArgumentNullException(nameof(names));
            _entries = ModelClassList.Build(_names, synonyms, out bool imageNet);
            IsImageNet = imageNet;
            _terms = _entries.Select(Terms).ToArray();
        }

        /// <summary>A resolver over a given class list (e.g. <see cref="ImageNetClasses.Load"/>'s), matches reporting each entry's id.</summary>
        public ClassCatalog(IReadOnlyList<ClassEntry> entries)
        {
            _entries = entries?.ToArray() ?? throw new ArgumentNullException(nameof(entries));
            _names = _entries.Select(e => e.Name).ToArray();
            _terms = _entries.Select(Terms).ToArray();
        }

        private static ClassTerm[] Terms(ClassEntry e) =>
            new[] { new ClassTerm(e.Name, true) }.Concat(e.Synonyms.Select(s => new ClassTerm(s, false))).ToArray();

        /// <summary>The class id for <paramref name="name"/>: the best match of <see cref="Search"/> down to <see cref="MatchKind.Typo"/>, or null.</summary>
        public int? Find(string name)
        {
            if (name is null) throw new ArgumentNullException(nameof(name));
            var ranked = Rank(name);
            return ranked.Count > 0 && Resolves(ranked[0].Match.Kind) ? ranked[0].Match.Id : (int?)null;
        }

        /// <summary>
        /// <see cref="Find"/>'s answer with what to report: the classes ranked equally with it, or, when nothing
        /// matches, up to <paramref name="suggestions"/> suggestions (see <see cref="Suggest"/>).
        /// </summary>
        public ClassResolution Resolve(string name, int suggestions = 5)
        {
            if (name is null) throw new ArgumentNullException(nameof(name));
            var ranked = Rank(name);
            if (ranked.Count > 0 && Resolves(ranked[0].Match.Kind))
            {
                var best = ranked[0].Match;
                var equal = ranked.Skip(1).Select(r => r.Match).TakeWhile(m => m.RanksEqually(best)).ToArray();
                return new ClassResolution(name, best, equal, Array.Empty<ClassMatch>());
            }
            return new ClassResolution(name, null, Array.Empty<ClassMatch>(), Suggestions(name, ranked, suggestions));
        }

        /// <summary>
        /// Up to <paramref name="max"/> classes for <paramref name="query"/>, best first, one match per class. An empty
        /// query lists the classes in id order (as <see cref="MatchKind.ExactName"/>); no match gives an empty list.
        /// </summary>
        public IReadOnlyList<ClassMatch> Search(string? query, int max = 20)
        {
            if (max < 1) return Array.Empty<ClassMatch>();
            if (ClassText.Words(query).Length == 0)
                return _entries.Take(max).Select(e => new ClassMatch(e.Id, e.Name, e.Name, MatchKind.ExactName, 0)).ToArray();
            return Rank(query!).Take(max).Select(r => r.Match).ToArray();
        }

        /// <summary>
        /// Up to <paramref name="max"/> classes to offer for <paramref name="name"/>: the search's matches (down to
        /// some shared words), then the nearest names and synonyms by edit distance (<see cref="MatchKind.Nearest"/>):
        /// the nearest one, and others at most one edit farther.
        /// </summary>
        public IReadOnlyList<ClassMatch> Suggest(string name, int max = 5) =>
            Suggestions(name ?? throw new ArgumentNullException(nameof(name)), Rank(name), max);

        /// <summary>The name or synonym nearest to <paramref name="name"/> by edit distance, ignoring case and punctuation.</summary>
        public string Closest(string name) => Nearest(name ?? "").Select(r => r.Match.MatchedTerm).FirstOrDefault() ?? "";

        /// <summary>The kinds precise enough to pick a class from a name.</summary>
        private static bool Resolves(MatchKind kind) => kind <= MatchKind.Typo;

        private IReadOnlyList<ClassMatch> Suggestions(string name, List<(ClassMatch Match, bool Primary)> ranked, int max)
        {
            if (max < 1 || ClassText.Words(name).Length == 0) return Array.Empty<ClassMatch>();
            var list = ranked.Take(max).Select(r => r.Match).ToList();
            var seen = new HashSet<int>(list.Select(m => m.Id));
            // The nearest name always, others only about as near: a far second guess is noise.
            var nearest = Nearest(name);
            foreach (var r in nearest.TakeWhile(r => r.Match.Score <= nearest[0].Match.Score + 1))
            {
                if (list.Count >= max) break;
                if (seen.Add(r.Match.Id)) list.Add(r.Match);
            }
            return list;
        }

        /// <summary>Every class matching <paramref name="query"/>, ranked; empty for a query without words.</summary>
        private List<(ClassMatch Match, bool Primary)> Rank(string query)
        {
            string raw = query.Trim();
            var q = new ClassTerm(raw, true);
            var found = new List<(ClassMatch Match, bool Primary)>();
            if (q.Words.Length == 0) return found;
            for (int i = 0; i < _terms.Length; i++)
            {
                (ClassMatch Match, bool Primary)? best = null;
                foreach (var t in _terms[i])
                {
                    if (!(ClassRanking.Match(raw, q, t) is { } m)) continue;
                    var cand = (new ClassMatch(_entries[i].Id, _entries[i].Name, t.Text, m.Kind, m.Score), t.Primary);
                    if (best is null || Compare(cand, best.Value) < 0) best = cand;
                }
                if (best != null) found.Add(best.Value);
            }
            found.Sort(Compare);
            return found;
        }

        /// <summary>Every class by the edit distance of its nearest name or synonym (or run of their words).</summary>
        private List<(ClassMatch Match, bool Primary)> Nearest(string name)
        {
            var q = new ClassTerm(name.Trim(), true);
            var found = new List<(ClassMatch Match, bool Primary)>();
            for (int i = 0; i < _terms.Length; i++)
            {
                (ClassMatch Match, bool Primary)? best = null;
                foreach (var t in _terms[i])
                {
                    var cand = (new ClassMatch(_entries[i].Id, _entries[i].Name, t.Text, MatchKind.Nearest, t.DistanceFrom(q)), t.Primary);
                    if (best is null || Compare(cand, best.Value) < 0) best = cand;
                }
                if (best != null) found.Add(best.Value);
            }
            found.Sort(Compare);
            return found;
        }

        private static int Compare((ClassMatch Match, bool Primary) a, (ClassMatch Match, bool Primary) b) =>
            ClassRanking.Compare(a.Match, a.Primary, b.Match, b.Primary);
    }
}
