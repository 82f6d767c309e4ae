using System;
using DiTPlugin.Noise;

namespace DiTPlugin.Sampling
{
    /// <summary>
    /// Seamless tiling by rolling: before each denoising step the image (or latent) is rolled on the torus by a random
    /// offset, the model denoises the rolled copy, and its outputs are rolled back. The wrap edge lands somewhere
    /// different at every step, so the model sees both sides of it as neighbours and the finished image repeats
    /// without a seam. Offsets are a pure function of (seed, image index, step), like the noise, so a recipe still
    /// gives the same pixels in any batch.
    /// </summary>
    public static class SeamlessRoll
    {
        /// <summary>Counter word 3 for the offsets' Philox stream (distinct from the noise's "DiT1").</summary>
        public const uint DomainTag = 0x526F6C6C; // "Roll"

        /// <summary>The (rows, columns) offset in 0..size−1 for one image at one chain index.</summary>
        public static (int Dy, int Dx) Offset(ulong seed, uint imageIndex, int chainIndex, int size)
        {
            if (size < 1) throw new ArgumentOutOfRangeException(nameof(size));
            var (a, b, _, _) = Philox4x32.Generate(0, (uint)chainIndex, imageIndex, DomainTag, (uint)seed, (uint)(seed >> 32));
            // a mod size: the bias is below size / 2³², invisible at texture sizes.
            return ((int)(a % (uint)size), (int)(b % (uint)size));
        }

        /// <summary>
        /// destination[c, y, x] = source[c, (y + dy) mod S, (x + dx) mod S] for planar [C, S, S] data. With the negated
        /// offsets it undoes itself: Roll(Roll(a, dy, dx), −dy, −dx) = a.
        /// </summary>
        public static void Roll(ReadOnlySpan<float> source, Span<float> destination, int channels, int size, int dy, int dx)
        {
            int plane = size * size;
            if (source.Length != channels * plane || destination.Length != source.Length)
                throw new ArgumentException($"Roll needs {channels}x{size}x{size} = {channels * plane} values in and out.");
            if (source.Overlaps(destination)) throw new ArgumentException("Roll cannot work in place.");
            dy = ((dy % size) + size) % size;
            dx = ((dx % size) + size) % size;
            for (int c = 0; c < channels; c++)
                for (int y = 0; y < size; y++)
                {
                    var from = source.Slice(c * plane + (y + dy) % size * size, size);
                    var to = destination.Slice(c * plane + y * size, size);
                    // One row rolled left by dx: two block copies.
                    from.Slice(dx).CopyTo(to);
                    from.Slice(0, dx).CopyTo(to.Slice(size - dx));
                }
        }
    }
}
