using System.Buffers.Binary;
using System.Text;

namespace DiT.Training.Tests.Formats;

/// <summary>Safetensors files built byte by byte from the spec (u64 LE header length, JSON header, buffer), for tests.</summary>
internal static class SafetensorsBytes
{
    /// <summary>The file for <paramref name="header"/> bytes and <paramref name="buffer"/>; <paramref name="length"/> overrides the length prefix.</summary>
    public static byte[] Build(byte[] header, byte[] buffer, ulong? length = null)
    {
        var file = new byte[8 + header.Length + buffer.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, length ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        buffer.CopyTo(file, 8 + header.Length);
        return file;
    }

    public static byte[] Build(string json, byte[] buffer, ulong? length = null) => Build(Encoding.UTF8.GetBytes(json), buffer, length);
}
