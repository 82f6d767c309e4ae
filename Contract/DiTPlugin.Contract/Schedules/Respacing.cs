using System;
using System.Collections.Generic;
using System.Globalization;

namespace DiTPlugin.Contract.Schedules
{
    /// <summary>Which original timesteps a shortened sampling chain keeps: ADM's space_timesteps.</summary>
    public static class Respacing
    {
        /// <summary>
        /// Kept timesteps of a <paramref name="timesteps"/>-step chain, ascending. "ddimN": the smallest integer
        /// stride s giving exactly N steps 0, s, 2s, … (DDIM's uniform skip). "a,b,c" or "N": the chain is cut into
        /// equal sections (the first T mod k one longer) and section j keeps c_j steps spread evenly including both
        /// ends, indices rounded half to even from a running sum of the fractional stride, as ADM (Python's round) does.
        /// </summary>
        public static int[] SpaceTimesteps(int timesteps, string spec)
        {
            if (timesteps < 1) throw new ArgumentOutOfRangeException(nameof(timesteps), timesteps, "timesteps must be at least 1.");
            if (spec is null) throw new ArgumentNullException(nameof(spec));
            string s = spec.Trim();
            if (s.StartsWith("ddim", StringComparison.Ordinal))
            {
                int desired = ParseCount(s.Substring(4), spec);
                for (int stride = 1; stride < timesteps; stride++)
                {
                    int count = (timesteps + stride - 1) / stride; // len(range(0, T, stride))
                    if (count == desired)
                    {
                        var r = new int[count];
                        for (int k = 0; k < count; k++) r[k] = k * stride;
                        return r;
                    }
                }
                throw new ArgumentException($"Cannot create exactly {desired} steps with an integer stride from {timesteps}.", nameof(spec));
            }
            var parts = s.Split(',');
            var counts = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++) counts[i] = ParseCount(parts[i], spec);
            return SpaceTimesteps(timesteps, counts);
        }

        /// <summary>The section-count form of <see cref="SpaceTimesteps(int, string)"/>.</summary>
        public static int[] SpaceTimesteps(int timesteps, IReadOnlyList<int> sectionCounts)
        {
            if (sectionCounts is null) throw new ArgumentNullException(nameof(sectionCounts));
            if (sectionCounts.Count == 0) throw new ArgumentException("At least one section is needed.", nameof(sectionCounts));
            int sizePer = timesteps / sectionCounts.Count;
            int extra = timesteps % sectionCounts.Count;
            int start = 0;
            var all = new SortedSet<int>();
            for (int i = 0; i < sectionCounts.Count; i++)
            {
                int size = sizePer + (i < extra ? 1 : 0);
                int count = sectionCounts[i];
                if (count < 0 || size < count)
                    throw new ArgumentException($"Cannot divide a section of {size} steps into {count}.", nameof(sectionCounts));
                double fracStride = count <= 1 ? 1.0 : (double)(size - 1) / (count - 1);
                double cur = 0.0;
                for (int k = 0; k < count; k++)
                {
                    // Running sum and banker's rounding, as ADM's Python loop (round(cur_idx); cur_idx += frac_stride).
                    all.Add(start + (int)Math.Round(cur, MidpointRounding.ToEven));
                    cur += fracStride;
                }
                start += size;
            }
            var result = new int[all.Count];
            all.CopyTo(result);
            return result;
        }

        private static int ParseCount(string text, string spec)
        {
            if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n))
                throw new ArgumentException($"Bad respacing spec '{spec}': expected \"ddimN\" or comma-separated step counts.", nameof(spec));
            return n;
        }
    }
}
