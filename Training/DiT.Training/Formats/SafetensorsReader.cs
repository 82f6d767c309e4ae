using System;
using System.Buffers.Binary;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Formats;

/// <summary>
/// Low-level safetensors reader over a seekable stream: parses and validates the header on construction, then reads
/// tensor bytes on demand, so a multi-gigabyte file need not be loaded whole.
/// </summary>
public sealed class SafetensorsReader : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;

    public string Source { get; }
    public SafetensorsHeader Header { get; }

    public SafetensorsReader(Stream stream, string source = "<stream>", bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek || !stream.CanRead) throw new ArgumentException("safetensors: the stream must be readable and seekable.", nameof(stream));
        _stream = stream;
        _leaveOpen = leaveOpen;
        Source = source;
        try
        {
            Header = ReadHeader(stream, source);
        }
        catch
        {
            if (!leaveOpen) stream.Dispose();
            throw;
        }
    }

    public static SafetensorsReader Open(string path) =>
        new(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), path);

    public static SafetensorsReader FromBytes(byte[] data, string source = "<memory>") =>
        new(new MemoryStream(data, writable: false), source);

    /// <summary>Reads and validates a header starting at the stream's position 0.</summary>
    public static SafetensorsHeader ReadHeader(Stream stream, string source)
    {
        long fileLength = stream.Length;
        if (fileLength < 8) throw SafetensorsHeader.Bad(source, $"file is {fileLength} bytes, shorter than the 8-byte header length (truncated)");
        stream.Position = 0;
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        long n = SafetensorsHeader.CheckHeaderLength(BinaryPrimitives.ReadUInt64LittleEndian(prefix), fileLength, source);
        var json = new byte[n];
        stream.ReadExactly(json);
        return SafetensorsHeader.Parse(json, fileLength - 8 - n, source);
    }

    /// <summary>Reads <paramref name="count"/> bytes at <paramref name="offset"/> within a tensor's data.</summary>
    public void ReadBytes(SafetensorsEntry entry, long offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > entry.ByteLength)
            throw new ArgumentOutOfRangeException(nameof(offset), $"range outside tensor '{entry.Name}'.");
        lock (_stream)
        {
            _stream.Position = Header.DataStart + entry.Begin + offset;
            try
            {
                _stream.ReadExactly(destination);
            }
            catch (EndOfStreamException ex)
            {
                throw SafetensorsHeader.Bad(Source, $"tensor '{entry.Name}': file ended early (truncated)", ex);
            }
        }
    }

    public byte[] ReadBytes(SafetensorsEntry entry)
    {
        if (entry.ByteLength > Array.MaxLength) throw new NotSupportedException($"tensor '{entry.Name}' is too large for one array.");
        var data = new byte[entry.ByteLength];
        ReadBytes(entry, 0, data);
        return data;
    }

    public byte[] ReadBytes(string name) => ReadBytes(Header[name]);

    /// <summary>Materialises a tensor on the CPU. Raw little-endian bytes are copied into a fresh tensor of the dtype.</summary>
    public Tensor ReadTensor(string name) => ReadTensor(Header[name]);

    public Tensor ReadTensor(SafetensorsEntry entry) => TensorBytes.ToTensor(ReadBytes(entry), entry.Dtype, entry.Shape);

    public void Dispose()
    {
        if (!_leaveOpen) _stream.Dispose();
    }
}

/// <summary>Conversion between tensors and their raw little-endian bytes (the safetensors data layout).</summary>
public static class TensorBytes
{
    static TensorBytes()
    {
        // safetensors data is little-endian; copying raw memory is only correct on a little-endian host.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors I/O assumes a little-endian host.");
    }

    public static Tensor ToTensor(byte[] data, SafetensorsDtype dtype, long[] shape)
    {
        var t = torch.empty(shape, dtype.ToScalarType(), device: CPU);
        if (data.Length > 0) t.bytes = data;
        return t;
    }

    /// <summary>Raw bytes of a tensor in row-major (contiguous) order, copied to the CPU if needed.</summary>
    public static byte[] ToBytes(Tensor t)
    {
        using var c = t.device_type == DeviceType.CPU ? t.contiguous() : t.cpu().contiguous();
        if (c.numel() == 0) return Array.Empty<byte>();
        return c.bytes.ToArray();
    }
}
