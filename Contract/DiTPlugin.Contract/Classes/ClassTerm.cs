using System;

namespace DiTPlugin.Contract.Classes
{
    /// <summary>A class's name or synonym, split into the forms the ranking compares (text, normalized, words).</summary>
    internal sealed class ClassTerm
    {
        public readonly string Text, Normal;
        public readonly string[] Words;
        /// <summary>The class's name rather than a synonym: names win ties and have their own match kinds.</summary>
        public readonly bool Primary;

        public ClassTerm(string text, bool primary)
        {
            Text = text;
            Primary = primary;
            Words = ClassText.Words(text);
            Normal = string.Join(" ", Words);
        }

        /// <summary>
        /// The edit distance from <paramref name="q"/> to this term, or to the closest run of as many consecutive words
        /// as the query has ("retreiver" against "golden retriever" compares with "retriever"); above
        /// <paramref name="limit"/> when it exceeds it. With <paramref name="sameStart"/>, only a term or run that
        /// starts with the query's first character counts (misspellings rarely change it, and without the rule
        /// "boat" would be a misspelling of "coat").
        /// </summary>
        public int DistanceFrom(ClassTerm q, int limit = int.MaxValue, bool sameStart = false)
        {
            int over = limit == int.MaxValue ? limit : limit + 1;
            int best = !sameStart || StartsAlike(Normal, q.Normal) ? ClassText.Distance(q.Normal, Normal, limit) : over;
            int n = q.Words.Length;
            for (int i = 0; n > 0 && n < Words.Length && i + n <= Words.Length && best > 0; i++)
                if (!sameStart || StartsAlike(Words[i], q.Normal))
                    best = Math.Min(best, ClassText.Distance(q.Normal, string.Join(" ", Words, i, n), Math.Min(limit, best)));
            return best;
        }

        private static bool StartsAlike(string a, string b) => a.Length > 0 && b.Length > 0 && a[0] == b[0];
    }
}
