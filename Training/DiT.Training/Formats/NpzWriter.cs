using DiTPlugin.Contract.Package;
using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Formats;

/// <summary>
/// Writes a sample batch as the .npz that ADM's evaluator reads (<c>np.load(path)["arr_0"]</c>): a zip holding one
/// stored (uncompressed) entry <c>arr_0.npy</c>, a uint8 (N, H, W, C) array in NPY format 1.0, byte-identical to
/// what <c>np.savez(path, images)</c> puts in that entry.
/// Streams: the shape is fixed up front, so the zip headers can carry the sizes; images arrive batch by batch and
/// only the CRC is patched in at the end (50k x 256 x 256 x 3 = 9.8 GB never sits in memory).
/// Zip64 is always used (like np.savez, which forces it), so the same code path serves 1 KB and 10 GB files.
/// Atomic: bytes go to <c>path + ".tmp"</c>, are flushed to disk in <see cref="Complete"/>, and only then renamed over
/// <paramref name="path"/>; disposing without completing deletes the temp file and leaves any old file alone.
/// </summary>
public sealed class NpzWriter : IDisposable
{
    public const string EntryName = "arr_0.npy";

    private const ushort VersionZip64 = 45;     // "4.5: file uses ZIP64 format extensions" (APPNOTE 4.4.3)
    private const ushort DosDate1980 = 0x0021;  // 1980-01-01, the earliest DOS date; as numpy (no clock in the file)
    private const int LocalHeaderLength = 30;
    private const int LocalExtraLength = 4 + 16;

    private readonly string _path, _tmp;
    private FileStream? _stream;
    private readonly long _dataBytes, _entryBytes;
    private readonly int _height, _width, _channels;
    private long _written;
    private uint _crc;
    private bool _completed;

    public long Count { get; }
    public long ImagesWritten => _written / ((long)_height * _width * _channels);

    /// <summary>Starts <paramref name="path"/>.tmp for <paramref name="count"/> images of H x W x C bytes.</summary>
    public NpzWriter(string path, long count, int height, int width, int channels = 3)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (count < 0 || height < 1 || width < 1 || channels < 1)
            throw new ArgumentException($"npz: invalid shape ({count}, {height}, {width}, {channels}).");
        Count = count;
        _height = height; _width = width; _channels = channels;
        _dataBytes = checked(count * height * width * channels);
        var npyHeader = NpyHeader.Build("|u1", new[] { count, height, width, channels });
        _entryBytes = npyHeader.Length + _dataBytes;

