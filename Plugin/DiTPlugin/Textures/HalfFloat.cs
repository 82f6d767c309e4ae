using System;

namespace DiTPlugin.Textures
{
    /// <summary>
    /// float → IEEE 754 binary16 bits, round to nearest, ties to even (netstandard2.1 has no System.Half).
    /// Overflow gives ±infinity, values below half the smallest subnormal give ±0, NaN stays a quiet NaN.
    /// </summary>
    public static class HalfFloat
    {
        public static ushort FromFloat(float value)
        {
            uint x = (uint)BitConverter.SingleToInt32Bits(value);
            uint sign = (x >> 16) & 0x8000u;
            int exp = (int)((x >> 23) & 0xff);
            uint mant = x & 0x7fffffu;
            if (exp == 0xff) return (ushort)(sign | 0x7c00u | (mant != 0 ? 0x200u | (mant >> 13) : 0u));

            int e = exp - 127 + 15;                      // the half's biased exponent
            if (e >= 31) return (ushort)(sign | 0x7c00u);
            if (e <= 0)
            {
                // Subnormal half: m·2⁻²⁴ with m = (1.mant·2²³) >> (14 − e), rounded to nearest even.
                int shift = 14 - e;
                if (shift > 24) return (ushort)sign;
                uint full = mant | 0x800000u;
                uint sub = full >> shift;
                uint rest = full & ((1u << shift) - 1), half = 1u << (shift - 1);
                if (rest > half || (rest == half && (sub & 1) != 0)) sub++;   // a carry into 0x400 is the smallest normal
                return (ushort)(sign | sub);
            }
            uint h = ((uint)e << 10) | (mant >> 13);
            uint r = mant & 0x1fffu;
            if (r > 0x1000u || (r == 0x1000u && (h & 1) != 0)) h++;          // a carry may reach the exponent, up to infinity
            return (ushort)(sign | h);
        }

        /// <summary>binary16 bits → float (exact).</summary>
        public static float ToFloat(ushort bits)
        {
            float sign = (bits & 0x8000) != 0 ? -1f : 1f;   // a float, so that −0 keeps its sign
            int exp = (bits >> 10) & 0x1f, mant = bits & 0x3ff;
            if (exp == 0x1f) return mant == 0 ? sign * float.PositiveInfinity : float.NaN;
            if (exp == 0) return sign * mant * (1f / 16777216f);           // m·2⁻²⁴
            return sign * (1f + mant / 1024f) * (float)Math.Pow(2, exp - 15);
        }
    }
}
