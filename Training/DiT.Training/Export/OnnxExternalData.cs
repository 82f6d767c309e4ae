using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using DiT.Training.Export.Onnx;
using Google.Protobuf;

namespace DiT.Training.Export;

/// <summary>
/// Moves a graph's large initializers into an ONNX external data file (TensorProto.data_location = EXTERNAL with
/// external_data location/offset/length), for graphs whose weights exceed protobuf's 2 GB (fp32 DiT-XL/2 is 2.7 GB).
/// Each tensor starts at a multiple of <see cref="Alignment"/> (64 KiB, Windows' allocation granularity and a whole
/// number of pages elsewhere), so ONNX Runtime can map the weights from the file instead of copying them; tensors
/// below <see cref="MinExternalBytes"/> (biases, norms) stay in the graph. The data is never assembled into one array:
/// it is written tensor by tensor from the graph's own buffers, and hashed as it is laid out.
/// </summary>
public static class OnnxExternalData
{
    public const int Alignment = 64 * 1024;
    public const int MinExternalBytes = 64 * 1024;

    /// <summary>A graph split from its weights: the graph's bytes, and the data file as tensors at offsets.</summary>
    public sealed class Split
    {
        public required byte[] Graph { get; init; }
        public required string DataFile { get; init; }
        public required IReadOnlyList<(long Offset, ByteString Data)> Tensors { get; init; }
        public required long DataLength { get; init; }
        public required string DataSha256 { get; init; }
        /// <summary>The data file already written while the graph was built (then <see cref="Tensors"/> is empty).</summary>
        public ExternalDataSink? Sink { get; init; }

        /// <summary>Writes the data file: each tensor at its offset, zeros between.</summary>
        public void WriteData(Stream s)
        {
            long pos = 0;
            var zeros = new byte[Alignment];
            foreach (var (offset, data) in Tensors)
            {
                while (pos < offset) { int n = (int)Math.Min(zeros.Length, offset - pos); s.Write(zeros, 0, n); pos += n; }
                s.Write(data.Span);
                pos += data.Length;
            }
        }
    }

    /// <summary>
    /// Moves <paramref name="model"/>'s initializers of at least <see cref="MinExternalBytes"/> to <paramref name="dataFile"/>
    /// (a file name, resolved by readers beside the graph) and serialises the graph. The model is changed in place.
    /// </summary>
    public static Split Externalize(ModelProto model, string dataFile)
    {
        if (dataFile.Contains('/') || dataFile.Contains('\\') || dataFile is "" or "." or "..")
            throw new ArgumentException($"The data file '{dataFile}' must be a plain file name beside the graph.", nameof(dataFile));
        var tensors = new List<(long, ByteString)>();
        long pos = 0;
        foreach (var t in model.Graph.Initializer)
        {
            if (t.RawData.Length < MinExternalBytes) continue;
            long offset = (pos + Alignment - 1) / Alignment * Alignment;
            tensors.Add((offset, t.RawData));
            Describe(t, dataFile, offset, t.RawData.Length);
            t.DataLocation = TensorProto.Types.DataLocation.External;
            t.ClearRawData();
            pos = offset + tensors[^1].Item2.Length;
        }
        var split = new Split
        {
            Graph = DiTOnnxExporter.ToBytes(model),
            DataFile = dataFile,
            Tensors = tensors,
            DataLength = pos,
            DataSha256 = "",
        };
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var hashing = new HashingSink(sha)) split.WriteData(hashing);
        return new Split { Graph = split.Graph, DataFile = dataFile, Tensors = tensors, DataLength = pos, DataSha256 = Convert.ToHexStringLower(sha.GetHashAndReset()) };
    }

    /// <summary>The external_data entries ONNX readers look for: location, offset, length (decimal).</summary>
    public static void Describe(TensorProto t, string location, long offset, long length)
    {
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>
    /// A graph built with <paramref name="sink"/>: its large weights are already in the data file, so only the graph
    /// is serialised and the file finished.
    /// </summary>
    public static Split Finish(ModelProto model, ExternalDataSink sink)
    {
        if (model.Graph.Initializer.Any(t => t.RawData.Length >= MinExternalBytes))
            throw new InvalidOperationException("A graph built with an external data sink still holds large initializers.");
        var graph = DiTOnnxExporter.ToBytes(model);
        string sha = sink.Finish();
        return new Split { Graph = graph, DataFile = sink.Location, Tensors = Array.Empty<(long, ByteString)>(), DataLength = sink.Length, DataSha256 = sha, Sink = sink };
    }

    /// <summary>A write-only stream that only hashes (the data file's sha256 without a second copy of the data).</summary>
    private sealed class HashingSink(IncrementalHash sha) : Stream
    {
        public override void Write(byte[] buffer, int offset, int count) => sha.AppendData(buffer, offset, count);
        public override void Write(ReadOnlySpan<byte> buffer) => sha.AppendData(buffer);
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
