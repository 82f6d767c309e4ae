using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace DiT.Training.Data;

/// <summary>An unsigned-byte IDX array (the (Fashion-)MNIST format): dimensions and row-major data.</summary>
public sealed record IdxArray(int[] Dims, byte[] Data)
{
    public int Count => Dims[0];
}

/// <summary>
/// Reads and writes IDX files: magic = two zero bytes, a type code (0x08 = unsigned byte, the only one MNIST-style sets
/// use), the number of dimensions; then each dimension as a big-endian int32; then the data. Gzip is detected from the
/// content (1F 8B), not the file name, so renamed or already-unpacked files both work.
/// </summary>
public static class IdxFile
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;

    public static IdxArray Read(string path, int? expectedMagic = null)
    {
        using var fs = File.OpenRead(path);
        return Read(fs, path, expectedMagic);
    }

    public static IdxArray Read(Stream stream, string source, int? expectedMagic = null)
    {
        byte[] raw;
        using (var ms = new MemoryStream())
        {
            stream.CopyTo(ms);
            raw = ms.ToArray();
        }
        if (raw.Length >= 2 && raw[0] == 0x1F && raw[1] == 0x8B)
        {
            try
            {
                using var gz = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
                using var ms = new MemoryStream();
                gz.CopyTo(ms);
                raw = ms.ToArray();
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidDataException($"IDX file '{source}': gzip stream is corrupt or truncated ({ex.Message}).", ex);
            }
        }
        return Parse(raw, source, expectedMagic);
    }

    public static IdxArray Parse(byte[] raw, string source, int? expectedMagic = null)
    {
        if (raw.Length < 4) throw new InvalidDataException($"IDX file '{source}': {raw.Length} bytes is too short for the magic number (truncated).");
        int magic = BinaryPrimitives.ReadInt32BigEndian(raw);
        int ndim = raw[3];
        if (raw[0] != 0 || raw[1] != 0 || raw[2] != 0x08 || ndim == 0)
            throw new InvalidDataException($"IDX file '{source}': bad magic 0x{magic:X8} (expected 0x000008NN: unsigned-byte data with NN dimensions).");
        if (expectedMagic is int em && magic != em)
            throw new InvalidDataException($"IDX file '{source}': bad magic 0x{magic:X8}, expected 0x{em:X8} ({(em == ImagesMagic ? "images" : em == LabelsMagic ? "labels" : "array")}).");
        int headerLen = 4 + 4 * ndim;
        if (raw.Length < headerLen) throw new InvalidDataException($"IDX file '{source}': header needs {headerLen} bytes, file has {raw.Length} (truncated).");
        var dims = new int[ndim];
        long total = 1;
        for (int i = 0; i < ndim; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4 + 4 * i));
            if (dims[i] < 0) throw new InvalidDataException($"IDX file '{source}': negative dimension {dims[i]}.");
            total *= dims[i];
        }
        long have = raw.Length - headerLen;
        if (have < total)
            throw new InvalidDataException($"IDX file '{source}': dimensions [{string.Join(", ", dims)}] need {total} data bytes, file has {have} (truncated).");
        if (have > total)
            throw new InvalidDataException($"IDX file '{source}': {have - total} unexpected bytes after the data.");
        return new IdxArray(dims, raw.AsSpan(headerLen).ToArray());
    }

    /// <summary>Writes an unsigned-byte IDX file; gzip-compressed when <paramref name="gzip"/>.</summary>
    public static void Write(string path, int[] dims, byte[] data, bool gzip = false)
    {
        long total = dims.Aggregate(1L, (a, b) => a * b);
        if (total != data.Length) throw new ArgumentException($"dims [{string.Join(", ", dims)}] hold {total} bytes, data has {data.Length}.");
        using var fs = File.Create(path);
        using Stream s = gzip ? new GZipStream(fs, CompressionLevel.Fastest) : fs;
        Span<byte> b4 = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(b4, 0x00000800 | dims.Length);
        s.Write(b4);
        foreach (var d in dims)
        {
            BinaryPrimitives.WriteInt32BigEndian(b4, d);
            s.Write(b4);
        }
        s.Write(data);
    }
}
