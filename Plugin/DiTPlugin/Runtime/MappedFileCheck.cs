using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Security.Cryptography;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// Verifies a package folder's graph file in place: sha256 and the ONNX external-data scan run over a read-only
    /// memory mapping, so checking a 1.35 GB graph costs page cache, not a managed array of its size (the mapping's
    /// pages are clean and file-backed: the kernel drops them under pressure, and they go when it is unmapped).
    /// </summary>
    internal static class MappedFileCheck
    {
        /// <summary>
        /// The file's sha256 (lower-case hex) when <paramref name="expectedSha256"/> is given, checked against it
        /// before <paramref name="scan"/> runs over the bytes (a corrupt file is reported as corrupt, not as malformed).
        /// <paramref name="expectedLength"/> is the size checked before; a file that changed size since is refused.
        /// </summary>
        public static unsafe string? Run(string name, string path, long expectedLength, string? expectedSha256, ScanAction? scan)
        {
            bool hash = !string.IsNullOrEmpty(expectedSha256);
            if (expectedLength == 0)
            {
                string? empty = hash ? Checked(name, Hashing.Sha256Hex(Array.Empty<byte>()), expectedSha256!) : null;
                scan?.Invoke(ReadOnlySpan<byte>.Empty);
                return empty;
            }
            if (expectedLength > int.MaxValue)
                throw new ModelPackageException(name, $"is {expectedLength} bytes; one ONNX protobuf file holds at most 2 GB (larger weights go in an external data file).");
            try
            {
                using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None))
                {
                    if (file.Length != expectedLength)
                        throw new ModelPackageException(name, $"changed while it was read (it had {expectedLength} bytes when checked, now {file.Length}).");
                    using (var map = MemoryMappedFile.CreateFromFile(file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true))
                    using (var view = map.CreateViewAccessor(0, expectedLength, MemoryMappedFileAccess.Read))
                    {
                        byte* p = null;
                        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
                        try
                        {
                            var span = new ReadOnlySpan<byte>(p + view.PointerOffset, (int)expectedLength);
                            string? sha = hash ? Checked(name, Sha256Hex(span), expectedSha256!) : null;
                            scan?.Invoke(span);
                            return sha;
                        }
                        finally { view.SafeMemoryMappedViewHandle.ReleasePointer(); }
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new ModelPackageException(name, $"cannot be read from the package folder: {e.Message}", e);
            }
        }

        /// <summary>Throws the package's sha256 mismatch error unless <paramref name="actual"/> is <paramref name="expected"/>.</summary>
        public static string Checked(string name, string actual, string expected)
        {
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
                throw new ModelPackageException(name, $"sha256 mismatch: model.json says {expected}, the file has {actual} (corrupt or replaced file).");
            return actual;
        }

        /// <summary>A check over the mapped bytes (spans cannot be generic arguments on netstandard2.1).</summary>
        public delegate void ScanAction(ReadOnlySpan<byte> bytes);

        private static string Sha256Hex(ReadOnlySpan<byte> data)
        {
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                // Chunks of 64 MB keep each call short (and the span API works on any length).
                const int chunk = 64 << 20;
                for (int i = 0; i < data.Length; i += chunk) sha.AppendData(data.Slice(i, Math.Min(chunk, data.Length - i)));
                return Hashing.Hex(sha.GetHashAndReset());
            }
        }
    }
}
