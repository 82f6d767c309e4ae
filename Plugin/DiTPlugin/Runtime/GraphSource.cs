using System;
using System.IO;
using Microsoft.ML.OnnxRuntime;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// Where ONNX Runtime reads a verified graph from: the file's path inside a package folder, or its bytes (a zip
    /// package, or a caller's array). Loading by path lets ONNX Runtime parse the file itself, so the process never
    /// holds a managed copy of the weights beside the session's own (for DiT-XL/2 that copy was 1.35 GB, kept for the
    /// whole life of the model for the CPU retry). A path source remembers the file's length and write time when it
    /// was verified, and a session made from it is refused when the file changed since (replaced between the sha256
    /// check and the load).
    /// </summary>
    internal sealed class GraphSource
    {
        private readonly byte[]? _bytes;
        private readonly long _length;
        private readonly DateTime _written;
        private readonly ExternalData? _data;

        /// <summary>The package file's name (model.json's path), for messages.</summary>
        public string Name { get; }
        /// <summary>The full path of a folder package's file, or null for bytes.</summary>
        public string? Path { get; }
        /// <summary>The file's sha256 (lower-case hex) when it was computed, else null.</summary>
        public string? Sha256 { get; internal set; }
        public long Length => _bytes?.LongLength ?? _length;

        private GraphSource(string name, string? path, byte[]? bytes, long length, DateTime written, ExternalData? data = null)
        {
            _data = data;
            Name = name;
            Path = path;
            _bytes = bytes;
            _length = length;
            _written = written;
        }

        public static GraphSource FromBytes(string name, byte[] bytes) =>
            new GraphSource(name, null, bytes ?? throw new ArgumentNullException(nameof(bytes)), bytes.LongLength, default);

        /// <summary>A verified file: <paramref name="length"/> and <paramref name="written"/> as they were when it was hashed.</summary>
        public static GraphSource FromFile(string name, string path, long length, DateTime written, ExternalData? data = null) =>
            new GraphSource(name, path, null, length, written, data);

        internal GraphSource WithSha256(string? sha256)
        {
            Sha256 = sha256;
            return this;
        }

        /// <summary>The bytes: the array for a byte source, a fresh read of the file (checked unchanged) for a path.</summary>
        public byte[] ReadBytes()
        {
            if (_bytes != null) return _bytes;
            if (_data != null)
                throw new ModelPackageException(Name, $"keeps its weights in '{_data.Name}' (external data): ONNX Runtime opens it by path; its bytes alone are not the graph.");
            CheckUnchanged();
            var data = File.ReadAllBytes(Path!);
            if (data.LongLength != _length) throw Changed();
            if (Sha256 != null && !string.Equals(Hashing.Sha256Hex(data), Sha256, StringComparison.OrdinalIgnoreCase)) throw Changed();
            return data;
        }

        /// <summary>A session on this graph; for a path, ONNX Runtime reads the file (and any data file beside it) itself.</summary>
        public InferenceSession CreateSession(SessionOptions options)
        {
            if (_bytes != null) return new InferenceSession(_bytes, options);
            CheckUnchanged();
            var session = new InferenceSession(Path!, options);
            try { CheckUnchanged(); }
            catch { session.Dispose(); throw; }
            return session;
        }

        /// <summary>Throws when a path source's file is no longer the one that was verified (length or write time differ).</summary>
        public void CheckUnchanged()
        {
            if (Path is null) return;
            var info = new FileInfo(Path);
            if (!info.Exists || info.Length != _length || info.LastWriteTimeUtc != _written) throw Changed();
            _data?.CheckUnchanged();
        }

        private ModelPackageException Changed() =>
            new ModelPackageException(Name, "changed on disk after its sha256 was checked; reload the package.");
    }
}
