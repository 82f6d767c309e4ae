using System.Collections.Generic;
using DiTPlugin.Contract.Package;

namespace DiTPlugin.Runtime
{
    // The model.json sections (docs/model-package.md). Deserialised with camelCase names; validated by ModelManifest.

    public sealed class ManifestLicense
    {
        public string Id { get; set; } = "";
        public bool CommercialUse { get; set; }
        public string? Text { get; set; }
        public string? Attribution { get; set; }
    }

    public sealed class ManifestArchitecture
    {
        public string? Family { get; set; }
        public int Depth { get; set; }
        public int HiddenSize { get; set; }
        public int NumHeads { get; set; }
        public int PatchSize { get; set; }
        public double MlpRatio { get; set; }
        public string? Block { get; set; }
        public bool LearnSigma { get; set; } = true;
    }

    public sealed class ManifestInput
    {
        public int Size { get; set; }
        public int Channels { get; set; }
        public string Space { get; set; } = InputSpaces.Pixel;
    }

    public sealed class ManifestOutput
    {
        public int Width { get; set; }
        public int Height { get; set; }
        public int Channels { get; set; }
        public string ColorSpace { get; set; } = ColorSpaces.Srgb;
    }

    public sealed class ManifestLatent
    {
        public double Scale { get; set; }
        public int Downsample { get; set; }
        public string Decoder { get; set; } = "";
        public string? DecoderSha256 { get; set; }
        /// <summary>Latent rows/columns shared by neighbouring tiles when a tile decoder is used (default tileSize / 4).</summary>
        public int? TileOverlap { get; set; }
    }

    public sealed class ManifestClasses
    {
        public int Count { get; set; }
        /// <summary>The unconditional class (= Count), or null for a model trained without label dropout (no guidance).</summary>
        public int? NullClass { get; set; }
        public List<string> Names { get; set; } = new List<string>();
        public Dictionary<string, int>? Synonyms { get; set; }
    }

    public sealed class ManifestSchedule
    {
        public string Kind { get; set; } = ScheduleKinds.Linear;
        public int Timesteps { get; set; }
        public List<double>? Betas { get; set; }
    }

    /// <summary>How the package is sampled (absent in packages written before it existed: the defaults of their space).</summary>
    public sealed class ManifestSampling
    {
        /// <summary>
        /// Clamp the predicted x₀ to [−1, 1] at every step (ADM's clip_denoised). Null: true for input.space "pixel",
        /// false for "latent" (VAE latents lie well beyond ±1; the official DiT sample.py does not clip them).
        /// </summary>
        public bool? ClipDenoised { get; set; }
    }

    public sealed class ManifestGuidance
    {
        public int GuidedChannels { get; set; }
    }

    public sealed class ManifestGraph
    {
        public string Role { get; set; } = "";
        public string File { get; set; } = "";
        public string Precision { get; set; } = Precisions.Fp32;
        public int Batch { get; set; } = 1;
        public int Opset { get; set; }
        public string Sha256 { get; set; } = "";
        /// <summary>
        /// vae_decoder graphs only: the latent side the graph takes when it is smaller than input.size. Such a tile
        /// decoder is run over overlapping tiles and blended, which bounds the decoder's memory for large outputs.
        /// </summary>
        public int? TileSize { get; set; }
        /// <summary>
        /// vae_decoder graphs only: how its convolutions pad, "zeros" (default, the trained decoder) or "circular"
        /// (wrap-around, for textures that tile seamlessly; such a graph decodes whole latents, no tileSize).
        /// </summary>
        public string Padding { get; set; } = ZeroPadding;

        public const string ZeroPadding = Paddings.Zeros;
        public const string CircularPadding = Paddings.Circular;
    }
}
