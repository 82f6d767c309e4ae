using System;
using System.Collections.Generic;
using System.Linq;

namespace DiT.Training.Tests.Formats.Fuzz;

/// <summary>Seeded byte-level damage: cuts at many offsets, flipped bits and bytes set to structurally loaded values.</summary>
internal static class ByteMutations
{
    /// <summary>Bytes that mean something to the parsers: JSON punctuation, digits, sign, pickle STOP/MARK, zip 'P', 0, 0xff.</summary>
    private static readonly byte[] Loaded = "{}[]\",:-09eE.(PK"u8.ToArray().Concat(new byte[] { 0x00, 0xff, 0x7f, 0x80, 0x8a, 0xc0 }).ToArray();

    /// <summary>
    /// Cut points: every offset in the first 64 bytes and the last 32 (headers, zip end records), plus
    /// <paramref name="spread"/> evenly spaced and <paramref name="random"/> random ones in between.
    /// </summary>
    public static IEnumerable<int> CutPoints(int length, int spread, int random, Random rng)
    {
        var cuts = new SortedSet<int>();
        for (int i = 0; i < Math.Min(64, length); i++) cuts.Add(i);
        for (int i = Math.Max(0, length - 32); i < length; i++) cuts.Add(i);
        for (int k = 1; k <= spread; k++) cuts.Add((int)((long)length * k / (spread + 1)));
        for (int k = 0; k < random; k++) cuts.Add(rng.Next(length));
        return cuts;
    }

    /// <summary>A copy with 1 to 3 bytes damaged inside [<paramref name="from"/>, <paramref name="to"/>): a bit flip, a byte flip or a loaded value.</summary>
    public static (byte[] Bytes, string What) Damage(byte[] data, int from, int to, Random rng)
    {
        var copy = (byte[])data.Clone();
        int n = 1 + rng.Next(3);
        var what = new List<string>();
        for (int k = 0; k < n; k++)
        {
            int at = from + rng.Next(Math.Max(1, to - from));
            switch (rng.Next(3))
            {
                case 0: copy[at] ^= (byte)(1 << rng.Next(8)); what.Add($"bit@{at}"); break;
                case 1: copy[at] ^= 0xff; what.Add($"inv@{at}"); break;
                default: copy[at] = Loaded[rng.Next(Loaded.Length)]; what.Add($"set@{at}=0x{copy[at]:x2}"); break;
            }
        }
        return (copy, string.Join(",", what));
    }
}
