using System;
using System.Collections.Generic;
using System.Linq;

namespace DiTPlugin.Contract.Classes
{
    /// <summary>
    /// What a class name resolved to (<see cref="ClassCatalog.Resolve"/>), with what a caller should tell the user:
    /// the other classes ranked equally with the match (ambiguity), and the closest classes when nothing matched.
    /// </summary>
    public sealed class ClassResolution
    {
        /// <summary>The name as given.</summary>
        public string Query { get; }
        /// <summary>The best match (the one <see cref="ClassCatalog.Find"/> returns), or null when the name names no class.</summary>
        public ClassMatch? Match { get; }
        public int? Id => Match?.Id;
        /// <summary>
        /// Other classes ranked equally with <see cref="Match"/> (same kind and score), best first by the tie rules:
        /// "crane" is 134 (the bird) with 517 (the machine) here. Empty when the name is unambiguous.
        /// </summary>
        public IReadOnlyList<ClassMatch> Alternatives { get; }
        /// <summary>When nothing matched: classes sharing words with the name, then the nearest names by edit distance.</summary>
        public IReadOnlyList<ClassMatch> Suggestions { get; }

        public bool IsAmbiguous => Alternatives.Count > 0;
        /// <summary>Whether the name was taken as a misspelling of the match's name or synonym.</summary>
        public bool IsTypo => Match?.Kind == MatchKind.Typo;
        /// <summary>Whether the caller should say something: no match, a misspelling, or several equally good classes.</summary>
        public bool NeedsAttention => Match is null || IsTypo || IsAmbiguous;

        internal ClassResolution(string query, ClassMatch? match, IReadOnlyList<ClassMatch> alternatives, IReadOnlyList<ClassMatch> suggestions)
        {
            Query = query;
            Match = match;
            Alternatives = alternatives;
            Suggestions = suggestions;
        }

        /// <summary>
        /// One sentence for a log or an error: "Unknown class name 'x'; did you mean 'a' (3) or 'b' (4)?", or which
        /// class the name was taken as, how (a misspelling) and which classes ranked equally.
        /// </summary>
        public string Message
        {
            get
            {
                if (Match is not { } m)
                {
                    if (string.IsNullOrWhiteSpace(Query)) return "A class name is empty.";
                    return Suggestions.Count == 0 ? $"Unknown class name '{Query}'." : $"Unknown class name '{Query}'; did you mean {List(Suggestions, "or")}?";
                }
                string s = $"Class name '{Query}' is {Describe(m)}";
                if (IsTypo) s += $", taken as a misspelling ({m.Score} edit{(m.Score == 1 ? "" : "s")} away)";
                if (IsAmbiguous) s += $"; equally ranked: {List(Alternatives, "and")} (give a class id to pick one of those)";
                return s + ".";
            }
        }

        public override string ToString() => Message;

        internal static string Describe(ClassMatch m) =>
            m.MatchedTerm == m.Name ? $"'{m.Name}' ({m.Id})" : $"'{m.Name}' ({m.Id}, as '{m.MatchedTerm}')";

        private static string List(IReadOnlyList<ClassMatch> matches, string conjunction, int max = 8)
        {
            var shown = matches.Take(max).Select(Describe).ToList();
            if (matches.Count > max) return string.Join(", ", shown) + $" {conjunction} {matches.Count - max} more";
            return shown.Count == 1 ? shown[0] : string.Join(", ", shown.Take(shown.Count - 1)) + $" {conjunction} " + shown[^1];
        }
    }
}
