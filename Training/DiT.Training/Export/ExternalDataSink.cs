using System;
using System.IO;
using System.Security.Cryptography;

namespace DiT.Training.Export;

/// <summary>
/// An external data file written while the graph is built: each large initializer goes to disk as soon as it is made
/// (64 KiB-aligned, hashed as written) instead of being held in the graph until the package is written. This keeps
/// `dit export` of fp32 DiT-XL/2 near one copy of the weights (the checkpoint's), not two. The file lives in the temp
/// folder until <see cref="MoveTo"/> puts it in the package; disposing removes it if it was never moved.
/// </summary>
public sealed class ExternalDataSink : IDisposable
{
    private readonly FileStream _file;
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly string _path;
    private bool _moved;

    /// <summary>What tensors name as their location: the data file's name beside the graph.</summary>
    public string Location { get; }
    public long Length { get; private set; }

    public ExternalDataSink(string location)
    {
        Location = location;
        _path = Path.Combine(Path.GetTempPath(), $"dit-export-{Guid.NewGuid():N}.data");
        _file = new FileStream(_path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
    }

    /// <summary>Writes <paramref name="data"/> at the next aligned offset; returns that offset.</summary>
    public long Append(ReadOnlySpan<byte> data)
    {
        long offset = (Length + OnnxExternalData.Alignment - 1) / OnnxExternalData.Alignment * OnnxExternalData.Alignment;
        if (offset > Length)
        {
            var zeros = new byte[offset - Length];
            _file.Write(zeros);
            _sha.AppendData(zeros);
        }
        _file.Write(data);
        _sha.AppendData(data);
        Length = offset + data.Length;
        return offset;
    }

    /// <summary>Flushes and closes the file; returns its sha256 (lower-case hex).</summary>
    public string Finish()
    {
        _file.Flush(flushToDisk: true);
        _file.Dispose();
        return Convert.ToHexStringLower(_sha.GetHashAndReset());
    }

    /// <summary>Moves the finished file to <paramref name="destination"/> (a copy when it is on another file system).</summary>
    public void MoveTo(string destination)
    {
        File.Move(_path, destination);
        _moved = true;
    }

    public void Dispose()
    {
        _file.Dispose();
        _sha.Dispose();
        if (!_moved) try { File.Delete(_path); } catch (IOException) { }
    }
}
