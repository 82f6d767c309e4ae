using System;

namespace DiTPlugin.Textures
{
    /// <summary>
    /// The byte layout of one texture with its mip chain: levels from 0 (full size) down to 1x1, each tightly packed
    /// (no row padding) and stored one after another. This is the layout Unity's Texture2D.LoadRawTextureData takes
    /// and what a staging buffer for vkCmdCopyBufferToImage / CopyTextureRegion holds with one region per level.
    /// </summary>
    public sealed class TextureLayout
    {
        private readonly long[] _offsets;

        public int Width { get; }
        public int Height { get; }
        public TextureSettings Settings { get; }
        public TextureFormat Format => Settings.Format;
        /// <summary>Levels stored: 1 without mips, else ⌊log₂ max(w, h)⌋ + 1.</summary>
        public int MipCount { get; }
        public int BytesPerTexel => Format == TextureFormat.Rgba8 ? 4 : 8;
        /// <summary>Bytes of all levels together.</summary>
        public long ByteSize => _offsets[MipCount];

        public TextureLayout(int width, int height, TextureSettings settings)
        {
            if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"Texture size {width}x{height} must be at least 1x1.");
            Settings = settings ?? throw new ArgumentNullException(nameof(settings));
            Width = width;
            Height = height;
            MipCount = settings.Mipmaps ? FullMipCount(width, height) : 1;
            _offsets = new long[MipCount + 1];
            for (int l = 0; l < MipCount; l++)
                _offsets[l + 1] = _offsets[l] + (long)MipWidth(l) * MipHeight(l) * BytesPerTexel;
        }

        /// <summary>⌊log₂ max(w, h)⌋ + 1: halving (rounding down, at least 1) until 1x1.</summary>
        public static int FullMipCount(int width, int height)
        {
            int n = 1;
            for (int s = Math.Max(width, height); s > 1; s >>= 1) n++;
            return n;
        }

        public int MipWidth(int level) => Math.Max(1, Width >> CheckLevel(level));
        public int MipHeight(int level) => Math.Max(1, Height >> CheckLevel(level));
        /// <summary>Byte offset of a level from the start of the data.</summary>
        public long MipOffset(int level) => _offsets[CheckLevel(level)];
        public long MipByteSize(int level) => _offsets[CheckLevel(level) + 1] - _offsets[level];
        /// <summary>Bytes of one row of a level.</summary>
        public int RowPitch(int level) => MipWidth(level) * BytesPerTexel;

        private int CheckLevel(int level) =>
            level >= 0 && level < MipCount ? level : throw new ArgumentOutOfRangeException(nameof(level), level, $"Mip level must be in 0..{MipCount - 1}.");

        public override string ToString() => $"{Width}x{Height} {Settings}, {MipCount} level(s), {ByteSize} bytes";
    }
}
