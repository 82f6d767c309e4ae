using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DiTPlugin.Training.Diffusion;

/// <summary>Which original timesteps a shortened sampling chain keeps (ADM's space_timesteps).</summary>
public static class Respacing
{
    /// <summary>
    /// Kept timesteps of a <paramref name="numTimesteps"/> chain, sorted ascending.
    /// "ddimN": the stride s = the first integer giving exactly N steps 0, s, 2s, ... (DDIM's uniform skip).
    /// "a,b,c" (or a single "N"): the chain is cut into equal sections (the first T mod k one longer) and section j
    /// keeps its count c_j steps evenly spread including both ends: stride (size-1)/(c_j-1), indices rounded half to
    /// even from a running sum of the stride, exactly as ADM (Python's round) does.
    /// </summary>
    public static int[] SpaceTimesteps(int numTimesteps, string sectionCounts)
    {
        if (numTimesteps < 1) throw new ArgumentOutOfRangeException(nameof(numTimesteps));
        ArgumentNullException.ThrowIfNull(sectionCounts);
        string spec = sectionCounts.Trim();
        if (spec.StartsWith("ddim", StringComparison.Ordinal))
        {
            int desired = int.Parse(spec.AsSpan(4), NumberStyles.Integer, CultureInfo.InvariantCulture);
            for (int stride = 1; stride < numTimesteps; stride++)
            {
                int count = (numTimesteps + stride - 1) / stride; // len(range(0, T, stride))
                if (count == desired)
                    return Enumerable.Range(0, count).Select(k => k * stride).ToArray();
            }
            throw new ArgumentException($"Cannot create exactly {desired} steps with an integer stride from {numTimesteps}.", nameof(sectionCounts));
        }
        var counts = spec.Split(',').Select(s => int.Parse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray();
        return SpaceTimesteps(numTimesteps, counts);
    }

    /// <summary>Section-count form of <see cref="SpaceTimesteps(int, string)"/>.</summary>
    public static int[] SpaceTimesteps(int numTimesteps, IReadOnlyList<int> sectionCounts)
    {
        if (sectionCounts.Count == 0) throw new ArgumentException("At least one section is needed.", nameof(sectionCounts));
        int sizePer = numTimesteps / sectionCounts.Count;
        int extra = numTimesteps % sectionCounts.Count;
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
        return all.ToArray();
    }
}