        _path = Path.GetFullPath(path);
        _tmp = AtomicFile.TempPathFor(_path);
        string? dir = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        _stream = new FileStream(_tmp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        try
        {
            WriteLocalHeader(_stream, crc: 0); // CRC patched in Complete
            WriteEntryBytes(npyHeader);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Appends raw NHWC bytes (whole images or not; chunks may split an image).</summary>
    public void Write(ReadOnlySpan<byte> nhwc)
    {
        if (_stream is null) throw new ObjectDisposedException(nameof(NpzWriter), _completed ? "npz: already completed." : null);
        if (_written + nhwc.Length > _dataBytes)
            throw new InvalidOperationException($"npz: more image bytes than the {Count} images declared ({_written + nhwc.Length} > {_dataBytes}).");
        WriteEntryBytes(nhwc);
        _written += nhwc.Length;
    }

    /// <summary>Appends a (B, H, W, C) uint8 batch, e.g. from <see cref="SampleImages.ToUint8Nhwc"/>.</summary>
    public void Write(Tensor nhwc)
    {
        ArgumentNullException.ThrowIfNull(nhwc);
        if (nhwc.dtype != ScalarType.Byte || nhwc.dim() != 4 || nhwc.shape[1] != _height || nhwc.shape[2] != _width || nhwc.shape[3] != _channels)
            throw new ArgumentException($"npz: expected a uint8 (batch, {_height}, {_width}, {_channels}) tensor, got {nhwc.dtype} [{string.Join(", ", nhwc.shape)}].", nameof(nhwc));
        if (nhwc.numel() == 0) return;
        using var c = nhwc.device_type == DeviceType.CPU ? nhwc.contiguous() : nhwc.cpu().contiguous();
        Write(c.bytes);
    }

    /// <summary>Checks every declared image arrived, finishes the zip, flushes it to disk and renames it into place.</summary>
    public void Complete()
    {
        var s = _stream ?? throw new ObjectDisposedException(nameof(NpzWriter));
        if (_completed) return;
        if (_written != _dataBytes)
            throw new InvalidOperationException($"npz: {_written} of {_dataBytes} image bytes written ({ImagesWritten} of {Count} images); refusing to finish a short file.");

        try
        {
            long centralStart = s.Position;
            if (centralStart != LocalHeaderLength + EntryName.Length + LocalExtraLength + _entryBytes)
                throw new InvalidOperationException("npz: internal error, stream position does not match the bytes written.");
            WriteCentralDirectory(s, centralStart);
            s.Position = 14; // the local header's CRC field
            Span<byte> crc = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(crc, _crc);
            s.Write(crc);
            s.Flush(flushToDisk: true); // data must be durable before the rename makes it visible
            s.Dispose();
            File.Move(_tmp, _path, overwrite: true);
            _completed = true;
            _stream = null;
        }
        catch
        {
            Dispose(); // removes the temp file
            throw;
        }
    }

    /// <summary>Writes a whole (N, H, W, C) uint8 tensor to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, Tensor nhwc)
    {
        if (nhwc.dim() != 4) throw new ArgumentException($"npz: expected (N, H, W, C), got shape [{string.Join(", ", nhwc.shape)}].", nameof(nhwc));
        using var w = new NpzWriter(path, nhwc.shape[0], (int)nhwc.shape[1], (int)nhwc.shape[2], (int)nhwc.shape[3]);
        w.Write(nhwc);
        w.Complete();
    }

    private void WriteEntryBytes(ReadOnlySpan<byte> bytes)
    {
        _stream!.Write(bytes);
        _crc = Crc32.Append(_crc, bytes);
    }

    // ---- zip records (PKWARE APPNOTE 6.3: 4.3.7 local header, 4.3.12 central header, 4.3.14-16 end records, 4.5.3 zip64 extra) ----

    private void WriteLocalHeader(Stream s, uint crc)
    {
        var b = new byte[LocalHeaderLength + EntryName.Length + LocalExtraLength];
        var w = b.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(w, 0x04034b50);
        BinaryPrimitives.WriteUInt16LittleEndian(w[4..], VersionZip64);
        BinaryPrimitives.WriteUInt16LittleEndian(w[6..], 0);          // flags: no data descriptor, no encryption
        BinaryPrimitives.WriteUInt16LittleEndian(w[8..], 0);          // method: stored
        BinaryPrimitives.WriteUInt16LittleEndian(w[10..], 0);         // time 00:00:00
        BinaryPrimitives.WriteUInt16LittleEndian(w[12..], DosDate1980);
        BinaryPrimitives.WriteUInt32LittleEndian(w[14..], crc);
        BinaryPrimitives.WriteUInt32LittleEndian(w[18..], 0xFFFFFFFF); // sizes: in the zip64 extra
        BinaryPrimitives.WriteUInt32LittleEndian(w[22..], 0xFFFFFFFF);
        BinaryPrimitives.WriteUInt16LittleEndian(w[26..], (ushort)EntryName.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(w[28..], LocalExtraLength);
        Encoding.ASCII.GetBytes(EntryName, w[30..]);
        var x = w[(30 + EntryName.Length)..];
        BinaryPrimitives.WriteUInt16LittleEndian(x, 0x0001);            // zip64 extended information
        BinaryPrimitives.WriteUInt16LittleEndian(x[2..], 16);
        BinaryPrimitives.WriteUInt64LittleEndian(x[4..], (ulong)_entryBytes);  // uncompressed
        BinaryPrimitives.WriteUInt64LittleEndian(x[12..], (ulong)_entryBytes); // compressed (stored: same)
        s.Write(b);
    }

    private void WriteCentralDirectory(Stream s, long centralStart)
    {
        const int extra = 4 + 24;
        var b = new byte[46 + EntryName.Length + extra + 56 + 20 + 22];
        var w = b.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(w, 0x02014b50);
        BinaryPrimitives.WriteUInt16LittleEndian(w[4..], (3 << 8) | VersionZip64); // made by: Unix, 4.5
        BinaryPrimitives.WriteUInt16LittleEndian(w[6..], VersionZip64);
        BinaryPrimitives.WriteUInt16LittleEndian(w[8..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(w[10..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(w[12..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(w[14..], DosDate1980);
        BinaryPrimitives.WriteUInt32LittleEndian(w[16..], _crc);
        BinaryPrimitives.WriteUInt32LittleEndian(w[20..], 0xFFFFFFFF);
        BinaryPrimitives.WriteUInt32LittleEndian(w[24..], 0xFFFFFFFF);
        BinaryPrimitives.WriteUInt16LittleEndian(w[28..], (ushort)EntryName.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(w[30..], extra);
        BinaryPrimitives.WriteUInt16LittleEndian(w[32..], 0);          // comment length
        BinaryPrimitives.WriteUInt16LittleEndian(w[34..], 0);          // disk number start
        BinaryPrimitives.WriteUInt16LittleEndian(w[36..], 0);          // internal attributes
        BinaryPrimitives.WriteUInt32LittleEndian(w[38..], 0x81A4u << 16); // external: regular file, rw-r--r--
        BinaryPrimitives.WriteUInt32LittleEndian(w[42..], 0xFFFFFFFF); // local header offset: in the zip64 extra
        Encoding.ASCII.GetBytes(EntryName, w[46..]);
        var x = w[(46 + EntryName.Length)..];
        BinaryPrimitives.WriteUInt16LittleEndian(x, 0x0001);
        BinaryPrimitives.WriteUInt16LittleEndian(x[2..], 24);
        BinaryPrimitives.WriteUInt64LittleEndian(x[4..], (ulong)_entryBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(x[12..], (ulong)_entryBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(x[20..], 0);          // local header offset
        long centralSize = 46 + EntryName.Length + extra;

        long zip64EndStart = centralStart + centralSize;
        var e = w[(int)centralSize..];
        BinaryPrimitives.WriteUInt32LittleEndian(e, 0x06064b50);       // zip64 end of central directory record
        BinaryPrimitives.WriteUInt64LittleEndian(e[4..], 56 - 12);     // size of the rest of this record
        BinaryPrimitives.WriteUInt16LittleEndian(e[12..], (3 << 8) | VersionZip64);
        BinaryPrimitives.WriteUInt16LittleEndian(e[14..], VersionZip64);
        BinaryPrimitives.WriteUInt32LittleEndian(e[16..], 0);          // this disk
        BinaryPrimitives.WriteUInt32LittleEndian(e[20..], 0);          // disk with the central directory
        BinaryPrimitives.WriteUInt64LittleEndian(e[24..], 1);          // entries on this disk
        BinaryPrimitives.WriteUInt64LittleEndian(e[32..], 1);          // entries in total
        BinaryPrimitives.WriteUInt64LittleEndian(e[40..], (ulong)centralSize);
        BinaryPrimitives.WriteUInt64LittleEndian(e[48..], (ulong)centralStart);

        var l = e[56..];
        BinaryPrimitives.WriteUInt32LittleEndian(l, 0x07064b50);       // zip64 end of central directory locator
        BinaryPrimitives.WriteUInt32LittleEndian(l[4..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(l[8..], (ulong)zip64EndStart);
        BinaryPrimitives.WriteUInt32LittleEndian(l[16..], 1);          // total disks

        var end = l[20..];
        BinaryPrimitives.WriteUInt32LittleEndian(end, 0x06054b50);     // end of central directory record
        BinaryPrimitives.WriteUInt16LittleEndian(end[4..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(end[6..], 0);
        BinaryPrimitives.WriteUInt16LittleEndian(end[8..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(end[10..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(end[12..], (uint)centralSize);
        // Past 4 GiB the 32-bit offset is 0xFFFFFFFF and readers take the zip64 record's.
        BinaryPrimitives.WriteUInt32LittleEndian(end[16..], centralStart >= 0xFFFFFFFF ? 0xFFFFFFFF : (uint)centralStart);
        BinaryPrimitives.WriteUInt16LittleEndian(end[20..], 0);
        s.Write(b);
    }

    /// <summary>Without <see cref="Complete"/>: deletes the temp file; the destination is untouched.</summary>
    public void Dispose()
    {
        if (_stream is null) return;
        _stream.Dispose();
        _stream = null;
        if (!_completed)
        {
            try { if (File.Exists(_tmp)) File.Delete(_tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
