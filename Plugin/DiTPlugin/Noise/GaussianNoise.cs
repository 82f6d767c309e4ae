using System;

namespace DiTPlugin.Noise
{
    /// <summary>
    /// Standard normal noise as a pure function of (seed, image index, draw, element): Philox4x32-10 with key = the
    /// 64-bit seed and counter = (element / 4, draw, image index, domain tag), each block of 4 words giving 4 normals
    /// by Box-Muller in double (u₁ = (a + 1)/2³² ∈ (0, 1], u₂ = b/2³²; z = √(−2 ln u₁)·(cos, sin)(2π u₂)).
    /// The same numbers come out on every run, machine, batch size and thread count.
    /// </summary>
    public static class GaussianNoise
    {
        /// <summary>Domain tag in counter word 3, so that other uses of the seed never collide with these streams.</summary>
        public const uint DomainTag = 0x44695431; // "DiT1"
        /// <summary>The draw number of the initial x_T; sampler step draws use the chain index + 1.</summary>
        public const uint InitialDraw = 0;

        /// <summary>
        /// The draw that noises the kept region of an inpainting to chain index <paramref name="chainIndex"/>: the high
        /// bit keeps it apart from the step draws (chain index + 1, at most T).
        /// </summary>
        public static uint KeptRegionDraw(int chainIndex) => 0x8000_0000u | (uint)chainIndex;

        /// <summary>
        /// The draw that noises an inpainting's sample back to chain index <paramref name="chainIndex"/> for its
        /// <paramref name="repeat"/>-th resampling (RePaint): bit 30 set, the repeat in bits 20–29, the index below.
        /// </summary>
        public static uint ResampleDraw(int chainIndex, int repeat) => 0x4000_0000u | ((uint)repeat << 20) | (uint)chainIndex;

        private const double TwoPow32 = 4294967296.0;

        /// <summary>Fills <paramref name="destination"/> with elements [firstElement, firstElement + length) of the stream.</summary>
        public static void Fill(ulong seed, uint imageIndex, uint draw, Span<float> destination, long firstElement = 0)
        {
            if (firstElement < 0) throw new ArgumentOutOfRangeException(nameof(firstElement));
            uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
            long end = firstElement + destination.Length;
            long e = firstElement;
            while (e < end)
            {
                long block = e >> 2;
                if (block > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(destination), "The noise stream is limited to 2^34 elements per image.");
                var (a, b, c, d) = Philox4x32.Generate((uint)block, draw, imageIndex, DomainTag, k0, k1);
                BoxMuller(a, b, out double z0, out double z1);
                BoxMuller(c, d, out double z2, out double z3);
                for (int j = (int)(e & 3); j < 4 && e < end; j++, e++)
                {
                    double z = j == 0 ? z0 : j == 1 ? z1 : j == 2 ? z2 : z3;
                    destination[(int)(e - firstElement)] = (float)z;
                }
            }
        }

        /// <summary>One standard normal element of the stream.</summary>
        public static float Sample(ulong seed, uint imageIndex, uint draw, long element)
        {
            Span<float> one = stackalloc float[1];
            Fill(seed, imageIndex, draw, one, element);
            return one[0];
        }

        private static void BoxMuller(uint a, uint b, out double z0, out double z1)
        {
            double u1 = (a + 1.0) / TwoPow32;
            double u2 = b / TwoPow32;
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            double th = 2.0 * Math.PI * u2;
            z0 = r * Math.Cos(th);
            z1 = r * Math.Sin(th);
        }
    }
}
