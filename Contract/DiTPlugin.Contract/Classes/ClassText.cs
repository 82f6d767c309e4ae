using System;
using System.Collections.Generic;
using System.Text;

namespace DiTPlugin.Contract.Classes
{
    /// <summary>
    /// The text rules behind class matching: words are lower-case runs of letters and digits (so case and punctuation
    /// never matter below the exact kinds), and spelling distance is counted in single-character edits.
    /// </summary>
    public static class ClassText
    {
        /// <summary>Lower-case words (runs of letters and digits) joined by single spaces: "T-shirt/top" → "t shirt top".</summary>
        public static string Normalize(string? s) => string.Join(" ", Words(s));

        /// <summary>
        /// The words a name is searched by: "T-shirt/top" → ["t", "shirt", "top"]. A name or synonym without any can
        /// never be found, which is why model.json refuses such a synonym.
        /// </summary>
        public static string[] Words(string? s)
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

        /// <summary>
        /// How many edits a query of <paramref name="length"/> normalized characters may be off and still be taken as
        /// a misspelling: none below 4 characters (too many short words are one edit apart), 1 up to 7, then 2.
        /// </summary>
        internal static int TypoBudget(int length) => length < 4 ? 0 : length <= 7 ? 1 : 2;

        /// <summary>
        /// Edit distance counting insertions, deletions, substitutions and swaps of two neighbouring characters as one
        /// edit each (optimal string alignment): "retreiver" is 1 from "retriever". Stops early, returning a value above
        /// <paramref name="limit"/>, once the distance must exceed it.
        /// </summary>
        internal static int Distance(string a, string b, int limit = int.MaxValue)
        {
            if (Math.Abs(a.Length - b.Length) > limit) return limit == int.MaxValue ? limit : limit + 1;
            var rows = new[] { new int[b.Length + 1], new int[b.Length + 1], new int[b.Length + 1] };
            for (int j = 0; j <= b.Length; j++) rows[1][j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                int[] prev2 = rows[0], prev = rows[1], cur = rows[2];
                cur[0] = i;
                int rowMin = cur[0];
                for (int j = 1; j <= b.Length; j++)
                {
                    int d = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d = Math.Min(d, prev2[j - 2] + 1);
                    cur[j] = d;
                    rowMin = Math.Min(rowMin, d);
                }
                if (rowMin > limit) return limit + 1;
                rows[0] = prev; rows[1] = cur; rows[2] = prev2;
            }
            return rows[1][b.Length];
        }
    }
}
