using System;

namespace DiTPlugin.Contract.Package
{
    /// <summary>
    /// The largest values a model package may hold (docs/model-package.md, "Limits and rules for readers"). The
    /// Plugin refuses a package beyond any of them before reading or allocating the large thing; Training's exporter
    /// refuses to write one, so a package it writes is one the Plugin reads. Each limit is far above what a real
    /// package needs (DiT-XL/2 with its VAE is ~2.4 GB in fp16+fp32 graphs, 1000 classes, T = 1000, 256-pixel images).
    /// Limits that concern only how a reader reads (zip entries, protobuf nesting) stay with the Plugin.
    /// </summary>
    public static class ManifestLimits
    {
        private const long MiB = 1024 * 1024;

        /// <summary>Bytes of model.json (a 1000-class manifest with synonyms is well under 1 MiB).</summary>
        public const long MaxManifestBytes = 16 * MiB;

        /// <summary>
        /// Bytes of one graph file: ONNX graphs are single protobuf messages, which cannot exceed 2 GiB, and readers hold
        /// the graph in one .NET byte array, whose largest length is 2 GiB less 57 bytes (0x7FFFFFC7).
        /// </summary>
        public const long MaxGraphBytes = 0x7FFFFFC7;

        /// <summary>Bytes of a package in all: model.json and every graph it lists (readers hold all in memory).</summary>
        public const long MaxPackageBytes = 8L * 1024 * MiB;

        /// <summary>Entries in model.json's graphs (DiT fp32 and fp16, decoders in both precisions and paddings: 6).</summary>
        public const int MaxGraphs = 16;

        /// <summary>schedule.timesteps T, and so the length of schedule.betas (models use T = 1000).</summary>
        public const int MaxTimesteps = 100_000;

        /// <summary>
        /// The fewest timesteps of the linear schedule: ADM's linear betas end at 0.02·1000/T, above 1 (no valid beta)
        /// for T below 20.
        /// </summary>
        public const int MinLinearTimesteps = 20;

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

        /// <summary>
        /// The elements of a graph's largest tensor, which <see cref="MaxTensorElements"/> bounds: the DiT's x/eps/v
        /// [B, C, S, S]; a decoder's latent [B, C, t, t] or its image [B, outputChannels, t·f, t·f], t the tile side
        /// (the whole latent side S without one); a VAE encoder's the same two. Computed in long, so no size a manifest can state overflows it.
        /// </summary>
        public static long LargestTensorElements(GraphRole role, int batch, int channels, int size, int? tileSize, int downsample, int outputChannels)
        {
            long b = batch, c = channels, s = size;
            if (role == GraphRole.DiT) return b * c * s * s;   // a VAE encoder's tensors are a decoder's, the other way round
            long t = tileSize ?? size, side = t * downsample;
            return Math.Max(b * c * t * t, b * outputChannels * side * side);
        }

        /// <summary>A byte count for messages: "100 bytes", or "16777216 bytes (16 MiB)" from a mebibyte up.</summary>
        public static string Bytes(long n)
        {
            var c = System.Globalization.CultureInfo.InvariantCulture;
            if (n < MiB) return n.ToString(c) + " bytes";
            string unit = n >= 1024 * MiB ? (n / (1024.0 * MiB)).ToString("0.##", c) + " GiB" : (n / (double)MiB).ToString("0.##", c) + " MiB";
            return $"{n.ToString(c)} bytes ({unit})";
        }
    }
}
