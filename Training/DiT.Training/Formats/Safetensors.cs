using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using static TorchSharp.torch;

namespace DiT.Training.Formats;

/// <summary>
/// Reading and writing the safetensors format (u64 LE header length N, N bytes of JSON header, raw little-endian data)
/// with TorchSharp tensors.
/// </summary>
public static class Safetensors
{
    /// <summary>
    /// Saves tensors (in the dictionary's enumeration order) atomically: a failure at any point leaves an existing file at
    /// <paramref name="path"/> intact. Tensors on a GPU are copied to the CPU.
    /// </summary>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        // Validate names/dtypes before touching the disk, so a bad call never even creates the .tmp file.
        var items = tensors.ToList();
        var specs = items.Select(kv => new SafetensorsTensorSpec(kv.Key, SafetensorsDtypes.FromScalarType(kv.Value.dtype), kv.Value.shape)).ToList();
        AtomicFile.Write(path, stream => WriteTo(stream, specs, items.Select(kv => kv.Value), metadata));
    }

    /// <summary>Serialises to a byte array (for tests and small in-memory use).</summary>
    public static byte[] Serialize(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var items = tensors.ToList();
        var specs = items.Select(kv => new SafetensorsTensorSpec(kv.Key, SafetensorsDtypes.FromScalarType(kv.Value.dtype), kv.Value.shape)).ToList();
        using var ms = new MemoryStream();
        WriteTo(ms, specs, items.Select(kv => kv.Value), metadata);
        return ms.ToArray();
    }

    private static void WriteTo(Stream stream, List<SafetensorsTensorSpec> specs, IEnumerable<Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var writer = new SafetensorsWriter(stream, specs, metadata);
        foreach (var t in tensors) writer.Write(TensorBytes.ToBytes(t));
        writer.Complete();
    }

    /// <summary>Loads every tensor of a file into CPU memory. Throws <see cref="InvalidDataException"/> for malformed files.</summary>
    public static SafetensorsFile Load(string path)
    {
        using var reader = SafetensorsReader.Open(path);
        return Read(reader);
    }

    public static SafetensorsFile Load(byte[] data, string source = "<memory>")
    {
        using var reader = SafetensorsReader.FromBytes(data, source);
        return Read(reader);
    }

    private static SafetensorsFile Read(SafetensorsReader reader)
    {
        var list = new List<KeyValuePair<string, Tensor>>();
        try
        {
            foreach (var e in reader.Header.Entries) list.Add(new(e.Name, reader.ReadTensor(e)));
        }
        catch
        {
            foreach (var kv in list) kv.Value.Dispose();
            throw;
        }
        return new SafetensorsFile(list, reader.Header.Metadata);
    }
}

/// <summary>The tensors of a loaded file, by name and in file (header) order, plus its metadata. Disposing frees the tensors.</summary>
public sealed class SafetensorsFile : IDisposable
{
    private readonly List<KeyValuePair<string, Tensor>> _ordered;
    private readonly Dictionary<string, Tensor> _byName;

    public IReadOnlyList<string> Names { get; }
    public IReadOnlyDictionary<string, Tensor> Tensors => _byName;
    public IReadOnlyList<KeyValuePair<string, Tensor>> Ordered => _ordered;
    public IReadOnlyDictionary<string, string> Metadata { get; }

    internal SafetensorsFile(List<KeyValuePair<string, Tensor>> ordered, IReadOnlyDictionary<string, string> metadata)
    {
        _ordered = ordered;
        _byName = ordered.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        Names = ordered.Select(kv => kv.Key).ToList();
        Metadata = metadata;
    }

    public Tensor this[string name] => _byName[name];

    public void Dispose()
    {
        foreach (var kv in _ordered) kv.Value.Dispose();
    }
}
