using System;

namespace DiTPlugin.Training.Formats;

/// <summary>
/// CRC-32 as zip uses it (reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF). Our own few lines, because
/// System.IO.Compression does not check the CRC of stored entries when reading them, and a bit flipped in a
/// checkpoint's tensor record or data.pkl would otherwise load as silently wrong weights.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFFu;
        foreach (byte b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
