using System;
using System.IO;
using System.Security.Cryptography;
using DiTPlugin.Contract.Package;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// A graph's declared external data file in a package folder: checked like every package file (a regular file
    /// inside the folder, no links), sized before anything is read, and hashed against model.json's dataSha256 by
    /// streaming it (up to the package limit, so more than one .NET array holds). ONNX Runtime then reads it by path
    /// beside the graph. Zip packages cannot have one: ONNX Runtime reads external data from a file only, and the
    /// Plugin does not extract packages.
    /// </summary>
    internal sealed class ExternalData
    {
        private readonly DateTime _written;

        /// <summary>The data file's package path (model.json's dataFile).</summary>
        public string Name { get; }
        /// <summary>What the graph's tensors must name as their location: the file name, relative to the graph's folder.</summary>
        public string Location { get; }
        public string FullPath { get; }
        public long Length { get; }
        private readonly string _sha256;

        private ExternalData(string name, string fullPath, long length, DateTime written, string sha256)
        {
            Name = name;
            Location = name.Substring(name.LastIndexOf('/') + 1);
            FullPath = fullPath;
            Length = length;
            _written = written;
            _sha256 = sha256;
        }

        /// <summary>The data file of <paramref name="graph"/>, checked and sized but not yet read.</summary>
        public static ExternalData Size(IPackageFiles files, GraphInfo graph, ReadLimits limits)
        {
            string name = graph.DataFile!;
            if (!(files is FolderPackageFiles folder))
                throw new ModelPackageException(graph.File,
                    $"keeps its weights in the external data file '{name}', which ONNX Runtime reads from a file, not from inside a zip: " +
                    $"unzip {files.Source} and load the folder.");
            var (path, length) = folder.DataFile(name);
            return new ExternalData(name, path, length, new FileInfo(path).LastWriteTimeUtc, graph.DataSha256 ?? "");
        }

        /// <summary>Hashes the file by streaming it and compares with dataSha256 (the manifest requires one).</summary>
        public void Verify()
        {
            string actual;
            try
            {
                using (var file = new FileStream(FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan))
                using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
                {
                    var buffer = new byte[1 << 20];
                    long seen = 0;
                    for (int n; (n = file.Read(buffer, 0, buffer.Length)) > 0;)
                    {
                        seen += n;
                        if (seen > Length) break;
                        sha.AppendData(buffer, 0, n);
                    }
                    if (seen != Length)
                        throw new ModelPackageException(Name, $"changed while it was read (it had {Length} bytes when checked).");
                    actual = Hashing.Hex(sha.GetHashAndReset());
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new ModelPackageException(Name, $"cannot be read from the package folder: {e.Message}", e);
            }
            if (!string.Equals(actual, _sha256, StringComparison.OrdinalIgnoreCase))
                throw new ModelPackageException(Name, $"sha256 mismatch: model.json says {_sha256}, the file has {actual} (corrupt or replaced file).");
        }

        /// <summary>Throws when the file is no longer the one that was verified (length or write time differ).</summary>
        public void CheckUnchanged()
        {
            var info = new FileInfo(FullPath);
            if (!info.Exists || info.Length != Length || info.LastWriteTimeUtc != _written)
                throw new ModelPackageException(Name, "changed on disk after its sha256 was checked; reload the package.");
        }
    }
}
