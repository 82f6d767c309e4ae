namespace DiTPlugin.Runtime
{
    /// <summary>
    /// The largest model package the Plugin reads, in one place (docs/model-package.md, "Limits and rules for
    /// readers"). A package beyond any of these is refused with a <see cref="ModelPackageException"/> before the
    /// large thing is read or allocated, so a hostile or careless package costs bounded memory and time. Each limit is
    /// far above what a real package needs (DiT-XL/2 with its VAE is ~2.4 GB in fp16+fp32 graphs, 1000 classes,
    /// T = 1000, 256-pixel images).
    /// </summary>
    public static class PackageLimits
    {
        private const long MiB = 1024 * 1024;

        /// <summary>Bytes of model.json (a 1000-class manifest with synonyms is well under 1 MiB).</summary>
        public const long MaxManifestBytes = 16 * MiB;

        /// <summary>
        /// Bytes of one graph file: ONNX graphs are single protobuf messages, which cannot exceed 2 GiB, and the graph is
        /// held in one .NET byte array, whose largest length is 2 GiB less 57 bytes (0x7FFFFFC7).
        /// </summary>
        public const long MaxGraphBytes = 0x7FFFFFC7;

        /// <summary>Bytes read from a package in all: model.json and every graph it lists (all are held in memory).</summary>
        public const long MaxPackageBytes = 8L * 1024 * MiB;

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

        /// <summary>Entries in model.json's graphs (DiT fp32 and fp16, decoders in both precisions and paddings: 6).</summary>
        public const int MaxGraphs = 16;

        /// <summary>schedule.timesteps T, and so the length of schedule.betas (models use T = 1000).</summary>
        public const int MaxTimesteps = 100_000;

        /// <summary>classes.count (ImageNet has 1000).</summary>
        public const int MaxClasses = 100_000;

        /// <summary>Entries in classes.synonyms.</summary>
        public const int MaxSynonyms = 1_000_000;

        /// <summary>input.size, output.width and output.height, in pixels (latent pixels for input.size).</summary>
        public const int MaxImageSide = 8192;

        /// <summary>input.channels (1, 3 or 4 in practice).</summary>
        public const int MaxChannels = 16;

        /// <summary>graphs[].batch.</summary>
        public const int MaxBatch = 64;

        /// <summary>latent.downsample (the SD VAE's is 8); the output side limit applies to size × downsample too.</summary>
        public const int MaxDownsample = 64;

        /// <summary>
        /// Elements of one graph input or output tensor (B·C·S·S, or B·channels·width·height of a decoded image): 2^28
        /// float32 values, 1 GiB, so every buffer and index the sampler and decoder compute stays within int range.
        /// </summary>
        public const long MaxTensorElements = 1L << 28;

        /// <summary>Characters of name, license.id, a class name or a synonym.</summary>
        public const int MaxNameChars = 256;

        /// <summary>Characters of description, license.text or license.attribution.</summary>
        public const int MaxTextChars = 256 * 1024;

        /// <summary>Characters of a file path in model.json (graphs[].file, latent.decoder).</summary>
        public const int MaxPathChars = 255;

        /// <summary>Nesting of protobuf messages in a graph (subgraphs of If/Loop nodes nest); protobuf's own default is 100.</summary>
        public const int MaxGraphNesting = 100;

        /// <summary>A byte count for messages: "100 bytes", or "16777216 bytes (16 MiB)" from a mebibyte up.</summary>
        internal static string Bytes(long n)
        {
            var c = System.Globalization.CultureInfo.InvariantCulture;
            if (n < MiB) return n.ToString(c) + " bytes";
            string unit = n >= 1024 * MiB ? (n / (1024.0 * MiB)).ToString("0.##", c) + " GiB" : (n / (double)MiB).ToString("0.##", c) + " MiB";
            return $"{n.ToString(c)} bytes ({unit})";
        }
    }
}
