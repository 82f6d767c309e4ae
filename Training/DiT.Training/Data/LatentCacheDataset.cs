using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using DiT.Training.Formats;
using Microsoft.Win32.SafeHandles;

namespace DiT.Training.Data;

/// <summary>
/// Reads a <see cref="LatentCache"/> file. Each <see cref="Get"/> reads one sample's bytes with a positional read
/// (thread-safe, no shared file position), so ImageNet-sized caches need not fit in memory; <c>preload</c> reads all once.
/// Latents are returned as stored, i.e. already multiplied by <see cref="Scale"/>.
/// </summary>
public sealed class LatentCacheDataset : IImageDataset, IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly long _latentsAt;
    private readonly int _sampleBytes;
    private readonly SafetensorsDtype _dtype;
    private readonly long[] _labels;
    private readonly byte[]? _all;
    private readonly string[] _classNames;

    public string Path { get; }
    public int Count { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public IReadOnlyList<string> ClassNames => _classNames;
    public double Scale { get; }
    public string Source { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public LatentCacheDataset(string path, bool preload = false)
    {
        Path = path;
        SafetensorsHeader header;
        using (var reader = SafetensorsReader.Open(path))
        {
            header = reader.Header;
            if (!header.TryGet(LatentCache.LatentsName, out var lat) || !header.TryGet(LatentCache.LabelsName, out var lab))
                throw new InvalidDataException($"latent cache '{path}': needs tensors '{LatentCache.LatentsName}' and '{LatentCache.LabelsName}'.");
            if (lat.Shape.Length != 4 || lat.Dtype is not (SafetensorsDtype.F16 or SafetensorsDtype.F32 or SafetensorsDtype.BF16))
                throw new InvalidDataException($"latent cache '{path}': '{lat.Name}' must be a 4-D F16/BF16/F32 tensor.");
            if (lab.Shape.Length != 1 || lab.Dtype != SafetensorsDtype.I64 || lab.Shape[0] != lat.Shape[0])
                throw new InvalidDataException($"latent cache '{path}': '{lab.Name}' must be I64 [N] with N = {lat.Shape[0]}.");
            Count = checked((int)lat.Shape[0]);
            Channels = checked((int)lat.Shape[1]);
            Height = checked((int)lat.Shape[2]);
            Width = checked((int)lat.Shape[3]);
            _dtype = lat.Dtype;
            _sampleBytes = checked(Channels * Height * Width * _dtype.ElementSize());
            _latentsAt = header.DataStart + lat.Begin;
            var lb = reader.ReadBytes(lab);
            _labels = new long[Count];
            for (int i = 0; i < Count; i++) _labels[i] = BinaryPrimitives.ReadInt64LittleEndian(lb.AsSpan(i * 8));
            if (preload) _all = reader.ReadBytes(lat);
        }
        Metadata = header.Metadata;
        _classNames = header.Metadata.TryGetValue("class_names", out var cn)
            ? JsonSerializer.Deserialize<string[]>(cn) ?? Array.Empty<string>()
            : Array.Empty<string>();
        foreach (var l in _labels)
            if (l < 0 || (_classNames.Length > 0 && l >= _classNames.Length))
                throw new InvalidDataException($"latent cache '{path}': label {l} is outside the {_classNames.Length} classes.");
        Scale = header.Metadata.TryGetValue("scale", out var s) ? double.Parse(s, CultureInfo.InvariantCulture) : 1.0;
        Source = header.Metadata.TryGetValue("source", out var src) ? src : "";
        _file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    public Example Get(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        ReadOnlySpan<byte> raw;
        if (_all != null) raw = _all.AsSpan(checked(index * _sampleBytes), _sampleBytes);
        else
        {
            var buf = new byte[_sampleBytes];
            int got = RandomAccess.Read(_file, buf, _latentsAt + (long)index * _sampleBytes);
            if (got != _sampleBytes) throw new InvalidDataException($"latent cache '{Path}': short read at sample {index} (file changed or truncated).");
            raw = buf;
        }
        int n = Channels * Height * Width;
        var o2 = new float[n];
        switch (_dtype)
        {
            case SafetensorsDtype.F32:
                for (int i = 0; i < n; i++) o2[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]);
                break;
            case SafetensorsDtype.F16:
                for (int i = 0; i < n; i++) o2[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(raw[(i * 2)..]);
                break;
            default: // BF16 is the top half of an IEEE float32
                for (int i = 0; i < n; i++) o2[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(raw[(i * 2)..]) << 16);
                break;
        }
        return new Example(o2, checked((int)_labels[index]));
    }

    public void Dispose() => _file.Dispose();
}
