using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;

namespace DiTPlugin.Tests.Hostile;

/// <summary>
/// Test-only: writes zips the way careless or hostile tools might: repeated names, unsupported compression methods,
/// sizes in the headers that lie. Entries are written with ZipArchive (which allows repeated names in Create mode)
/// and then patched in place, in both the local header and the central directory.
/// </summary>
public static class ZipCraft
{
    public static byte[] Build(IEnumerable<(string Name, byte[] Data)> entries, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in entries)
            {
                var e = zip.CreateEntry(name, level);
                using var s = e.Open();
                s.Write(data);
            }
        return ms.ToArray();
    }

    public static byte[] Build(IReadOnlyDictionary<string, byte[]> files, string prefix = "") =>
        Build(files.Select(kv => (prefix + kv.Key, kv.Value)));

    /// <summary>The central directory's records: entry name, record offset, local header offset.</summary>
    public static List<(string Name, int Central, int Local)> Directory(byte[] zip)
    {
        int end = -1;
        for (int i = zip.Length - 22; i >= 0; i--)
            if (U32(zip, i) == 0x06054b50) { end = i; break; }
        if (end < 0) throw new InvalidDataException("no end record");
        int count = U16(zip, end + 10), pos = (int)U32(zip, end + 16);
        var list = new List<(string, int, int)>();
        for (int k = 0; k < count; k++)
        {
            if (U32(zip, pos) != 0x02014b50) throw new InvalidDataException("bad central header");
            int nameLength = U16(zip, pos + 28), extra = U16(zip, pos + 30), comment = U16(zip, pos + 32);
            list.Add((Encoding.UTF8.GetString(zip, pos + 46, nameLength), pos, (int)U32(zip, pos + 42)));
            pos += 46 + nameLength + extra + comment;
        }
        return list;
    }

    /// <summary>Sets an entry's compression method (12 = BZip2, 14 = LZMA, 99 = AES) in both headers.</summary>
    public static void SetMethod(byte[] zip, string name, ushort method)
    {
        foreach (var (n, central, local) in Directory(zip).Where(d => d.Name == name))
        {
            W16(zip, central + 10, method);
            W16(zip, local + 8, method);
        }
    }

    /// <summary>Sets the uncompressed size an entry declares, in both headers (the data stays as it is).</summary>
    public static void SetDeclaredSize(byte[] zip, string name, uint size)
    {
        foreach (var (n, central, local) in Directory(zip).Where(d => d.Name == name))
        {
            W32(zip, central + 24, size);
            W32(zip, local + 22, size);
        }
    }

    /// <summary>Renames an entry in both headers to a name of the same byte length (to make spellings ZipArchive would not write).</summary>
    public static void Rename(byte[] zip, string name, string newName)
    {
        var bytes = Encoding.UTF8.GetBytes(newName);
        foreach (var (n, central, local) in Directory(zip).Where(d => d.Name == name))
        {
            if (bytes.Length != Encoding.UTF8.GetByteCount(n)) throw new ArgumentException("same length only");
            Array.Copy(bytes, 0, zip, central + 46, bytes.Length);
            Array.Copy(bytes, 0, zip, local + 30, bytes.Length);
        }
    }

    private static int U16(byte[] b, int i) => b[i] | b[i + 1] << 8;
    private static uint U32(byte[] b, int i) => (uint)(b[i] | b[i + 1] << 8 | b[i + 2] << 16 | b[i + 3] << 24);
    private static void W16(byte[] b, int i, ushort v) { b[i] = (byte)v; b[i + 1] = (byte)(v >> 8); }
    private static void W32(byte[] b, int i, uint v) { for (int k = 0; k < 4; k++) b[i + k] = (byte)(v >> (8 * k)); }
}
