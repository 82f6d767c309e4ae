using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace DiT.Training.Formats;

/// <summary>What an .npy header says: numpy dtype string (e.g. '|u1'), memory order and shape.</summary>
public sealed record NpyArrayInfo(string Descr, bool FortranOrder, long[] Shape, int MajorVersion)
{
    public long ElementCount => Shape.Aggregate(1L, (a, d) => checked(a * d));
}

/// <summary>
/// The .npy format's header (numpy's NEP 1 / format.py documentation): the magic "\x93NUMPY", a major and a minor
/// version byte, the header length (u16 LE in version 1.0, u32 LE in 2.0 and 3.0), then the ASCII text of a Python
/// dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...), } padded with spaces and ended by '\n' so that
/// the array data starts at a multiple of 64 bytes. (The documentation said 16 until numpy 1.14 raised the
/// alignment to 64; today's text says 64, and numpy 1.24's files confirm it.)
/// </summary>
public static class NpyHeader
{
    public static ReadOnlySpan<byte> Magic => new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };
    public const int Alignment = 64;

    /// <summary>
    /// numpy (≥ 1.23, format.GROWTH_AXIS_MAX_DIGITS) also leaves spaces after the dict so that the first axis can grow
    /// to 21 digits in place: 21 minus the number of digits of shape[0] (of shape[-1] for Fortran order). Not part of
    /// the format, but reproducing it makes our files byte-identical to np.save's.
    /// </summary>
    private const int GrowthAxisMaxDigits = 21;

    /// <summary>A version 1.0 header for a C-order array of <paramref name="descr"/> (e.g. "|u1"), as np.save writes it.</summary>
    public static byte[] Build(string descr, IReadOnlyList<long> shape)
    {
        if (shape.Any(d => d < 0)) throw new ArgumentException("npy: negative dimension.", nameof(shape));
        var dict = new StringBuilder();
        dict.Append("{'descr': '").Append(descr).Append("', 'fortran_order': False, 'shape': ").Append(PythonTuple(shape)).Append(", }");
        if (shape.Count > 0)
            dict.Append(' ', Math.Max(0, GrowthAxisMaxDigits - shape[0].ToString(CultureInfo.InvariantCulture).Length));
        // magic (6) + version (2) + length (2) + text + '\n' must reach a multiple of 64. numpy pads 1..64 spaces
        // (a full 64 when the text already ends on a boundary), never 0; so do we, to stay byte-identical.
        int unpadded = 6 + 2 + 2 + dict.Length + 1;
        int pad = Alignment - unpadded % Alignment;
        dict.Append(' ', pad).Append('\n');
        int textLength = dict.Length;
        if (textLength > ushort.MaxValue) throw new ArgumentException("npy: header too long for format version 1.0.", nameof(shape));
        var bytes = new byte[10 + textLength];
        Magic.CopyTo(bytes);
        bytes[6] = 1; // major
        bytes[7] = 0; // minor
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)textLength);
        Encoding.ASCII.GetBytes(dict.ToString(), bytes.AsSpan(10));
        return bytes;
    }

    /// <summary>Python's repr of a tuple of ints: "()", "(5,)", "(3, 4, 5)".</summary>
    private static string PythonTuple(IReadOnlyList<long> shape) => shape.Count switch
    {
        0 => "()",
        1 => $"({shape[0].ToString(CultureInfo.InvariantCulture)},)",
        _ => "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
    };

    /// <summary>Bytes needed to know the header's total length: magic, version and the longest length field.</summary>
    public const int PrefixLength = 12;

    /// <summary>
    /// Total header length (prefix + text) from the first bytes of a file (at least 10; 12 for versions 2 and 3).
    /// Throws <see cref="InvalidDataException"/> when they are not an .npy prefix.
    /// </summary>
    public static int TotalLength(ReadOnlySpan<byte> prefix, string source)
    {
        if (prefix.Length < 10 || !prefix[..6].SequenceEqual(Magic))
            throw new InvalidDataException($"{source}: not an .npy array (no \\x93NUMPY magic).");
        int major = prefix[6];
        long length = major switch
        {
            1 => 10 + (long)BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]),
            2 or 3 when prefix.Length >= 12 => 12 + (long)BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]),
            2 or 3 => throw new InvalidDataException($"{source}: .npy header cut short."),
            _ => throw new InvalidDataException($"{source}: .npy format version {major}.{prefix[7]} is not supported (1.0, 2.0 and 3.0 are)."),
        };
        if (length > 1 << 20) throw new InvalidDataException($"{source}: .npy header claims {length} bytes; the file is corrupt.");
        return (int)length;
    }

    /// <summary>Parses a whole header (as long as <see cref="TotalLength"/> said).</summary>
    public static NpyArrayInfo Parse(ReadOnlySpan<byte> header, string source)
    {
        int total = TotalLength(header, source);
        if (header.Length < total) throw new InvalidDataException($"{source}: .npy header cut short.");
        int major = header[6];
        int start = major == 1 ? 10 : 12;
        var textBytes = header[start..total];
        string text = major == 3 ? Encoding.UTF8.GetString(textBytes) : Encoding.Latin1.GetString(textBytes);
        if (!text.EndsWith('\n')) throw new InvalidDataException($"{source}: .npy header does not end with a newline; the file is corrupt.");
        var p = new DictParser(text, source);
        var dict = p.ParseDict();
        if (!dict.TryGetValue("descr", out var d) || d is not string descr)
            throw new InvalidDataException($"{source}: .npy header has no string 'descr' (structured dtypes are not supported).");
        if (!dict.TryGetValue("fortran_order", out var f) || f is not bool fortran)
            throw new InvalidDataException($"{source}: .npy header has no boolean 'fortran_order'.");
        if (!dict.TryGetValue("shape", out var s) || s is not long[] shape)
            throw new InvalidDataException($"{source}: .npy header has no integer tuple 'shape'.");
        if (dict.Count != 3) throw new InvalidDataException($"{source}: .npy header has unexpected keys: {string.Join(", ", dict.Keys)}.");
        return new NpyArrayInfo(descr, fortran, shape, major);
    }

    /// <summary>
    /// Reads exactly the literals an .npy header may hold: a dict of quoted-string keys to quoted strings, True/False
    /// and tuples of non-negative ints. Anything else is an error, never evaluated.
    /// </summary>
    private sealed class DictParser(string text, string source)
    {
        private int _i;

        public Dictionary<string, object> ParseDict()
        {
            var result = new Dictionary<string, object>(StringComparer.Ordinal);
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (Peek() == '}') { _i++; break; }
                string key = ParseString();
                Expect(':');
                SkipSpace();
                object value = Peek() switch
                {
                    '\'' or '"' => ParseString(),
                    '(' => ParseTuple(),
                    _ => ParseBool(),
                };
                if (!result.TryAdd(key, value)) throw Error($"duplicate key '{key}'");
                SkipSpace();
                if (Peek() == ',') { _i++; continue; }
                Expect('}');
                break;
            }
            SkipSpace();
            if (_i != text.Length) throw Error("text after the dict");
            return result;
        }

        private string ParseString()
        {
            SkipSpace();
            char q = Peek();
            if (q != '\'' && q != '"') throw Error("expected a quoted string");
            int end = text.IndexOf(q, _i + 1);
            if (end < 0) throw Error("unterminated string");
            string s = text.Substring(_i + 1, end - _i - 1);
            if (s.Contains('\\')) throw Error("escapes in strings are not supported");
            _i = end + 1;
            return s;
        }

        private bool ParseBool()
        {
            if (string.CompareOrdinal(text, _i, "True", 0, 4) == 0) { _i += 4; return true; }
            if (string.CompareOrdinal(text, _i, "False", 0, 5) == 0) { _i += 5; return false; }
            throw Error("expected True, False, a string or a tuple");
        }

        private long[] ParseTuple()
        {
            Expect('(');
            var dims = new List<long>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')') { _i++; break; }
                int start = _i;
                while (_i < text.Length && char.IsAsciiDigit(text[_i])) _i++;
                if (_i == start || !long.TryParse(text.AsSpan(start, _i - start), NumberStyles.None, CultureInfo.InvariantCulture, out long d))
                    throw Error("expected a non-negative integer dimension");
                // numpy ≤ 1.x on Windows wrote Python 2 longs as "3L".
                if (_i < text.Length && text[_i] == 'L') _i++;
                dims.Add(d);
                SkipSpace();
                if (Peek() == ',') { _i++; continue; }
                Expect(')');
                break;
            }
            return dims.ToArray();
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c) throw Error($"expected '{c}'");
            _i++;
        }

        private char Peek() => _i < text.Length ? text[_i] : '\0';

        private void SkipSpace()
        {
            while (_i < text.Length && char.IsWhiteSpace(text[_i])) _i++;
        }

        private InvalidDataException Error(string what) =>
            new($"{source}: malformed .npy header ({what} at character {_i}): {text.TrimEnd()}");
    }
}
