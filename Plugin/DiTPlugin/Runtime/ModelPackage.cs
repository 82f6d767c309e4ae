using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiTPlugin.Contract.Package;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// A model package opened from a folder or a .zip of the folder's contents: the validated manifest and the
    /// verified graphs (every listed file present, sha256 as in model.json, no external data). A folder package's
    /// graphs are verified in place and handed to ONNX Runtime by path, so no copy of their bytes is kept; a zip
    /// package's graphs are read into memory (ONNX Runtime cannot open a zip entry).
    /// Reading follows docs/model-package.md, "Limits and rules for readers": sizes within <see cref="PackageLimits"/>
    /// (checked before anything large is read), only regular files inside the package, no duplicate zip entries; any
    /// problem is a <see cref="ModelPackageException"/> naming the file.
    /// </summary>
    public sealed class ModelPackage
    {
        private readonly Dictionary<string, GraphSource> _files;

        public ModelManifest Manifest { get; }
        /// <summary>The folder or zip the package was read from.</summary>
        public string Source { get; }
        /// <summary>The manifest's contentHash, or the one computed from the graphs' sha256 when it is absent.</summary>
        public string ContentHash { get; }
        /// <summary>Non-fatal findings (e.g. a contentHash that does not match the graphs).</summary>
        public IReadOnlyList<string> Warnings { get; }

        private ModelPackage(string source, ModelManifest manifest, Dictionary<string, GraphSource> files, List<string> warnings)
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
        public byte[] ReadFile(string name) => GraphOf(name).ReadBytes();

        /// <summary>Where ONNX Runtime reads a graph file of the package from (its path in a folder package).</summary>
        internal GraphSource GraphOf(string name)
        {
            if (name != null && _files.TryGetValue(name, out var source)) return source;
            throw new ModelPackageException(name ?? "(null)", $"is not a graph file of the package at {Source}.");
        }

        /// <summary>Opens a package folder or .zip; throws <see cref="ModelPackageException"/> naming the file and problem.</summary>
        public static ModelPackage Open(string path) => Open(path, LoadReporter.None);

        internal static ModelPackage Open(string path, LoadReporter reporter) => Open(path, reporter, ReadLimits.Default);

        internal static ModelPackage Open(string path, LoadReporter reporter, ReadLimits limits)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            return PackageErrors.Guard(Shown(path), () =>
            {
                using (var files = OpenFiles(path, limits)) return Read(files, reporter, limits);
            });
        }

        /// <summary>
        /// model.json of a package folder or .zip, parsed and validated, without reading or hashing any graph (for
        /// listing classes and the licence in an editor). The same reading rules and limits as <see cref="Open(string)"/>.
        /// </summary>
        public static ModelManifest ReadManifest(string path)
        {
            if (path is null) throw new ArgumentNullException(nameof(path));
            return PackageErrors.Guard(Shown(path), () =>
            {
                using (var files = OpenFiles(path, ReadLimits.Default)) return ManifestReading.Parse(files.ReadManifest());
            });
        }

        /// <summary>
        /// model.json's bytes parsed and validated as <see cref="Open(string)"/> reads them (UTF-8, at most
        /// <see cref="PackageLimits.MaxManifestBytes"/>, no repeated keys, every field checked); throws
        /// <see cref="ModelPackageException"/> naming the problem.
        /// </summary>
        public static ModelManifest ParseManifest(byte[] utf8) => ManifestReading.Parse(utf8);

        /// <summary>model.json's text parsed and validated as <see cref="ParseManifest(byte[])"/>.</summary>
        public static ModelManifest ParseManifest(string json) => ManifestReading.Parse(json);

        private static string Shown(string path) => path.Length == 0 ? "(empty path)" : path;

        private static IPackageFiles OpenFiles(string path, ReadLimits limits)
        {
            if (Directory.Exists(path)) return new FolderPackageFiles(path, limits);
            // The package path is the caller's choice and may be a link; what it leads to must be a regular file.
            var kind = FileProbe.Target(path, out _);
            if (kind == FileKind.Missing) throw new ModelPackageException(Shown(path), "no such folder or .zip file.");
            if (kind != FileKind.Regular)
                throw new ModelPackageException(path, $"is {FileProbe.Describe(kind)}; a package is a folder or a .zip file.");
            return ZipPackageFiles.Open(path, limits);
        }

        private static ModelPackage Read(IPackageFiles files, LoadReporter reporter, ReadLimits limits)
        {
            var manifestBytes = files.ReadManifest();
            var manifest = ManifestReading.Parse(manifestBytes);
            var listed = ListedFiles(manifest).ToList();
            reporter.Plan(listed.Count + SessionCount(manifest));

            // Every file is checked and sized before any is read, so an oversized package costs nothing to refuse.
            long total = manifestBytes.LongLength;
            foreach (var name in listed.Select(f => f.Name).Distinct(StringComparer.Ordinal))
            {
                total += files.SizeOf(name);
                if (total > limits.PackageBytes)
                    throw new ModelPackageException(name,
                        $"brings the package to {total} bytes, more than the package limit of {PackageLimits.Bytes(limits.PackageBytes)}.");
            }

            // External data files (docs/model-package.md, "External data"): folder packages only, sized with the rest.
            var data = new Dictionary<string, ExternalData>(StringComparer.Ordinal);
            foreach (var g in manifest.Graphs.Where(g => g.DataFile != null))
            {
                if (data.ContainsKey(g.File)) continue;
                var d = ExternalData.Size(files, g, limits);
                total += d.Length;
                if (total > limits.PackageBytes)
                    throw new ModelPackageException(d.Name,
                        $"brings the package to {total} bytes, more than the package limit of {PackageLimits.Bytes(limits.PackageBytes)}.");
                data[g.File] = d;
            }

            var read = new Dictionary<string, GraphSource>(StringComparer.Ordinal);
            foreach (var (name, sha) in listed)
            {
                reporter.Begin("verifying " + name);
                if (!read.TryGetValue(name, out var source))
                {
                    source = Load(files, name, sha, data.TryGetValue(name, out var d) ? d : null);
                    read[name] = source;
                }
                Verify(name, source, sha);
                reporter.End();
            }
            return new ModelPackage(files.Source, manifest, read, new List<string>());
        }

        /// <summary>
        /// A listed file, scanned for external data and hashed when model.json gives a sha256: in place through a
        /// memory mapping for a folder package, from its bytes for a zip.
        /// </summary>
        private static GraphSource Load(IPackageFiles files, string name, string? sha, ExternalData? data)
        {
            var path = files.PathOf(name);
            if (path is null)
            {
                var bytes = files.Read(name);
                var source = GraphSource.FromBytes(name, bytes);
                if (!string.IsNullOrEmpty(sha)) source.Sha256 = MappedFileCheck.Checked(name, Hashing.Sha256Hex(bytes), sha!);
                OnnxExternalDataScan.Check(name, bytes);
                return source;
            }
            var info = new FileInfo(path);
            long length = info.Length;
            DateTime written = info.LastWriteTimeUtc;
            data?.Verify();
            var allowed = data is null ? null : new ExternalDataFile(data.Location, data.Length);
            var hash = MappedFileCheck.Run(name, path, length, sha, bytes => OnnxExternalDataScan.Check(name, bytes, allowed));
            return GraphSource.FromFile(name, path, length, written, data).WithSha256(hash);
        }

        /// <summary>The sessions <see cref="DiT"/> creates on load (planned with the files, so progress totals never grow).</summary>
        private static int SessionCount(ModelManifest m) => m.Input.Space == InputSpace.Latent && m.Latent != null ? 2 : 1;

        private static IEnumerable<(string Name, string? Sha)> ListedFiles(ModelManifest m)
        {
            foreach (var g in m.Graphs) yield return (g.File, g.Sha256);
            if (m.Input.Space == InputSpace.Latent && m.Latent != null && !m.Graphs.Any(g => g.File == m.Latent.Decoder))
                yield return (m.Latent.Decoder, m.Latent.DecoderSha256);
        }

        // sha256 values are validated as 64 hex digits by the manifest; case is ignored. A file listed twice (a graph
        // that is also the decoder) is hashed once, and again only if the first listing gave no sha256.
        private static void Verify(string name, GraphSource source, string? expected)
        {
            if (string.IsNullOrEmpty(expected)) return;
            string actual = source.Sha256 ??= source.Path is null
                ? Hashing.Sha256Hex(source.ReadBytes())
                : MappedFileCheck.Run(name, source.Path, source.Length, expected, null)!;
            MappedFileCheck.Checked(name, actual, expected!);
        }
    }
}
