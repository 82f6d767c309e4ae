using System;
using System.IO;
using DiTPlugin.Contract.Package;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// A package folder's files. Only regular files inside the folder are read: every step of a path below the
    /// package folder must be a real folder and the file a regular file, with no symbolic link anywhere (a link could
    /// lead outside the package, to a FIFO that blocks the open, or to a device that never ends). The package folder
    /// itself may be reached through links: that path is the caller's choice.
    /// </summary>
    internal sealed class FolderPackageFiles : IPackageFiles
    {
        private readonly string _root;
        private readonly ReadLimits _limits;

        public string Source => _root;

        public FolderPackageFiles(string root, ReadLimits limits)
        {
            _root = root;
            _limits = limits;
        }

        public byte[] ReadManifest()
        {
            long size = Check(ModelManifest.ManifestFileName, _limits.ManifestBytes, "the model.json limit");
            return ReadChecked(ModelManifest.ManifestFileName, size, _limits.ManifestBytes);
        }

        public long SizeOf(string name) => Check(name, _limits.GraphBytes, "the graph file limit");

        public byte[] Read(string name) => ReadChecked(name, Check(name, _limits.GraphBytes, "the graph file limit"), _limits.GraphBytes);

        public string? PathOf(string name)
        {
            Check(name, _limits.GraphBytes, "the graph file limit");
            return FullPath(name);
        }

        /// <summary>
        /// An external data file's full path and size, checked as graphs are (regular, inside, no links) but against
        /// the package limit: it holds weights past one protobuf file's 2 GB.
        /// </summary>
        public (string Path, long Length) DataFile(string name) =>
            (FullPath(name), Check(name, _limits.PackageBytes, "the package limit"));

        private byte[] ReadChecked(string name, long size, long cap)
        {
            try
            {
                using (var file = new FileStream(FullPath(name), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
                using (var counted = new CappedStream(file, cap, c => TooLarge(name, c, "the limit")))
                    return counted.ReadExactly(size, size, (seen, more) => new ModelPackageException(name,
                        $"changed while it was read ({(more ? "grew past" : "shrank below")} the {size} bytes it had when checked)."));
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new ModelPackageException(name, $"cannot be read from the package folder {_root}: {e.Message}", e);
            }
        }

        /// <summary>Checks every step of <paramref name="name"/> below the package folder; returns the file's size.</summary>
        private long Check(string name, long cap, string limitName)
        {
            string path = _root;
            var segments = name.Split('/');
            for (int i = 0; i < segments.Length; i++)
            {
                path = Path.Combine(path, segments[i]);
                bool last = i == segments.Length - 1;
                var kind = FileProbe.Entry(path, out long length);
                string step = string.Join("/", segments, 0, i + 1);
                switch (kind)
                {
                    case FileKind.Missing:
                        throw new ModelPackageException(name, $"missing from the package folder {_root}.");
                    case FileKind.SymbolicLink:
                        throw new ModelPackageException(name, last
                            ? "is a symbolic link; a package folder's files must be regular files inside it."
                            : $"is reached through the symbolic link '{step}'; a package folder's files must be regular files inside it.");
                    case FileKind.Directory when last:
                        throw new ModelPackageException(name, "is a folder, not a file.");
                    case FileKind.Directory:
                        continue;
                    case FileKind.Regular when last:
                        if (length > cap) throw TooLarge(name, cap, limitName, length);
                        return length;
                    case FileKind.Regular:
                        throw new ModelPackageException(name, $"'{step}' is a file, not a folder.");
                    default:
                        throw new ModelPackageException(name, $"is {FileProbe.Describe(kind)}; only regular files are read from a package.");
                }
            }
            throw new ModelPackageException(name, "is not a file path.");
        }

        // Belt and braces: PackagePath already refused anything that could leave the folder.
        private string FullPath(string name)
        {
            string root = Path.GetFullPath(_root).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
            string full = Path.GetFullPath(Path.Combine(root, name));
            if (!full.StartsWith(root, StringComparison.Ordinal)) throw new ModelPackageException(name, "is outside the package folder.");
            return full;
        }

        private static ModelPackageException TooLarge(string name, long cap, string limitName, long? size = null) =>
            new ModelPackageException(name, (size is long s ? $"is {s} bytes" : "is larger") +
                $", more than {limitName} of {PackageLimits.Bytes(cap)}.");

        public void Dispose() { }
    }
}
