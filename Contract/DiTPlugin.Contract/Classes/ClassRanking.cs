using System;
using System.Linq;

namespace DiTPlugin.Contract.Classes
{
    /// <summary>
    /// How one query matches one term, and how two matches compare. A class is ranked by its best term; matches are
    /// ordered by <see cref="MatchKind"/>, then <see cref="ClassMatch.Score"/>, then (the tie rules, which make the
    /// order total and so every lookup deterministic) names before synonyms, shorter terms, lower ids.
    /// </summary>
    internal static class ClassRanking
    {
        /// <summary>The kind and score of <paramref name="t"/> as a match for the query (<paramref name="raw"/>, trimmed, and <paramref name="q"/>), or null.</summary>
        public static (MatchKind Kind, int Score)? Match(string raw, ClassTerm q, ClassTerm t)
        {
            bool p = t.Primary;
            if (t.Text == raw) return (p ? MatchKind.ExactName : MatchKind.ExactSynonym, 0);
            if (t.Normal == q.Normal) return (p ? MatchKind.Name : MatchKind.Synonym, 0);
            if (ContainsRun(t.Words, q.Words)) return (p ? MatchKind.WordsInName : MatchKind.WordsInSynonym, 0);
            if (t.Normal.StartsWith(q.Normal, StringComparison.Ordinal)) return (p ? MatchKind.NamePrefix : MatchKind.SynonymPrefix, 0);
            if (t.Normal.IndexOf(q.Normal, StringComparison.Ordinal) >= 0) return (p ? MatchKind.InName : MatchKind.InSynonym, 0);
            if (q.Words.All(w => t.Words.Any(tw => tw.StartsWith(w, StringComparison.Ordinal))))
                return (p ? MatchKind.WordPrefixesInName : MatchKind.WordPrefixesInSynonym, 0);
            int budget = ClassText.TypoBudget(q.Normal.Length);
            if (budget > 0)
            {
                int d = t.DistanceFrom(q, budget, sameStart: true);
                if (d <= budget) return (MatchKind.Typo, d);
            }
            int shared = q.Words.Distinct().Count(w => t.Words.Contains(w));
            return shared > 0 ? (MatchKind.SomeWords, -shared) : ((MatchKind, int)?)null;
        }

        /// <summary>Best first: kind, score, names before synonyms, shorter terms, lower ids.</summary>
        public static int Compare(ClassMatch a, bool aPrimary, ClassMatch b, bool bPrimary)
        {
            int c = a.Kind.CompareTo(b.Kind);
            if (c != 0) return c;
            if ((c = a.Score.CompareTo(b.Score)) != 0) return c;
            if ((c = bPrimary.CompareTo(aPrimary)) != 0) return c;
            if ((c = a.MatchedTerm.Length.CompareTo(b.MatchedTerm.Length)) != 0) return c;
            return a.Id.CompareTo(b.Id);
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
    }
}
