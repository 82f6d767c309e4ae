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
