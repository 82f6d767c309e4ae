using System;

namespace DiTPlugin.Noise
{
    /// <summary>
    /// Philox4x32-10 (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2, 3"): a counter-based generator,
    /// the output block is a pure function of a 128-bit counter and a 64-bit key, so any element of any stream can be
    /// computed independently, in any order, on any thread.
    /// </summary>
    public static class Philox4x32
    {
        public const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;
        public const uint W0 = 0x9E3779B9, W1 = 0xBB67AE85;
        public const int Rounds = 10;

        /// <summary>The 4 output words for counter (c0..c3) and key (k0, k1).</summary>
        public static (uint, uint, uint, uint) Generate(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
        {
            for (int r = 0; r < Rounds; r++)
            {
                if (r > 0) { k0 += W0; k1 += W1; }
                ulong p0 = (ulong)M0 * c0;
                ulong p1 = (ulong)M1 * c2;
                uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0;
                uint hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
                uint n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
                c0 = n0; c1 = n1; c2 = n2; c3 = n3;
            }
            return (c0, c1, c2, c3);
        }

        /// <summary>Writes the 4 output words into <paramref name="output"/>.</summary>
        public static void Generate(ReadOnlySpan<uint> counter, ReadOnlySpan<uint> key, Span<uint> output)
        {
            if (counter.Length != 4 || key.Length != 2 || output.Length < 4) throw new ArgumentException("Philox4x32 needs a 4-word counter, a 2-word key and room for 4 words.");
            var (a, b, c, d) = Generate(counter[0], counter[1], counter[2], counter[3], key[0], key[1]);
            output[0] = a; output[1] = b; output[2] = c; output[3] = d;
        }
    }
}
