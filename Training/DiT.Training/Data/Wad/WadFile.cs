using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace DiT.Training.Data.Wad;

/// <summary>One entry of a WAD's directory: its name and where its bytes are.</summary>
public sealed record WadLump(int Index, string Name, int Offset, int Size);

/// <summary>
/// A Doom WAD (IWAD or PWAD), read whole and checked before anything is trusted: the header ("IWAD"/"PWAD", lump count,
/// directory offset, all little-endian int32), then 16-byte directory entries (offset, size, 8-byte name padded with
/// NULs). A hostile table is refused with the lump it concerns: a count or directory outside the file, a lump whose
/// bytes run past the end, a negative size, a name with bytes outside printable ASCII.
/// </summary>
public sealed class WadFile
{
    /// <summary>The largest WAD read (Freedoom's are 27 MB; Doom's engines index lumps with int32 anyway).</summary>
    public const int MaxFileBytes = 256 << 20;
    /// <summary>Doom engines keep lump numbers in 16 bits at most in places; no real WAD comes near.</summary>
    public const int MaxLumps = 65536;

    private readonly byte[] _bytes;
    public string Source { get; }
    public bool IsIwad { get; }
    public IReadOnlyList<WadLump> Lumps { get; }

    private WadFile(string source, byte[] bytes, bool iwad, List<WadLump> lumps)
    {
        Source = source;
        _bytes = bytes;
        IsIwad = iwad;
        Lumps = lumps;
    }

    public static WadFile Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"The WAD '{path}' does not exist.", path);
        long length = new FileInfo(path).Length;
        if (length > MaxFileBytes) throw new InvalidDataException($"{path}: {length} bytes, more than a WAD is read ({MaxFileBytes}).");
        return Parse(File.ReadAllBytes(path), path);
    }

    public static WadFile Parse(byte[] bytes, string source = "WAD")
    {
        if (bytes.Length < 12) throw Bad(source, $"is {bytes.Length} bytes, shorter than a WAD header (12)");
        string magic = Encoding.ASCII.GetString(bytes, 0, 4);
        if (magic != "IWAD" && magic != "PWAD") throw Bad(source, "does not start with 'IWAD' or 'PWAD': it is not a Doom WAD");
        int count = I32(bytes, 4), table = I32(bytes, 8);
        if (count < 0 || count > MaxLumps) throw Bad(source, $"lump count {count} is not in 0..{MaxLumps}");
        if (table < 12 || (long)table + 16L * count > bytes.Length)
            throw Bad(source, $"the directory ({count} entries at offset {table}) does not lie within the file's {bytes.Length} bytes");
        var lumps = new List<WadLump>(count);
        for (int i = 0; i < count; i++)
        {
            int at = table + 16 * i, offset = I32(bytes, at), size = I32(bytes, at + 4);
            string name = Name(bytes, at + 8, source, i);
            if (size < 0 || offset < 0 || (size > 0 && (long)offset + size > bytes.Length))
                throw Bad(source, $"lump {i} ('{name}') claims {size} bytes at offset {offset}, outside the file's {bytes.Length} bytes");
            lumps.Add(new WadLump(i, name, offset, size));
        }
        return new WadFile(source, bytes, magic == "IWAD", lumps);
    }

    /// <summary>The lump's bytes (a copy-free view).</summary>
    public ReadOnlySpan<byte> Read(WadLump lump) => _bytes.AsSpan(lump.Offset, lump.Size);

    /// <summary>The last lump of this name (as Doom engines look lumps up), or null.</summary>
    public WadLump? Find(string name)
    {
        for (int i = Lumps.Count - 1; i >= 0; i--)
            if (Lumps[i].Name == name) return Lumps[i];
        return null;
    }

    /// <summary>
    /// The lumps between a namespace's start and end markers (F_START/F_END or FF_START/FF_END for flats, P_/PP_ for
    /// patches), markers excluded. A start without its end is refused.
    /// </summary>
    public IReadOnlyList<WadLump> Namespace(string letter)
    {
        var list = new List<WadLump>();
        bool inside = false;
        foreach (var l in Lumps)
        {
            if (l.Name == letter + "_START" || l.Name == letter + letter + "_START") { inside = true; continue; }
            if (l.Name == letter + "_END" || l.Name == letter + letter + "_END") { inside = false; continue; }
            if (inside && !l.Name.EndsWith("_START", StringComparison.Ordinal) && !l.Name.EndsWith("_END", StringComparison.Ordinal)) list.Add(l);
        }
        if (inside) throw Bad(Source, $"the {letter}_START namespace has no {letter}_END");
        return list;
    }

    internal static int I32(ReadOnlySpan<byte> b, int at) => b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24;
    internal static short I16(ReadOnlySpan<byte> b, int at) => (short)(b[at] | b[at + 1] << 8);

    /// <summary>An 8-byte name: printable ASCII up to the first NUL, upper-cased as Doom compares names.</summary>
    internal static string Name(ReadOnlySpan<byte> b, int at, string source, int index)
    {
        int n = 0;
        while (n < 8 && b[at + n] != 0) n++;
        var chars = new char[n];
        for (int k = 0; k < n; k++)
        {
            byte c = b[at + k];
            if (c < 0x20 || c > 0x7E) throw Bad(source, $"entry {index} has a name with byte 0x{c:X2}, not printable ASCII");
            chars[k] = char.ToUpperInvariant((char)c);
        }
        return new string(chars);
    }

    internal static InvalidDataException Bad(string source, string what) => new($"{source}: {what}.");
}
