using System;
using DiTPlugin.Textures;

namespace DiTPlugin.D3D12
{
    /// <summary>
    /// Where the rows of a tightly packed <see cref="TextureLayout"/> go in a Direct3D 12 upload buffer. A buffer →
    /// texture copy reads each subresource from a placed footprint: its rows <c>RowPitch</c> bytes apart (a multiple of
    /// D3D12_TEXTURE_DATA_PITCH_ALIGNMENT, 256) starting at <c>Offset</c> (a multiple of
    /// D3D12_TEXTURE_DATA_PLACEMENT_ALIGNMENT, 512). For a single-slice 2D texture the subresource index is the mip level.
    /// No Direct3D types here: <see cref="D3D12TextureTarget"/> takes the placements from GetCopyableFootprints and uses
    /// <see cref="CopyRows"/> (upload) and <see cref="ReadRows"/> (readback); <see cref="Compute"/> is what
    /// GetCopyableFootprints gives for these uncompressed formats.
    /// </summary>
    public static class UploadFootprint
    {
        /// <summary>D3D12_TEXTURE_DATA_PITCH_ALIGNMENT.</summary>
        public const int RowPitchAlignment = 256;
        /// <summary>D3D12_TEXTURE_DATA_PLACEMENT_ALIGNMENT.</summary>
        public const int PlacementAlignment = 512;

        /// <summary>One subresource (mip level) in the upload buffer.</summary>
        public readonly struct Placement
        {
            /// <summary>Byte offset of the level's first row from the start of the buffer.</summary>
            public long Offset { get; }
            /// <summary>Bytes from one row's start to the next.</summary>
            public int RowPitch { get; }

            public Placement(long offset, int rowPitch)
            {
                if (offset < 0) throw new ArgumentOutOfRangeException(nameof(offset), offset, "The offset must not be negative.");
                if (rowPitch < 1) throw new ArgumentOutOfRangeException(nameof(rowPitch), rowPitch, "The row pitch must be positive.");
                Offset = offset;
                RowPitch = rowPitch;
            }

            public override string ToString() => $"offset {Offset}, row pitch {RowPitch}";
        }

        /// <summary><paramref name="value"/> rounded up to a multiple of <paramref name="alignment"/> (a power of two).</summary>
        public static long AlignUp(long value, long alignment) => (value + alignment - 1) & ~(alignment - 1);

        /// <summary>
        /// The placements GetCopyableFootprints returns for every level of <paramref name="layout"/> (base offset 0,
        /// uncompressed format, one array slice): level l at the first 512-aligned offset after level l−1's rows, its
        /// rows <c>AlignUp(width·bytesPerTexel, 256)</c> apart. <paramref name="requiredBytes"/> is where the last level's
        /// last row ends (that row is not padded to the pitch); the runtime's TotalBytes is at least this.
        /// </summary>
        public static Placement[] Compute(TextureLayout layout, out long requiredBytes)
        {
            if (layout is null) throw new ArgumentNullException(nameof(layout));
            var placements = new Placement[layout.MipCount];
            long end = 0;
            for (int level = 0; level < layout.MipCount; level++)
            {
                int rowBytes = layout.RowPitch(level);
                long offset = AlignUp(end, PlacementAlignment);
                int pitch = checked((int)AlignUp(rowBytes, RowPitchAlignment));
                placements[level] = new Placement(offset, pitch);
                end = offset + (long)pitch * (layout.MipHeight(level) - 1) + rowBytes;
            }
            requiredBytes = end;
            return placements;
        }

        /// <summary>
        /// Copies every level of <paramref name="packed"/> (laid out as <paramref name="layout"/>: tightly packed, level
        /// 0 first) row by row into <paramref name="upload"/> at <paramref name="placements"/>. Rows keep their order, so
        /// the data's first row becomes the texture's row 0. Padding bytes between rows are left as they are.
        /// </summary>
        public static void CopyRows(ReadOnlySpan<byte> packed, TextureLayout layout, ReadOnlySpan<Placement> placements, Span<byte> upload)
        {
            if (layout is null) throw new ArgumentNullException(nameof(layout));
            if (packed.Length != layout.ByteSize)
                throw new ArgumentException($"The data holds {packed.Length} bytes; {layout} needs {layout.ByteSize}.", nameof(packed));
            CheckPlacements(layout, placements, upload.Length, "upload buffer", nameof(upload));
            for (int level = 0; level < layout.MipCount; level++)
            {
                int rowBytes = layout.RowPitch(level), rows = layout.MipHeight(level);
                Placement p = placements[level];
                var source = packed.Slice((int)layout.MipOffset(level), rows * rowBytes);
                for (int y = 0; y < rows; y++)
                    source.Slice(y * rowBytes, rowBytes).CopyTo(upload.Slice((int)(p.Offset + (long)y * p.RowPitch), rowBytes));
            }
        }

        /// <summary>
        /// The inverse of <see cref="CopyRows"/>: gathers every level's rows from <paramref name="pitched"/> (a readback
        /// buffer laid out by <paramref name="placements"/>) into <paramref name="packed"/>, tightly packed as
        /// <paramref name="layout"/> has it. Padding bytes are skipped.
        /// </summary>
        public static void ReadRows(ReadOnlySpan<byte> pitched, TextureLayout layout, ReadOnlySpan<Placement> placements, Span<byte> packed)
        {
            if (layout is null) throw new ArgumentNullException(nameof(layout));
            if (packed.Length != layout.ByteSize)
                throw new ArgumentException($"The destination holds {packed.Length} bytes; {layout} needs {layout.ByteSize}.", nameof(packed));
            CheckPlacements(layout, placements, pitched.Length, "readback buffer", nameof(pitched));
            for (int level = 0; level < layout.MipCount; level++)
            {
                int rowBytes = layout.RowPitch(level), rows = layout.MipHeight(level);
                Placement p = placements[level];
                var destination = packed.Slice((int)layout.MipOffset(level), rows * rowBytes);
                for (int y = 0; y < rows; y++)
                    pitched.Slice((int)(p.Offset + (long)y * p.RowPitch), rowBytes).CopyTo(destination.Slice(y * rowBytes, rowBytes));
            }
        }

        /// <summary>Every level's rows fit its pitch and end inside a buffer of <paramref name="bufferBytes"/>.</summary>
        private static void CheckPlacements(TextureLayout layout, ReadOnlySpan<Placement> placements, int bufferBytes, string buffer, string parameter)
        {
            if (placements.Length != layout.MipCount)
                throw new ArgumentException($"{placements.Length} placement(s) for {layout.MipCount} level(s).", nameof(placements));
            for (int level = 0; level < layout.MipCount; level++)
            {
                int rowBytes = layout.RowPitch(level), rows = layout.MipHeight(level);
                Placement p = placements[level];
                if (p.RowPitch < rowBytes)
                    throw new ArgumentException($"Level {level}: row pitch {p.RowPitch} is less than its {rowBytes}-byte rows.", nameof(placements));
                long end = p.Offset + (long)p.RowPitch * (rows - 1) + rowBytes;
                if (end > bufferBytes)
                    throw new ArgumentException($"Level {level} ({p}) ends at byte {end}; the {buffer} holds {bufferBytes}.", parameter);
            }
        }
    }
}
