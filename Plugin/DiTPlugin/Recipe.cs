using System.Text.Json;
using System.Text.Json.Serialization;

namespace DiTPlugin
{
    /// <summary>Everything that determines one generated image; the same recipe gives the same pixels.</summary>
    public sealed class Recipe
    {
        /// <summary>The model package's contentHash.</summary>
        public string ModelHash { get; set; } = "";
        public int ClassId { get; set; }
        public string ClassName { get; set; } = "";
        public ulong Seed { get; set; }
        /// <summary>The image's noise stream index under the seed.</summary>
        public uint ImageIndex { get; set; }
        public int Steps { get; set; }
        [JsonConverter(typeof(JsonStringEnumConverter))]
        public SamplerKind Sampler { get; set; }
        public float CfgScale { get; set; }
        /// <summary>Generated to tile seamlessly (absent in recipes written before it existed: false).</summary>
        public bool Seamless { get; set; }
        /// <summary>The clip_denoised override it was sampled with; null = the package's default (as in older recipes).</summary>
        public bool? ClipDenoised { get; set; }
        /// <summary>
        /// True when the noise came from the caller (GenerationOptions.InitialNoise / StepNoise) instead of (Seed,
        /// ImageIndex): then this recipe alone cannot reproduce the image.
        /// </summary>
        public bool ExternalNoise { get; set; }
        /// <summary>The sha256 of the texture the image started from (GenerationOptions.InitImage); null when none.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? InitImageSha256 { get; set; }
        /// <summary>The strength it was varied with; null when it did not start from a texture.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public float? Strength { get; set; }
        /// <summary>The sha256 of the inpainting mask (<see cref="MaskHash"/>); null when none.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? MaskSha256 { get; set; }
        /// <summary>The inpainting's resampling count (GenerationOptions.Resampling); null when 1.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? Resampling { get; set; }
        /// <summary>The length of its resampling jumps (GenerationOptions.ResamplingJump); null when 1.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? ResamplingJump { get; set; }
        /// <summary>Whether the package's upscaler enlarged the image (GenerationOptions.Upscale); null when not.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public bool? Upscale { get; set; }
        /// <summary>The class guidance moved away from (negative guidance); null for plain classifier-free guidance.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? NegativeClassId { get; set; }
        /// <summary>The class mixed in (class mixing) and its weight; null when none.</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? MixClassId { get; set; }
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public float? Mix { get; set; }

        /// <summary>sha256 of a mask's float32 values, little-endian.</summary>
        public static string MaskHash(float[] mask)
        {
            var bytes = new byte[mask.Length * 4];
            for (int i = 0; i < mask.Length; i++)
            {
                int bits = System.BitConverter.SingleToInt32Bits(mask[i]);
                bytes[4 * i] = (byte)bits; bytes[4 * i + 1] = (byte)(bits >> 8); bytes[4 * i + 2] = (byte)(bits >> 16); bytes[4 * i + 3] = (byte)(bits >> 24);
            }
            using var sha = System.Security.Cryptography.SHA256.Create();
            return SourceImage.Hex(sha.ComputeHash(bytes));
        }

        private static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = true,
        };

        public string ToJson() => JsonSerializer.Serialize(this, Options);

        public static Recipe FromJson(string json) =>
            JsonSerializer.Deserialize<Recipe>(json, Options) ?? throw new JsonException("The recipe JSON is empty.");

        public override string ToString() =>
            $"class {ClassId} ({ClassName}), seed {Seed}#{ImageIndex}, {Sampler} {Steps} steps, cfg {CfgScale}{(Seamless ? ", seamless" : "")}{(ClipDenoised is bool c ? (c ? ", clipped x0" : ", unclipped x0") : "")}{(ExternalNoise ? ", external noise" : "")}, model {ModelHash}";
    }
}
