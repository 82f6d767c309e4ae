using DiTPlugin.Contract.Package;
using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// A package .zip's files: at the root, or under one top-level folder. The zip is refused when two entries share a
    /// name (compared exactly, ignoring case, with '\' read as '/' and Unicode composed): zip readers disagree on which copy counts, so a
    /// second model.json could show one licence in one tool and another in the Plugin. Entries are read through a
    /// <see cref="CappedStream"/> and must hold exactly the size their header declares (zip bombs declare less).
    /// </summary>
    internal sealed class ZipPackageFiles : IPackageFiles
    {
        // Deflate cannot expand data more than about 1032:1, so an entry's first buffer never needs to be larger than
        // this multiple of its compressed size, whatever size it declares; a buffer that proves too small grows.
        private const long MaxExpansion = 1040;

        private readonly ZipArchive _zip;
        private readonly ReadLimits _limits;
        private readonly string _prefix;
        private readonly ZipArchiveEntry _manifest;

        public string Source { get; }

        private ZipPackageFiles(string zipPath, ZipArchive zip, ReadLimits limits)
        {
            Source = zipPath;
            _zip = zip;
            _limits = limits;
            var entries = Entries(zip, zipPath);
            if (entries.Count > limits.ZipEntries)
                throw new ModelPackageException(zipPath, $"the zip holds {entries.Count} entries, more than the {limits.ZipEntries} a package may hold.");
            RefuseDuplicates(entries);
            _manifest = FindManifest(entries, zipPath);
            _prefix = _manifest.FullName.Substring(0, _manifest.FullName.Length - ModelManifest.ManifestFileName.Length);
        }

        /// <summary>Opens <paramref name="zipPath"/> (a regular file, checked by the caller).</summary>
        public static ZipPackageFiles Open(string zipPath, ReadLimits limits)
        {
            FileStream file;
            try { file = new FileStream(zipPath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new ModelPackageException(zipPath, $"cannot be opened: {e.Message}", e);
            }
            try
            {
                if (file.Length > limits.ZipFileBytes)
                    throw new ModelPackageException(zipPath, $"is {file.Length} bytes, more than the package zip limit of {PackageLimits.Bytes(limits.ZipFileBytes)}.");
                ZipDirectoryCheck.Check(file, zipPath, limits);
                file.Position = 0;
                ZipArchive zip;
                try { zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: false); }
                catch (Exception e) when (e is InvalidDataException || e is IOException || e is NotSupportedException || e is ArgumentException)
                {
                    throw new ModelPackageException(zipPath, $"is neither a package folder nor a readable .zip ({e.Message}).", e);
                }
                try { return new ZipPackageFiles(zipPath, zip, limits); }
                catch { zip.Dispose(); throw; }
            }
            catch
            {
                file.Dispose();
                throw;
            }
        }

        private static IReadOnlyList<ZipArchiveEntry> Entries(ZipArchive zip, string zipPath)
        {
            try { return zip.Entries; }
            catch (Exception e) when (e is InvalidDataException || e is IOException || e is NotSupportedException)
            {
                throw new ModelPackageException(zipPath, $"is a corrupt zip file ({e.Message}).", e);
            }
        }

        private static void RefuseDuplicates(IReadOnlyList<ZipArchiveEntry> entries)
        {
            var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var e in entries)
            {
                string key = Key(e.FullName);
                if (seen.TryGetValue(key, out string? other))
                    throw new ModelPackageException(e.FullName, other == e.FullName
                        ? "the zip holds two entries of this name; readers disagree on which counts, so entry names must be unique."
                        : $"the zip also holds '{other}', the same name ignoring case, '\\' versus '/' or Unicode composition; entry names must be unique.");
                seen[key] = e.FullName;
            }
        }

        // One spelling per name: '\' as '/', and Unicode composed (macOS file systems store "é" decomposed).
        private static string Key(string name)
        {
            name = name.Replace('\\', '/');
            try { return name.Normalize(System.Text.NormalizationForm.FormC); }
            catch (ArgumentException) { return name; }   // unpaired surrogates: compared as they are
        }

        // model.json at the root wins; otherwise exactly one top-level folder may hold one.
        private static ZipArchiveEntry FindManifest(IReadOnlyList<ZipArchiveEntry> entries, string zipPath)
        {
            var root = entries.FirstOrDefault(e => e.FullName == ModelManifest.ManifestFileName);
            if (root != null) return root;
            var nested = entries.Where(e => e.FullName.EndsWith("/" + ModelManifest.ManifestFileName, StringComparison.Ordinal)
                                            && e.FullName.IndexOf('/') == e.FullName.Length - ModelManifest.ManifestFileName.Length - 1).ToList();
            if (nested.Count > 1)
                throw new ModelPackageException(ModelManifest.ManifestFileName,
                    $"the zip {zipPath} holds {string.Join(" and ", nested.Take(3).Select(e => "'" + e.FullName + "'"))}: which is the package is ambiguous (put one package per zip).");
            return nested.FirstOrDefault()
                   ?? throw new ModelPackageException(ModelManifest.ManifestFileName, $"missing from the package zip {zipPath}.");
        }

        public byte[] ReadManifest()
        {
            if (_manifest.Length > _limits.ManifestBytes) throw TooLarge(ModelManifest.ManifestFileName, _manifest.Length, _limits.ManifestBytes, "the model.json limit");
            var data = ReadEntry(ModelManifest.ManifestFileName, _manifest, _limits.ManifestBytes);
            if (Crc32.Compute(data) != _manifest.Crc32)
                throw new ModelPackageException(ModelManifest.ManifestFileName,
                    "does not match the CRC-32 its zip header declares (a corrupt or crafted zip: its size or data was changed).");
            return data;
        }

        public long SizeOf(string name)
        {
            var entry = Find(name);
            if (entry.Length > _limits.GraphBytes) throw TooLarge(name, entry.Length, _limits.GraphBytes, "the graph file limit");
            return entry.Length;
        }

        public byte[] Read(string name)
        {
            SizeOf(name);
            return ReadEntry(name, Find(name), _limits.GraphBytes);
        }

        private ZipArchiveEntry Find(string name) =>
            _zip.GetEntry(_prefix + name) ?? throw new ModelPackageException(name, $"missing from the package zip {Source}.");

        private static byte[] ReadEntry(string name, ZipArchiveEntry entry, long cap)
        {
            long declared = entry.Length;
            long initial = Math.Min(declared, entry.CompressedLength * MaxExpansion + 64 * 1024);
            try
            {
                using (var counted = new CappedStream(entry.Open(), cap, c => new ModelPackageException(name, $"decompresses to more than the limit of {PackageLimits.Bytes(c)}.")))
                    return counted.ReadExactly(declared, initial, (seen, more) => new ModelPackageException(name, more
                        ? $"decompresses to more than the {declared} bytes its zip header declares (a corrupt or crafted zip)."
                        : $"decompresses to {seen} bytes, not the {declared} its zip header declares (a corrupt or crafted zip)."));
            }
            catch (Exception e) when (e is InvalidDataException || e is IOException || e is NotSupportedException)
            {
                throw new ModelPackageException(name, $"cannot be read from the zip: {e.Message}", e);
            }
        }

        private static ModelPackageException TooLarge(string name, long size, long cap, string limitName) =>
            new ModelPackageException(name, $"is {size} bytes (as its zip header declares), more than {limitName} of {PackageLimits.Bytes(cap)}.");

        /// <summary>Null: a zip's entries have no path ONNX Runtime could open, so they are read as bytes.</summary>
        public string? PathOf(string name) => null;

        public void Dispose() => _zip.Dispose();
    }
}
