using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace DiT.Training.Formats;

/// <summary>One tensor's header entry. Begin/End are byte offsets relative to the start of the data buffer.</summary>
public sealed record SafetensorsEntry(string Name, SafetensorsDtype Dtype, long[] Shape, long Begin, long End)
{
    public long ByteLength => End - Begin;
    public long ElementCount => Shape.Aggregate(1L, (a, b) => checked(a * b));
}

/// <summary>
/// A parsed and validated safetensors header. Layout of a file: u64 little-endian N, N bytes of UTF-8 JSON, then the
/// data buffer. Every check the loaders rely on happens here, so a reader never indexes outside the buffer.
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>Upper bound on N, as in the reference implementation: a larger value means a corrupt or hostile file.</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Entries in header (JSON) order, which is also the order <see cref="Safetensors.Save"/> lays data out.</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public long HeaderLength { get; }
    /// <summary>Absolute file offset of the data buffer (8 + N).</summary>
    public long DataStart => 8 + HeaderLength;
    public long BufferLength { get; }

    private readonly Dictionary<string, SafetensorsEntry> _byName;

    private SafetensorsHeader(List<SafetensorsEntry> entries, Dictionary<string, string> metadata, long headerLength, long bufferLength)
    {
        Entries = entries;
        Metadata = metadata;
        HeaderLength = headerLength;
        BufferLength = bufferLength;
        _byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    public bool TryGet(string name, out SafetensorsEntry entry) => _byName.TryGetValue(name, out entry!);

    public SafetensorsEntry this[string name] =>
        _byName.TryGetValue(name, out var e) ? e : throw new KeyNotFoundException($"safetensors: no tensor named '{name}'.");

    /// <summary>Validates the 8-byte length prefix against the file length and returns N.</summary>
    public static long CheckHeaderLength(ulong n, long fileLength, string source)
    {
        if (n == 0) throw Bad(source, "header length is 0 (a header holds at least \"{}\")");
        if (n > MaxHeaderLength) throw Bad(source, $"header length {n} exceeds the {MaxHeaderLength}-byte limit (corrupt file?)");
        if ((long)n > fileLength - 8)
            throw Bad(source, $"header length {n} runs past the end of the file ({fileLength} bytes): file truncated or not safetensors");
        return (long)n;
    }

    /// <summary>
    /// Most dimensions a tensor may have. numpy's classic limit; the models here use at most 5, and a header with
    /// thousands of dimensions only serves to make the tensor library misbehave.
    /// </summary>
    public const int MaxRank = 32;

    /// <summary>
    /// Parses the JSON header bytes and validates every entry against a data buffer of <paramref name="bufferLength"/>
    /// bytes. Every malformation (invalid UTF-8, wrong JSON types, negative or fractional sizes, unknown dtypes,
    /// offsets that overlap, leave gaps or disagree with shape x dtype) is an <see cref="InvalidDataException"/> that
    /// names <paramref name="source"/> and the offending tensor or field.
    /// </summary>
    public static SafetensorsHeader Parse(ReadOnlySpan<byte> json, long bufferLength, string source)
    {
        // System.Text.Json does not validate UTF-8 while parsing; it fails later, with InvalidOperationException,
        // when a name is read. Checking first gives one clear message with the place.
        if (!Utf8.IsValid(json))
            throw Bad(source, $"header is not valid UTF-8 (first bad byte at header offset {FirstInvalidUtf8(json)}{Near(json, FirstInvalidUtf8(json))})");
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException ex)
        {
            throw Bad(source, $"header is not valid JSON ({ex.Message})", ex);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(source, $"header JSON is a {doc.RootElement.ValueKind}, not an object");
            var entries = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                string name = NameOf(prop, "a tensor name", source);
                // JsonDocument keeps duplicate keys; two entries with one name would make lookups ambiguous.
                if (!seen.Add(name)) throw Bad(source, $"duplicate key '{Clip(name)}' in header");
                if (name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object)
                        throw Bad(source, $"__metadata__ is a {prop.Value.ValueKind}; it must be an object of string values");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        string key = NameOf(m, "a __metadata__ key", source);
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw Bad(source, $"__metadata__ value for '{Clip(key)}' is a {m.Value.ValueKind}; metadata values must be strings");
                        if (!metadata.TryAdd(key, StringOf(m.Value, $"__metadata__ value for '{Clip(key)}'", source)))
                            throw Bad(source, $"duplicate key '{Clip(key)}' in __metadata__");
                    }
                    continue;
                }
                entries.Add(ParseEntry(name, prop.Value, source));
            }
            CheckLayout(entries, bufferLength, source);
            return new SafetensorsHeader(entries, metadata, json.Length, bufferLength);
        }
    }

    private static SafetensorsEntry ParseEntry(string fullName, JsonElement v, string source)
    {
        string name = Clip(fullName); // for messages only
        if (v.ValueKind != JsonValueKind.Object) throw Bad(source, $"tensor '{name}': entry is a {v.ValueKind}, not an object with dtype, shape and data_offsets");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw Bad(source, $"tensor '{name}': dtype is missing or not a string");
        string dtypeText = StringOf(dt, $"tensor '{name}': dtype", source);
        if (!SafetensorsDtypes.TryParse(dtypeText, out var dtype))
            throw Bad(source, $"tensor '{name}': unknown dtype '{Clip(dtypeText)}' (valid: {string.Join(", ", Enum.GetNames<SafetensorsDtype>())})");
        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw Bad(source, $"tensor '{name}': shape is missing or not an array");
        if (sh.GetArrayLength() > MaxRank)
            throw Bad(source, $"tensor '{name}': shape has {sh.GetArrayLength()} dimensions; at most {MaxRank} are supported");
        var shape = new List<long>();
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0)
                throw Bad(source, $"tensor '{name}': shape entry {Clip(d.GetRawText())} is not a non-negative integer");
            shape.Add(dim);
        }
        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad(source, $"tensor '{name}': data_offsets must be an array [begin, end]");
        long begin = Offset(off[0], name, "begin", source), end = Offset(off[1], name, "end", source);
        if (end < begin) throw Bad(source, $"tensor '{name}': data_offsets [{begin}, {end}] end before they begin");
        long expected = ByteSize(shape, dtype.ElementSize()) ?? throw Bad(source, $"tensor '{name}': shape [{string.Join(", ", shape)}] overflows a 64-bit size");
        if (end - begin != expected)
            throw Bad(source, $"tensor '{name}': shape [{string.Join(", ", shape)}] x {dtypeText} needs {expected} bytes but data_offsets [{begin}, {end}] span {end - begin} (wrong length)");
        return new SafetensorsEntry(fullName, dtype, shape.ToArray(), begin, end);
    }

    /// <summary>
    /// Bytes of a tensor, or null when a size overflows int64. Zero-sized dimensions make the count 0 whatever the
    /// others are, but the tensor library still computes strides from them, so the product of the non-zero
    /// dimensions must fit as well.
    /// </summary>
    private static long? ByteSize(List<long> shape, int elementSize)
    {
        try
        {
            long nonZero = 1;
            bool empty = false;
            foreach (var d in shape)
                if (d == 0) empty = true;
                else nonZero = checked(nonZero * d);
            return empty ? 0 : checked(nonZero * elementSize);
        }
        catch (OverflowException) { return null; }
    }

    private static long Offset(JsonElement e, string name, string which, string source) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) && v >= 0 ? v
            : throw Bad(source, $"tensor '{name}': data_offsets {which} {Clip(e.GetRawText())} is not a non-negative integer");

    /// <summary>A property name; an escaped lone surrogate ("\ud800") is valid JSON but no string, and fails here.</summary>
    private static string NameOf(JsonProperty p, string what, string source)
    {
        try { return p.Name; }
        catch (InvalidOperationException e) { throw Bad(source, $"{what} is not a valid string ({e.Message})", e); }
    }

    private static string StringOf(JsonElement e, string what, string source)
    {
        try { return e.GetString()!; }
        catch (InvalidOperationException ex) { throw Bad(source, $"{what} is not a valid string ({ex.Message})", ex); }
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        Utf8.ToUtf16(bytes, chars, out int read, out _, replaceInvalidSequences: false);
        return read;
    }

    /// <summary>" near '...'": the text before a position, with bad bytes replaced, so the user can find the spot.</summary>
    private static string Near(ReadOnlySpan<byte> json, int at)
    {
        int from = Math.Max(0, at - 40);
        string text = Encoding.UTF8.GetString(json[from..Math.Min(json.Length, at + 8)]);
        return $", near '{text}'";
    }

    /// <summary>Header text quoted in a message, cut so a hostile 100 MB string cannot flood the console.</summary>
    private static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "…";

    /// <summary>Offsets must tile the buffer exactly: inside it, no overlaps, no gaps, nothing trailing.</summary>
    private static void CheckLayout(List<SafetensorsEntry> entries, long bufferLength, string source)
    {
        foreach (var e in entries)
            if (e.End > bufferLength)
                throw Bad(source, $"tensor '{Clip(e.Name)}': data_offsets [{e.Begin}, {e.End}] lie outside the {bufferLength}-byte data buffer (file truncated?)");
        long pos = 0;
        string? prev = null;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < pos) throw Bad(source, $"tensor '{Clip(e.Name)}' overlaps tensor '{Clip(prev!)}' (offsets {e.Begin} < {pos})");
            if (e.Begin > pos) throw Bad(source, $"gap in data buffer: bytes [{pos}, {e.Begin}) belong to no tensor (before '{Clip(e.Name)}')");
            pos = e.End;
            prev = e.Name;
        }
        if (pos != bufferLength)
            throw Bad(source, $"data buffer has {bufferLength} bytes but tensors cover only {pos}: gap or trailing bytes at the end");
    }

    /// <summary>Serialises a header; padded with spaces to a multiple of 8 so the buffer starts aligned (as the reference writer does).</summary>
    public static byte[] Build(IEnumerable<SafetensorsEntry> entries, IReadOnlyDictionary<string, string>? metadata)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var kv in metadata) w.WriteString(kv.Key, kv.Value);
                w.WriteEndObject();
            }
            foreach (var e in entries)
            {
                w.WriteStartObject(e.Name);
                w.WriteString("dtype", e.Dtype.ToString());
                w.WriteStartArray("shape");
                foreach (var d in e.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(e.Begin);
                w.WriteNumberValue(e.End);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        int len = (int)ms.Length;
        int padded = (len + 7) / 8 * 8;
        var bytes = new byte[padded];
        ms.GetBuffer().AsSpan(0, len).CopyTo(bytes);
        bytes.AsSpan(len).Fill((byte)' ');
        return bytes;
    }

    internal static InvalidDataException Bad(string source, string problem, Exception? inner = null) =>
        new($"safetensors file '{source}': {problem}.", inner);
}
