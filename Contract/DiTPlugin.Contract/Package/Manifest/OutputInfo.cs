using System.Text.Json.Serialization;

namespace DiTPlugin.Contract.Package
{
    /// <summary>output: the image a generation gives (a latent model's decoded size).</summary>
    public sealed record OutputInfo
    {
        public int Width { get; init; }
        public int Height { get; init; }
        /// <summary>1, 3 or 4.</summary>
        public int Channels { get; init; }

        /// <summary>How model values map to pixel values.</summary>
        [JsonIgnore]
        public ColorSpace ColorSpace { get => ColorSpaces.Parse(ColorSpaceWord); init => ColorSpaceWord = value.ToJson(); }

        // The word as written ("sRGB" when absent), for validation to name (see InputInfo.SpaceWord).
        [JsonInclude, JsonPropertyName("colorSpace")]
        internal string? ColorSpaceWord { get; init; } = ColorSpaces.Srgb;
    }
}
