using DiTPlugin.Contract.Package;
using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using DiT.Training.Formats.Pickle;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Formats;

/// <summary>
/// Reads a checkpoint written by <c>torch.save</c> (torch &gt;= 1.6): a zip holding <c>&lt;root&gt;/data.pkl</c> (the
/// pickled object, run by the restricted <see cref="PickleMachine"/>), <c>&lt;root&gt;/data/&lt;key&gt;</c> (one raw
/// little-endian record per storage) and, from torch 2.x, <c>&lt;root&gt;/byteorder</c>. The root folder's name varies
/// (it is the saved file's stem or "archive"), so it is found, not assumed.
/// <para>
/// <see cref="Root"/> is the unpickled object with tensors as <see cref="TorchTensorRef"/>s; tensor bytes are only read
/// by <see cref="ReadTensors"/>, so picking the EMA weights out of a 2.7 GB training checkpoint does not load the
/// model weights or the optimizer state.
/// </para>
/// </summary>
public sealed class TorchZipCheckpoint : IDisposable
{
    /// <summary>Bound on data.pkl: the pickle of a state dict is kilobytes; a larger one is corrupt or a zip bomb.</summary>
    public const long MaxPickleBytes = 256L << 20;
    /// <summary>
    /// A view may have more elements than its storage only when strides overlap (e.g. <c>expand()</c>); materialising
    /// such a view copies it out, so above this many bytes we refuse rather than let a file request terabytes.
    /// </summary>
    public const long MaxOverlappingViewBytes = 256L << 20;

    private readonly Stream _stream;
    private readonly ZipArchive _zip;
    private readonly Dictionary<string, ZipArchiveEntry> _entries;
    private readonly bool _bigEndian;
    private readonly bool _leaveOpen;

    public string Source { get; }
    /// <summary>The archive's top-level folder (e.g. "archive" or the saved file's name).</summary>
    public string ArchiveRoot { get; }
    /// <summary>The unpickled object: usually a <see cref="PickleDict"/>; tensors appear as <see cref="TorchTensorRef"/>.</summary>
    public object? Root { get; }

