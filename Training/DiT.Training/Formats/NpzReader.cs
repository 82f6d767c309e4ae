using DiTPlugin.Contract.Package;
using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using static TorchSharp.torch;

namespace DiT.Training.Formats;

/// <summary>
/// Reads one uint8 array (default <c>arr_0</c>, what ADM's sample and reference batches hold) from an .npz written by
/// numpy (<c>np.savez</c>/<c>np.savez_compressed</c>: stored or deflated entries) or by <see cref="NpzWriter"/>, in
/// batches along the first axis so a 10k x 256 x 256 x 3 reference batch need not be loaded at once.
/// Only uint8 in C order: that is what image batches are, and a float or Fortran-ordered array here means the wrong
/// file. The zip's CRC is checked once the last batch has been read (System.IO.Compression does not check stored
/// entries), so a flipped byte in the pixels is reported instead of silently skewing a metric.
/// </summary>
public sealed class NpzReader : IDisposable
{
    private readonly string _source;
    private readonly FileStream _file;
    private readonly ZipArchive _zip;
    private readonly ZipArchiveEntry _entry;
    private readonly Stream _data;
    private uint _crc;
    private long _rowsRead;

    public NpyArrayInfo Info { get; }
    public long[] Shape => (long[])Info.Shape.Clone();
    /// <summary>Length of the first axis (images, for NHWC).</summary>
    public long Count => Info.Shape[0];
    /// <summary>Bytes per item of the first axis (H·W·C for NHWC).</summary>
    public long RowBytes { get; }
    public long RowsRead => _rowsRead;

    private NpzReader(string path, string array)
    {
        _source = $"npz '{path}'";
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        try
        {
            try
            {
                _zip = new ZipArchive(_file, ZipArchiveMode.Read, leaveOpen: true);
            }
            catch (Exception e) when (e is InvalidDataException or IOException and not FileNotFoundException)
            {
                throw new InvalidDataException($"{_source} is not a complete zip archive (truncated or not an .npz): {e.Message}", e);
            }
            _entry = _zip.GetEntry(array + ".npy") ?? throw new InvalidDataException(
                $"{_source} has no array '{array}'; it holds: {string.Join(", ", _zip.Entries.Select(x => x.FullName))}.");
            try
            {
                _data = _entry.Open();
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw new InvalidDataException($"{_source}: entry '{_entry.FullName}' cannot be opened ({e.Message}); the file is corrupt.", e);
            }

            // Header: the fixed prefix says how long the whole header is.
            var prefix = new byte[NpyHeader.PrefixLength];
            int got = ReadUpTo(prefix);
            int headerLength = NpyHeader.TotalLength(prefix.AsSpan(0, got), _source);
            var header = new byte[headerLength];
            if (headerLength < got) throw new InvalidDataException($"{_source}: .npy header shorter than its prefix; the file is corrupt.");
            prefix.AsSpan(0, got).CopyTo(header);
            ReadExactly(header.AsSpan(got));
            _crc = Crc32.Append(0, header);
            Info = NpyHeader.Parse(header, _source);

            if (Info.Descr is not ("|u1" or "<u1" or ">u1" or "u1"))
                throw new InvalidDataException($"{_source}: array '{array}' has dtype '{Info.Descr}'; only uint8 ('|u1') image batches are supported.");
            if (Info.FortranOrder)
                throw new InvalidDataException($"{_source}: array '{array}' is in Fortran order; save it with np.ascontiguousarray first.");
            if (Info.Shape.Length == 0)
                throw new InvalidDataException($"{_source}: array '{array}' is a scalar; expected a batch (N, ...).");
            long elements;
            try { elements = Info.ElementCount; }
            catch (OverflowException) { throw new InvalidDataException($"{_source}: shape ({string.Join(", ", Info.Shape)}) overflows; the header is corrupt."); }
            RowBytes = Info.Shape.Skip(1).Aggregate(1L, (a, d) => a * d);
            if (_entry.Length != headerLength + elements)
                throw new InvalidDataException($"{_source}: entry '{_entry.FullName}' holds {_entry.Length - headerLength} data bytes but shape " +
                                               $"({string.Join(", ", Info.Shape)}) needs {elements}; the file is truncated or corrupt.");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public static NpzReader Open(string path, string array = "arr_0")
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"npz file not found: {path}", path);
        return new NpzReader(path, array);
    }

    /// <summary>Reads a whole array as a CPU uint8 tensor of its shape (must fit in one .NET array: under 2 GB).</summary>
    public static Tensor Load(string path, string array = "arr_0")
    {
        using var r = Open(path, array);
        if (r.Count * r.RowBytes > Array.MaxLength)
            throw new NotSupportedException($"npz '{path}': {r.Count * r.RowBytes} bytes are too many to load at once; read it in batches with NpzReader.");
        var t = r.ReadBatch((int)Math.Max(1, r.Count));
        if (t is not null) return t;
        return empty(r.Shape, ScalarType.Byte); // N = 0
    }

    /// <summary>
    /// The next up to <paramref name="maxRows"/> items as a CPU uint8 tensor (rows, ...rest of the shape), or null when
    /// all have been read. Reading the last rows checks the entry's CRC.
    /// </summary>
    public Tensor? ReadBatch(int maxRows)
    {
        if (maxRows < 1) throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, "Must read at least one row.");
        long rows = Math.Min(maxRows, Count - _rowsRead);
        if (rows <= 0) return null;
        long bytes = rows * RowBytes;
        if (bytes > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(maxRows), maxRows, $"{rows} rows of {RowBytes} bytes are too many for one batch.");
        var buffer = new byte[bytes];
        ReadExactly(buffer);
        _crc = Crc32.Append(_crc, buffer);
        _rowsRead += rows;
        if (_rowsRead == Count) CheckEnd();
        var shape = Info.Shape.ToArray();
        shape[0] = rows;
        var t = empty(shape, ScalarType.Byte);
        if (bytes > 0) t.bytes = buffer;
        return t;
    }

    private void CheckEnd()
    {
        if (_data.ReadByte() != -1) throw new InvalidDataException($"{_source}: bytes after the array's data; the file is corrupt.");
        if (_crc != _entry.Crc32)
            throw new InvalidDataException($"{_source}: CRC-32 of '{_entry.FullName}' is {_crc:x8}, the zip says {_entry.Crc32:x8}; the file is corrupt.");
    }

    private int ReadUpTo(Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = ReadSome(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private void ReadExactly(Span<byte> buffer)
    {
        if (ReadUpTo(buffer) != buffer.Length)
            throw new InvalidDataException($"{_source}: entry '{_entry.FullName}' ends early; the file is truncated.");
    }

    private int ReadSome(Span<byte> buffer)
    {
        try
        {
            return _data.Read(buffer);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new InvalidDataException($"{_source}: reading '{_entry.FullName}' failed ({e.Message}); the file is truncated or corrupt.", e);
        }
    }

    public void Dispose()
    {
        _data?.Dispose();
        _zip?.Dispose();
        _file.Dispose();
    }
}
