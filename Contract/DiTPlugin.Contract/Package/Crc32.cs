using System;
using System.Buffers.Binary;

namespace DiTPlugin.Contract.Package;

/// <summary>
/// CRC-32 as zip uses it (reflected polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF). Our own few lines, because
/// System.IO.Compression does not check the CRC of stored entries when reading them: Training checks checkpoints' tensor
/// records and data.pkl with it, and the Plugin a package zip's model.json (the one file no sha256 pins, and one whose
/// declared size a hostile zip can understate). "Slicing by 8" (eight
/// derived tables, eight bytes per step) keeps a multi-gigabyte checkpoint's check to a few seconds.
/// </summary>
public static class Crc32
{
    private static readonly uint[][] Tables = BuildTables();

    private static uint[][] BuildTables()
    {
        var t = new uint[8][];
        for (int k = 0; k < 8; k++) t[k] = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int bit = 0; bit < 8; bit++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[0][i] = c;
        }
        // t[k][i]: the CRC contribution of byte i followed by k zero bytes.
        for (int k = 1; k < 8; k++)
            for (int i = 0; i < 256; i++) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
        return t;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// The CRC of (the bytes whose CRC is <paramref name="crc"/>) followed by <paramref name="data"/>; start from 0.
    /// Lets a writer that streams gigabytes (the .npz sample export) checksum each chunk as it goes.
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var t = Tables;
        uint c = crc ^ 0xFFFFFFFFu;
        while (data.Length >= 8)
        {
            uint one = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ c;
            uint two = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            c = t[7][one & 0xFF] ^ t[6][(one >> 8) & 0xFF] ^ t[5][(one >> 16) & 0xFF] ^ t[4][one >> 24] ^
                t[3][two & 0xFF] ^ t[2][(two >> 8) & 0xFF] ^ t[1][(two >> 16) & 0xFF] ^ t[0][two >> 24];
            data = data[8..];
        }
        foreach (byte b in data) c = t[0][(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