    private TorchZipCheckpoint(Stream stream, string source, bool leaveOpen)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        Source = source;
        try
        {
            CheckNotLegacy(stream, source);
            stream.Position = 0;
            try
            {
                _zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen);
                _entries = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
                foreach (var e in _zip.Entries)
                    if (!_entries.TryAdd(e.FullName, e)) throw Bad($"the archive has two entries named '{e.FullName}' (ambiguous)");
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException and not FileNotFoundException)
            {
                throw Bad($"not a readable zip archive (truncated or corrupt: {e.Message})", e);
            }
            ArchiveRoot = FindRoot();
            CheckNotTorchScript();
            _bigEndian = ReadByteOrder();
            var pickle = ReadEntry(ArchiveRoot + "/data.pkl", MaxPickleBytes);
            Root = PickleMachine.Load(pickle, $"{source}:{ArchiveRoot}/data.pkl", PersistentLoad);
        }
        catch
        {
            _zip?.Dispose();
            if (!leaveOpen) stream.Dispose();
            throw;
        }
    }

    public static TorchZipCheckpoint Open(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), path, leaveOpen: false);

    /// <summary>Reads from a seekable stream (a zip's directory is at its end).</summary>
    public static TorchZipCheckpoint Open(Stream stream, string source = "<stream>", bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanRead) throw new ArgumentException("torch checkpoint: the stream must be readable and seekable.", nameof(stream));
        return new TorchZipCheckpoint(stream, source, leaveOpen);
    }

    public static TorchZipCheckpoint FromBytes(byte[] data, string source = "<memory>") =>
        new(new MemoryStream(data, writable: false), source, leaveOpen: false);

    /// <summary>The 2-byte "PK" that starts every zip, hence every torch.save file since torch 1.6.</summary>
    public static bool HasZipMagic(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == (byte)'P' && head[1] == (byte)'K';

    /// <summary>
    /// torch &lt; 1.6 (or <c>_use_new_zipfile_serialization=False</c>) wrote a bare pickle stream that begins with
    /// PROTO 2 and LONG1 of the 10-byte legacy magic number (80 02 8a 0a); its storages follow in a custom layout we
    /// do not read. The full 4 bytes matter: a safetensors header length of 640 also starts 80 02.
    /// </summary>
    public static bool HasLegacyMagic(ReadOnlySpan<byte> head) =>
        head.Length >= 4 && head[0] == 0x80 && head[1] == 0x02 && head[2] == 0x8a && head[3] == 0x0a;

    private static void CheckNotLegacy(Stream stream, string source)
    {
        Span<byte> head = stackalloc byte[4];
        stream.Position = 0;
        int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (HasLegacyMagic(head[..n]))
            throw new InvalidDataException(
                $"torch checkpoint '{source}' uses the legacy (non-zip) torch.save format of torch < 1.6, which this reader does not " +
                "support. Re-save it with a current torch: torch.save(torch.load(path, map_location='cpu'), new_path).");
        if (n >= 2 && head[0] == 0x80)
            throw new InvalidDataException(
                $"torch checkpoint '{source}' is a bare pickle (protocol {head[1]}), not a torch.save zip archive; only the zip format is read.");
        if (!HasZipMagic(head[..n]))
            throw new InvalidDataException($"torch checkpoint '{source}' is not a zip archive (it starts with {Convert.ToHexString(head[..n])}), so not a torch.save file.");
    }

    private string FindRoot()
    {
        var roots = _entries.Keys
            .Where(k => k.EndsWith("/data.pkl", StringComparison.Ordinal) && k.IndexOf('/') == k.Length - "/data.pkl".Length)
            .Select(k => k[..^"/data.pkl".Length]).ToList();
        if (roots.Count == 0)
            throw Bad($"no '<root>/data.pkl' record (the archive holds {_entries.Count} entries{Sample()}): not a torch.save checkpoint, or damaged");
        if (roots.Count > 1) throw Bad($"several data.pkl records ({string.Join(", ", roots)}): ambiguous archive");
        return roots[0];
    }

    private string Sample() => _entries.Count == 0 ? "" : ": " + string.Join(", ", _entries.Keys.Take(5)) + (_entries.Count > 5 ? ", ..." : "");

    /// <summary>torch.jit.save archives also contain data.pkl, but hold a scripted module whose code we would have to run.</summary>
    private void CheckNotTorchScript()
    {
        string root = ArchiveRoot + "/";
        if (_entries.ContainsKey(root + "constants.pkl") || _entries.Keys.Any(k => k.StartsWith(root + "code/", StringComparison.Ordinal)))
            throw Bad("is a TorchScript archive (torch.jit.save), not a state dict. In Python, load it with torch.jit.load and save " +
                      "model.state_dict() with torch.save, or export to safetensors");
    }

    private bool ReadByteOrder()
    {
        if (!_entries.ContainsKey(ArchiveRoot + "/byteorder")) return false; // before torch 2.1 always little-endian
        var text = System.Text.Encoding.ASCII.GetString(ReadEntry(ArchiveRoot + "/byteorder", 64)).Trim();
        return text switch
        {
            "little" => false,
            "big" => true,
            _ => throw Bad($"byteorder record says '{text}' (expected 'little' or 'big')"),
        };
    }

    /// <summary>
    /// Resolves <c>('storage', storage_type, key, location, numel)</c>. The record's existence and size are checked
    /// here, during unpickling, so a bad file fails before any tensor memory is allocated.
    /// </summary>
    private object? PersistentLoad(object? pid)
    {
        if (pid is not PickleTuple { Count: 5 } t || t[0] is not "storage")
            throw new InvalidDataException($"persistent id is {PickleKinds.Describe(pid)}, expected ('storage', type, key, location, numel)");
        if (t[1] is not PickleGlobal { Kind: PickleGlobalKind.StorageClass, Dtype: { } dtype })
            throw new InvalidDataException($"persistent id storage type is {PickleKinds.Describe(t[1])}, expected a torch storage class");
        if (t[2] is not string key || key.Length == 0 || key.Contains('/') || key.Contains('\\') || key is "." or "..")
            throw new InvalidDataException($"persistent id key is {PickleKinds.Describe(t[2])}, expected a record name");
        if (t[3] is not string location) throw new InvalidDataException($"persistent id location is {PickleKinds.Describe(t[3])}, expected a string");
        if (t[4] is not long numel || numel < 0) throw new InvalidDataException($"persistent id numel is {PickleKinds.Describe(t[4])}, expected a non-negative int");
        string name = $"{ArchiveRoot}/data/{key}";
        if (!_entries.TryGetValue(name, out var entry)) throw new InvalidDataException($"storage record '{name}' is missing from the archive");
        long bytes;
        try { bytes = checked(numel * dtype.ElementSize); }
        catch (OverflowException) { throw new InvalidDataException($"storage '{key}': {numel} elements overflow"); }
        if (entry.Length != bytes)
            throw new InvalidDataException($"storage record '{name}' has {entry.Length} bytes but {numel} {dtype.Name} elements need {bytes}");
        return new TorchStorageRef(key, dtype, location, numel);
    }

    /// <summary>Materialises one tensor (contiguous, on the CPU, independent of any other tensor's memory).</summary>
    public Tensor ReadTensor(TorchTensorRef t) => ReadTensors(new[] { new KeyValuePair<string, TorchTensorRef>("tensor", t) })[0].Value;

    /// <summary>
    /// Materialises tensors in the given order. Each storage record is read once, however many tensors view it, then
    /// every view is copied out (so transposed, sliced, strided and shared-storage tensors come back contiguous and
    /// independent) and the storage is freed.
    /// </summary>
    public List<KeyValuePair<string, Tensor>> ReadTensors(IEnumerable<KeyValuePair<string, TorchTensorRef>> refs)
    {
        var list = refs.ToList();
        var result = new Tensor?[list.Count];
        try
        {
            // Group by storage (and dtype, since _rebuild_tensor_v3 may view untyped bytes as any dtype).
            foreach (var group in list.Select((kv, i) => (kv, i)).GroupBy(x => (x.kv.Value.Storage.Key, x.kv.Value.Dtype.Name)))
            {
                using var storage = ReadStorage(group.First().kv.Value);
                foreach (var (kv, i) in group) result[i] = View(storage, kv.Key, kv.Value);
            }
        }
        catch
        {
            foreach (var r in result) r?.Dispose();
            throw;
        }
        return list.Select((kv, i) => new KeyValuePair<string, Tensor>(kv.Key, result[i]!)).ToList();
    }

    /// <summary>The storage's bytes as a 1-D tensor of the view's dtype.</summary>
    private Tensor ReadStorage(TorchTensorRef t)
    {
        var s = t.Storage;
        string name = $"{ArchiveRoot}/data/{s.Key}";
        long count = s.ByteLength / t.Dtype.ElementSize;
        var storage = empty(new[] { count }, t.Dtype.ScalarType!.Value, device: CPU);
        try
        {
            if (count == 0) return storage;
            if (s.ByteLength > Array.MaxLength)
                throw Bad($"storage record '{name}' is {s.ByteLength} bytes; records over {Array.MaxLength} bytes are not supported");
            var bytes = ReadEntry(name, s.ByteLength, exact: true);
            if (_bigEndian) SwapBytes(bytes, t.Dtype.ElementSize);
            storage.bytes = bytes;
            return storage;
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }

    private Tensor View(Tensor storage, string name, TorchTensorRef t)
    {
        long bytes = t.ElementCount * t.Dtype.ElementSize;
        if (t.ElementCount > storage.numel() && bytes > MaxOverlappingViewBytes)
            throw Bad($"tensor '{name}' is a {t.ElementCount}-element view of a {storage.numel()}-element storage (overlapping strides); " +
                      $"refusing to materialise more than {MaxOverlappingViewBytes} bytes from it");
        using var view = storage.as_strided(t.Size, t.Stride, t.StorageOffset);
        var result = empty(t.Size, t.Dtype.ScalarType!.Value, device: CPU);
        result.copy_(view);
        return result;
    }

    /// <summary>Reverses each element's bytes (big-endian records from torch &gt;= 2.1 on a big-endian host).</summary>
    private static void SwapBytes(byte[] data, int elementSize)
    {
        if (elementSize == 1) return;
        for (int i = 0; i + elementSize <= data.Length; i += elementSize) Array.Reverse(data, i, elementSize);
    }

    /// <summary>
    /// Reads a whole entry of at most <paramref name="max"/> bytes. The directory's sizes come from the file, so the
    /// read is bounded by <paramref name="max"/> and checked against what actually arrives, and against the CRC-32.
    /// </summary>
    private byte[] ReadEntry(string name, long max, bool exact = false)
    {
        if (!_entries.TryGetValue(name, out var entry)) throw Bad($"record '{name}' is missing from the archive");
        if (entry.Length > max || (exact && entry.Length != max))
            throw Bad($"record '{name}' is {entry.Length} bytes ({(exact ? "expected " : "at most ")}{max})");
        // Deflate cannot expand data more than ~1032x: a larger claimed ratio is a corrupt directory.
        if (entry.Length > entry.CompressedLength * 1032L + 1024)
            throw Bad($"record '{name}' claims {entry.Length} bytes from {entry.CompressedLength} compressed: corrupt zip directory");
        var data = new byte[entry.Length];
        bool extra;
        try
        {
            using var s = entry.Open();
            s.ReadExactly(data);
            extra = s.ReadByte() >= 0;
        }
        catch (Exception e) when (e is InvalidDataException or IOException and not FileNotFoundException)
        {
            throw Bad($"record '{name}' cannot be read (truncated or corrupt: {e.Message})", e);
        }
        if (extra) throw Bad($"record '{name}' holds more bytes than its directory entry says");
        uint crc = Crc32.Compute(data);
        if (crc != entry.Crc32)
            throw Bad($"record '{name}' fails its CRC-32 check (stored {entry.Crc32:x8}, computed {crc:x8}): the file is corrupt");
        return data;
    }

    private InvalidDataException Bad(string problem, Exception? inner = null) => new($"torch checkpoint '{Source}': {problem}.", inner);

    public void Dispose()
    {
        _zip.Dispose();
        if (!_leaveOpen) _stream.Dispose();
    }
}
