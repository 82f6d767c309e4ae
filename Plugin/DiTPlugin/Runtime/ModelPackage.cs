using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// A model package opened from a folder or a .zip of the folder's contents: the validated manifest and the
    /// verified graph bytes (every listed file present, sha256 as in model.json).
    /// </summary>
    public sealed class ModelPackage
    {
        private readonly Dictionary<string, byte[]> _files;

        public ModelManifest Manifest { get; }
        /// <summary>The folder or zip the package was read from.</summary>
        public string Source { get; }
        /// <summary>The manifest's contentHash, or the one computed from the graphs' sha256 when it is absent.</summary>
        public string ContentHash { get; }
        /// <summary>Non-fatal findings (e.g. a contentHash that does not match the graphs).</summary>
        public IReadOnlyList<string> Warnings { get; }

        private ModelPackage(string source, ModelManifest manifest, Dictionary<string, byte[]> files, List<string> warnings)
        {
            Source = source;
            Manifest = manifest;
            _files = files;
            string computed = manifest.ComputeContentHash();
            if (string.IsNullOrEmpty(manifest.ContentHash)) ContentHash = computed;
            else
            {
                ContentHash = manifest.ContentHash!;
                // Recipes name the model by this hash, so a manifest whose hash does not match its graphs is refused.
                if (!string.Equals(ContentHash, computed, StringComparison.OrdinalIgnoreCase))
                    throw new ModelPackageException(ModelManifest.ManifestFileName,
                        $"contentHash {ContentHash} does not match the one computed over the graphs' sha256 ({computed}); the package was modified or is corrupt.");
            }
            Warnings = warnings;
        }

        /// <summary>The bytes of a package file (a graph or the decoder), already checked against its sha256.</summary>
        public byte[] ReadFile(string name)
        {
            if (_files.TryGetValue(name, out var data)) return data;
            throw new ModelPackageException(name, $"is not a graph file of the package at {Source}.");
        }

        /// <summary>Opens a package folder or .zip; throws <see cref="ModelPackageException"/> naming the file and problem.</summary>
        public static ModelPackage Open(string path) => Open(path, LoadReporter.None);

        internal static ModelPackage Open(string path, LoadReporter reporter)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            if (Directory.Exists(path)) return OpenFolder(path, reporter);
            if (File.Exists(path)) return OpenZip(path, reporter);
            throw new ModelPackageException(path, "no such folder or .zip file.");
        }

        private static ModelPackage OpenFolder(string folder, LoadReporter reporter)
        {
            string manifestPath = Path.Combine(folder, ModelManifest.ManifestFileName);
            if (!File.Exists(manifestPath)) throw new ModelPackageException(ModelManifest.ManifestFileName, $"missing from the package folder {folder}.");
            var manifest = ModelManifest.Parse(File.ReadAllText(manifestPath, Encoding.UTF8));
            var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var listed = ListedFiles(manifest).ToList();
            reporter.Plan(listed.Count + SessionCount(manifest));
            foreach (var (name, sha) in listed)
            {
                reporter.Begin("verifying " + name);
                string p = Path.Combine(folder, name);
                if (!File.Exists(p)) throw new ModelPackageException(name, $"missing from the package folder {folder}.");
                files[name] = Verify(name, File.ReadAllBytes(p), sha);
                reporter.End();
            }
            return new ModelPackage(folder, manifest, files, new List<string>());
        }

        private static ModelPackage OpenZip(string zipPath, LoadReporter reporter)
        {
            ZipArchive zip;
            try { zip = ZipFile.OpenRead(zipPath); }
            catch (InvalidDataException e) { throw new ModelPackageException(zipPath, "is neither a package folder nor a readable .zip.", e); }
            using (zip)
            {
                // The package's files sit at the root, or under one top-level folder.
                var manifestEntry = zip.Entries.FirstOrDefault(e => e.FullName == ModelManifest.ManifestFileName)
                    ?? zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/" + ModelManifest.ManifestFileName, StringComparison.Ordinal)
                                                       && e.FullName.IndexOf('/') == e.FullName.Length - ModelManifest.ManifestFileName.Length - 1);
                if (manifestEntry is null) throw new ModelPackageException(ModelManifest.ManifestFileName, $"missing from the package zip {zipPath}.");
                string prefix = manifestEntry.FullName.Substring(0, manifestEntry.FullName.Length - ModelManifest.ManifestFileName.Length);
                var manifest = ModelManifest.Parse(Encoding.UTF8.GetString(ReadEntry(manifestEntry)));
                var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                var listed = ListedFiles(manifest).ToList();
                reporter.Plan(listed.Count + SessionCount(manifest));
                foreach (var (name, sha) in listed)
                {
                    reporter.Begin("verifying " + name);
                    var entry = zip.GetEntry(prefix + name);
                    if (entry is null) throw new ModelPackageException(name, $"missing from the package zip {zipPath}.");
                    files[name] = Verify(name, ReadEntry(entry), sha);
                    reporter.End();
                }
                return new ModelPackage(zipPath, manifest, files, new List<string>());
            }
        }

        /// <summary>The sessions <see cref="DiT"/> creates on load (planned with the files, so progress totals never grow).</summary>
        private static int SessionCount(ModelManifest m) => m.Input.Space == "latent" && m.Latent != null ? 2 : 1;

        private static IEnumerable<(string Name, string? Sha)> ListedFiles(ModelManifest m)
        {
            foreach (var g in m.Graphs) yield return (g.File, g.Sha256);
            if (m.Input.Space == "latent" && m.Latent != null && !m.Graphs.Any(g => g.File == m.Latent.Decoder))
                yield return (m.Latent.Decoder, m.Latent.DecoderSha256);
        }

        private static byte[] Verify(string name, byte[] data, string? expected)
        {
            if (string.IsNullOrEmpty(expected)) return data;
            string actual = Hashing.Sha256Hex(data);
            if (!string.Equals(actual, expected!.Trim(), StringComparison.OrdinalIgnoreCase))
                throw new ModelPackageException(name, $"sha256 mismatch: model.json says {expected}, the file has {actual} (corrupt or replaced file).");
            return data;
        }

        private static byte[] ReadEntry(ZipArchiveEntry entry)
        {
            using (var s = entry.Open())
            using (var ms = new MemoryStream())
            {
                s.CopyTo(ms);
                return ms.ToArray();
            }
        }
    }
}
