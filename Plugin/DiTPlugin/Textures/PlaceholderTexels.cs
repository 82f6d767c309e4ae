using System;
using System.Buffers.Binary;

namespace DiTPlugin.Textures
{
    /// <summary>
    /// What a GPU texture target shows between Allocate and the first write: mid-grey, opaque, in stored values.
    /// Shared by the Vulkan and Direct3D 12 targets so that both (and the CPU renderer's "no data yet" grey) agree.
    /// </summary>
    public static class PlaceholderTexels
    {
        /// <summary>
        /// Fills <paramref name="data"/> with mid-grey texels: bytes 128,128,128,255 for Rgba8, half 0.5 with alpha 1
        /// for RgbaHalf. The pattern repeats every texel, so a buffer with padded rows is filled correctly as long as
        /// its rows start at multiples of the texel size. The length must be a whole number of texels.
        /// </summary>
        public static void FillMidGrey(Span<byte> data, TextureFormat format)
        {
            int texel = format == TextureFormat.Rgba8 ? 4 : 8;
            if (data.Length % texel != 0)
                throw new ArgumentException($"{data.Length} bytes is not a whole number of {texel}-byte {format} texels.", nameof(data));
            if (format == TextureFormat.Rgba8)
            {
                for (int i = 0; i < data.Length; i += 4) { data[i] = data[i + 1] = data[i + 2] = 128; data[i + 3] = 255; }
                return;
            }
            ushort half = HalfFloat.FromFloat(0.5f), one = HalfFloat.FromFloat(1f);
            for (int i = 0; i < data.Length; i += 8)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(data.Slice(i), half);
                BinaryPrimitives.WriteUInt16LittleEndian(data.Slice(i + 2), half);
                BinaryPrimitives.WriteUInt16LittleEndian(data.Slice(i + 4), half);
                BinaryPrimitives.WriteUInt16LittleEndian(data.Slice(i + 6), one);
            }
        }
    }
}
