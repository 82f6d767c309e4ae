using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;

namespace DiT.Training.Formats;

/// <summary>What a streamed tensor will be: the header is written first, so shapes must be known up front.</summary>
public sealed record SafetensorsTensorSpec(string Name, SafetensorsDtype Dtype, long[] Shape);

/// <summary>
/// Streaming safetensors writer: writes the header for the given specs, then accepts each tensor's bytes in spec order.
/// Lets callers (e.g. the latent cache) write files larger than memory. <see cref="Complete"/> checks every byte arrived.
/// </summary>
public sealed class SafetensorsWriter
{
    private readonly Stream _stream;
    private readonly List<SafetensorsEntry> _entries = new();
    private int _current;
    private long _writtenInCurrent;

    public IReadOnlyList<SafetensorsEntry> Entries => _entries;

    public SafetensorsWriter(Stream stream, IReadOnlyList<SafetensorsTensorSpec> specs, IReadOnlyDictionary<string, string>? metadata = null)
    {
        _stream = stream;
        var names = new HashSet<string>(StringComparer.Ordinal);
        long offset = 0;
        foreach (var s in specs)
        {
            if (s.Name == "__metadata__") throw new ArgumentException("safetensors: '__metadata__' is reserved and cannot name a tensor.");
            if (!names.Add(s.Name)) throw new ArgumentException($"safetensors: duplicate tensor name '{s.Name}'.");
            long bytes = s.Dtype.ElementSize();
            foreach (var d in s.Shape)
            {
                if (d < 0) throw new ArgumentException($"safetensors: tensor '{s.Name}' has a negative dimension.");
                bytes = checked(bytes * d);
            }
            _entries.Add(new SafetensorsEntry(s.Name, s.Dtype, (long[])s.Shape.Clone(), offset, offset + bytes));
            offset += bytes;
        }
        var header = SafetensorsHeader.Build(_entries, metadata);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        _stream.Write(prefix);
        _stream.Write(header);
        SkipEmpty();
    }

    /// <summary>Appends bytes to the current tensor, moving on to the next one when it is full. Chunks may span tensors.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            if (_current >= _entries.Count) throw new InvalidOperationException("safetensors: more bytes written than the tensors hold.");
            var e = _entries[_current];
            int take = (int)Math.Min(data.Length, e.ByteLength - _writtenInCurrent);
            _stream.Write(data[..take]);
            data = data[take..];
            _writtenInCurrent += take;
            SkipEmpty();
        }
    }

    private void SkipEmpty()
    {
        while (_current < _entries.Count && _writtenInCurrent == _entries[_current].ByteLength)
        {
            _current++;
            _writtenInCurrent = 0;
        }
    }

    public void Complete()
    {
        if (_current != _entries.Count)
            throw new InvalidOperationException($"safetensors: tensor '{_entries[_current].Name}' is incomplete ({_writtenInCurrent} of {_entries[_current].ByteLength} bytes written).");
        _stream.Flush();
    }
}
