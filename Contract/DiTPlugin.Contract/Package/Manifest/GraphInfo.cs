using System.Text.Json.Serialization;

namespace DiTPlugin.Contract.Package
{
    /// <summary>One entry of graphs: an ONNX graph file of the package and how to run it.</summary>
    public sealed record GraphInfo
    {
        [JsonIgnore]
        public GraphRole Role { get => GraphRoles.Parse(RoleWord); init => RoleWord = value.ToJson(); }

        // The words as written, for validation to name (see InputInfo.SpaceWord).
        [JsonInclude, JsonPropertyName("role")]
        internal string? RoleWord { get; init; } = "";

        /// <summary>The graph's path inside the package (a plain relative path, <see cref="PackagePath"/>).</summary>
        public string File { get; init; } = "";

        /// <summary>The graph's weights and compute; its inputs and outputs are float32 either way.</summary>
        [JsonIgnore]
        public Precision Precision { get => Precisions.Parse(PrecisionWord); init => PrecisionWord = value.ToJson(); }

        [JsonInclude, JsonPropertyName("precision")]
        internal string? PrecisionWord { get; init; } = Precisions.Fp32;

        /// <summary>B, the graph's static batch.</summary>
        public int Batch { get; init; } = 1;
        public int Opset { get; init; }
        /// <summary>The file's sha256, 64 hexadecimal digits.</summary>
        public string Sha256 { get; init; } = "";

        /// <summary>
        /// The graph's ONNX external data file (weights kept beside the graph, for graphs over protobuf's 2 GB such as
        /// fp32 DiT-XL/2), a package path in the graph's own folder; null for a graph that holds all its tensors. The
        /// graph's tensors may name this file only, and only within its length (docs/model-package.md).
        /// </summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? DataFile { get; init; }

        /// <summary>The data file's sha256 (64 hexadecimal digits); required with <see cref="DataFile"/>, covered by contentHash.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? DataSha256 { get; init; }

        /// <summary>
        /// vae_decoder graphs only: the latent side the graph takes when it is smaller than input.size. Such a tile
        /// decoder is run over overlapping tiles and blended, which bounds the decoder's memory for large outputs.
        /// </summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? TileSize { get; init; }

        /// <summary>
        /// upscaler graphs only: how many times larger each side of its output is than its input (2..8; 4 for the
        /// exporter's upscaler). Required for upscaler graphs.
        /// </summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? Factor { get; init; }

        /// <summary>
        /// vae_decoder graphs only: how its convolutions pad, zeros (the trained decoder) or circular (wrap-around,
        /// for textures that tile seamlessly; such a graph decodes whole latents, no tileSize).
        /// </summary>
        [JsonIgnore]
        public Padding Padding { get => Paddings.Parse(PaddingText); init => PaddingText = value.ToJson(); }

        // The word as read ("zeros" when absent; null when written as null, which validation refuses).
        internal string? PaddingText { get; init; } = Paddings.Zeros;

        // In JSON only when not zeros, the default: packages written before the field existed keep their bytes.
        [JsonInclude, JsonPropertyName("padding"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        internal string? PaddingWord { get => PaddingText == Paddings.Zeros ? null : PaddingText; init => PaddingText = value; }
    }
}
