using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace DiTPlugin.Training.Formats;

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

    /// <summary>Parses the JSON header bytes and validates every entry against a data buffer of <paramref name="bufferLength"/> bytes.</summary>
    public static SafetensorsHeader Parse(ReadOnlySpan<byte> json, long bufferLength, string source)
    {
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
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(source, "header JSON is not an object");
            var entries = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                // JsonDocument keeps duplicate keys; two entries with one name would make lookups ambiguous.
                if (!seen.Add(prop.Name)) throw Bad(source, $"duplicate key '{prop.Name}' in header");
                if (prop.Name == "__metadata__")
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw Bad(source, "__metadata__ is not an object");
                    foreach (var m in prop.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind != JsonValueKind.String)
                            throw Bad(source, $"__metadata__ value for '{m.Name}' is not a string");
                        metadata[m.Name] = m.Value.GetString()!;
                    }
                    continue;
                }
                entries.Add(ParseEntry(prop, source));
            }
            CheckLayout(entries, bufferLength, source);
            return new SafetensorsHeader(entries, metadata, json.Length, bufferLength);
        }
    }

    private static SafetensorsEntry ParseEntry(JsonProperty prop, string source)
    {
        string name = prop.Name;
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object) throw Bad(source, $"tensor '{name}': entry is not an object");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw Bad(source, $"tensor '{name}': missing or non-string dtype");
        string dtypeText = dt.GetString()!;
        if (!SafetensorsDtypes.TryParse(dtypeText, out var dtype))
            throw Bad(source, $"tensor '{name}': unknown dtype '{dtypeText}'");
        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw Bad(source, $"tensor '{name}': missing shape array");
        var shape = new List<long>();
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0)
                throw Bad(source, $"tensor '{name}': shape entries must be non-negative integers");
            shape.Add(dim);
        }
        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw Bad(source, $"tensor '{name}': data_offsets must be [begin, end]");
        if (!off[0].TryGetInt64(out long begin) || !off[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw Bad(source, $"tensor '{name}': data_offsets must be integers with 0 <= begin <= end");
        long expected;
        try
        {
            expected = checked(shape.Aggregate(1L, (a, b) => checked(a * b)) * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw Bad(source, $"tensor '{name}': shape [{string.Join(", ", shape)}] overflows");
        }
        if (end - begin != expected)
            throw Bad(source, $"tensor '{name}': shape [{string.Join(", ", shape)}] x {dtypeText} needs {expected} bytes but data_offsets [{begin}, {end}] span {end - begin} (wrong length)");
        return new SafetensorsEntry(name, dtype, shape.ToArray(), begin, end);
    }

    /// <summary>Offsets must tile the buffer exactly: inside it, no overlaps, no gaps, nothing trailing.</summary>
    private static void CheckLayout(List<SafetensorsEntry> entries, long bufferLength, string source)
    {
        foreach (var e in entries)
            if (e.End > bufferLength)
                throw Bad(source, $"tensor '{e.Name}': data_offsets [{e.Begin}, {e.End}] lie outside the {bufferLength}-byte data buffer (file truncated?)");
        long pos = 0;
        string? prev = null;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < pos) throw Bad(source, $"tensor '{e.Name}' overlaps tensor '{prev}' (offsets {e.Begin} < {pos})");
            if (e.Begin > pos) throw Bad(source, $"gap in data buffer: bytes [{pos}, {e.Begin}) belong to no tensor (before '{e.Name}')");
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
