using System;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// The files of a package, from a folder or a zip, read under <see cref="ReadLimits"/>. Names are model.json's
    /// paths (already checked by <see cref="DiTPlugin.Contract.Package.PackagePath"/>); every error is a <see cref="ModelPackageException"/>
    /// naming the file.
    /// </summary>
    internal interface IPackageFiles : IDisposable
    {
        /// <summary>The folder or zip, for messages.</summary>
        string Source { get; }

        /// <summary>model.json's bytes (at most the manifest limit).</summary>
        byte[] ReadManifest();

        /// <summary>
        /// The size of a listed file, after checking that it may be read (present, a regular file inside the package,
        /// within the graph limit), so that the whole package's size is known before anything large is read.
        /// </summary>
        long SizeOf(string name);

        /// <summary>The file's bytes: exactly <see cref="SizeOf"/> bytes, or an error.</summary>
        byte[] Read(string name);

        /// <summary>
        /// The full path of a listed file that ONNX Runtime may open itself (a regular file inside a package folder,
        /// checked as <see cref="SizeOf"/> checks it), or null when the file exists only inside a zip.
        /// </summary>
        string? PathOf(string name);
    }
}
