using System;

namespace DiT.Training.Data.Wad;

/// <summary>
/// Doom's picture format (patches): int16 width, height, left and top offsets, then one int32 offset per column to its
/// posts. A post is a top row (byte; 0xFF ends the column), a length (byte), a padding byte, the palette indices and
/// another padding byte. Tall patches (taller than 254 rows) store a top row not above the previous one as relative to
/// it, which is followed here. Every offset and length is checked against the lump.
/// </summary>
public sealed class DoomPicture
{
    /// <summary>Larger sides than any real patch; the composed texture limit is the same.</summary>
    public const int MaxSide = 4096;

    public int Width { get; }
    public int Height { get; }
    /// <summary>Palette index per pixel (rows top to bottom).</summary>
    public byte[] Indices { get; }
    /// <summary>Whether a post covers the pixel (pictures have holes).</summary>
    public bool[] Opaque { get; }

    private DoomPicture(int width, int height, byte[] indices, bool[] opaque)
    {
        Width = width;
        Height = height;
        Indices = indices;
        Opaque = opaque;
    }

    public static DoomPicture Decode(ReadOnlySpan<byte> lump, string name)
    {
        if (lump.Length < 8) throw WadFile.Bad(name, $"is {lump.Length} bytes, shorter than a picture header (8)");
        int width = WadFile.I16(lump, 0), height = WadFile.I16(lump, 2);
        if (width < 1 || height < 1 || width > MaxSide || height > MaxSide)
            throw WadFile.Bad(name, $"picture size {width}x{height} is not in 1..{MaxSide}");
        if (8 + 4L * width > lump.Length) throw WadFile.Bad(name, $"its {width} column offsets run past its {lump.Length} bytes");
        var indices = new byte[width * height];
        var opaque = new bool[width * height];
        for (int x = 0; x < width; x++)
        {
            int at = WadFile.I32(lump, 8 + 4 * x);
            int top = -1, posts = 0;
            while (true)
            {
                if (at < 0 || at >= lump.Length) throw WadFile.Bad(name, $"column {x} reads at offset {at}, outside its {lump.Length} bytes");
                int delta = lump[at];
                if (delta == 0xFF) break;
                if (++posts > 256 + height) throw WadFile.Bad(name, $"column {x} has more posts than rows");
                top = delta <= top ? top + delta : delta;   // tall patches: relative when not below the previous post
                if (at + 3 > lump.Length) throw WadFile.Bad(name, $"column {x}: a post header runs past the lump");
                int length = lump[at + 1];
                if (at + 3 + length + 1 > lump.Length) throw WadFile.Bad(name, $"column {x}: a post of {length} pixels runs past the lump");
                for (int k = 0; k < length; k++)
                {
                    int y = top + k;
                    if (y >= height) break;                 // Doom clips posts to the picture
                    indices[y * width + x] = lump[at + 3 + k];
                    opaque[y * width + x] = true;
                }
                at += length + 4;
            }
        }
        return new DoomPicture(width, height, indices, opaque);
    }
}
