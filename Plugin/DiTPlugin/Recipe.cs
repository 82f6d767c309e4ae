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

        private static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = true,
        };

        public string ToJson() => JsonSerializer.Serialize(this, Options);

        public static Recipe FromJson(string json) =>
            JsonSerializer.Deserialize<Recipe>(json, Options) ?? throw new JsonException("The recipe JSON is empty.");

        public override string ToString() =>
            $"class {ClassId} ({ClassName}), seed {Seed}#{ImageIndex}, {Sampler} {Steps} steps, cfg {CfgScale}{(Seamless ? ", seamless" : "")}, model {ModelHash}";
    }
}
