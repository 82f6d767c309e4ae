using DiTPlugin.Contract.Package;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// The largest model package the Plugin reads, in one place (docs/model-package.md, "Limits and rules for
    /// readers"). A package beyond any of these is refused with a <see cref="ModelPackageException"/> before the
    /// large thing is read or allocated, so a hostile or careless package costs bounded memory and time. The limits on
    /// what a package holds are <see cref="ManifestLimits"/>, shared with Training's exporter so that it writes nothing
    /// the Plugin refuses; they are repeated here so that code naming them here keeps compiling.
    /// </summary>
    public static class PackageLimits
    {
        private const long MiB = 1024 * 1024;

        /// <inheritdoc cref="ManifestLimits.MaxManifestBytes"/>
        public const long MaxManifestBytes = ManifestLimits.MaxManifestBytes;

        /// <inheritdoc cref="ManifestLimits.MaxGraphBytes"/>
        public const long MaxGraphBytes = ManifestLimits.MaxGraphBytes;

        /// <inheritdoc cref="ManifestLimits.MaxPackageBytes"/>
        public const long MaxPackageBytes = ManifestLimits.MaxPackageBytes;

        /// <summary>
        /// Bytes of a package .zip file: the package's files plus room for zip headers and files the reader ignores
        /// (model cards, sample images).
        /// </summary>
        public const long MaxZipFileBytes = MaxPackageBytes + 1024 * MiB;

        /// <summary>Entries in a package .zip (a package has a handful of files).</summary>
        public const int MaxZipEntries = 10_000;

        /// <summary>
        /// Bytes from the start of a .zip's central directory to its end record: what the zip reader parses into entry
        /// objects when the archive is opened, so this bounds that parse however many entries the file claims.
        /// </summary>
        public const long MaxZipDirectoryBytes = 16 * MiB;

        /// <inheritdoc cref="ManifestLimits.MaxGraphs"/>
        public const int MaxGraphs = ManifestLimits.MaxGraphs;

        /// <inheritdoc cref="ManifestLimits.MaxTimesteps"/>
        public const int MaxTimesteps = ManifestLimits.MaxTimesteps;

        /// <inheritdoc cref="ManifestLimits.MaxClasses"/>
        public const int MaxClasses = ManifestLimits.MaxClasses;

        /// <inheritdoc cref="ManifestLimits.MaxSynonyms"/>
        public const int MaxSynonyms = ManifestLimits.MaxSynonyms;

        /// <inheritdoc cref="ManifestLimits.MaxImageSide"/>
        public const int MaxImageSide = ManifestLimits.MaxImageSide;

        /// <inheritdoc cref="ManifestLimits.MaxChannels"/>
        public const int MaxChannels = ManifestLimits.MaxChannels;

        /// <inheritdoc cref="ManifestLimits.MaxBatch"/>
        public const int MaxBatch = ManifestLimits.MaxBatch;

        /// <inheritdoc cref="ManifestLimits.MaxDownsample"/>
        public const int MaxDownsample = ManifestLimits.MaxDownsample;

        /// <inheritdoc cref="ManifestLimits.MaxTensorElements"/>
        public const long MaxTensorElements = ManifestLimits.MaxTensorElements;

        /// <inheritdoc cref="ManifestLimits.MaxNameChars"/>
        public const int MaxNameChars = ManifestLimits.MaxNameChars;

        /// <inheritdoc cref="ManifestLimits.MaxTextChars"/>
        public const int MaxTextChars = ManifestLimits.MaxTextChars;

        /// <inheritdoc cref="ManifestLimits.MaxPathChars"/>
        public const int MaxPathChars = ManifestLimits.MaxPathChars;

        /// <summary>Nesting of protobuf messages in a graph (subgraphs of If/Loop nodes nest); protobuf's own default is 100.</summary>
        public const int MaxGraphNesting = 100;

        /// <inheritdoc cref="ManifestLimits.Bytes"/>
        internal static string Bytes(long n) => ManifestLimits.Bytes(n);
    }
}
