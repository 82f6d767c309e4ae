using System.Text.Json.Serialization;

namespace DiTPlugin.Contract.Package
{
    /// <summary>input: what the DiT graph denoises, [C, S, S] per image.</summary>
    public sealed record InputInfo
    {
        /// <summary>S, the side in pixels (latent pixels for a latent model).</summary>
        public int Size { get; init; }
        /// <summary>C.</summary>
        public int Channels { get; init; }

        /// <summary>Pixels, or VAE latents decoded by a vae_decoder graph.</summary>
        [JsonIgnore]
        public InputSpace Space { get => InputSpaces.Parse(SpaceWord); init => SpaceWord = value.ToJson(); }

        // The word as written ("pixel" when absent). Kept as text so that a word outside the format's list reaches
        // validation, which names it and the valid words in its place among the other checks.
        [JsonInclude, JsonPropertyName("space")]
        internal string? SpaceWord { get; init; } = InputSpaces.Pixel;
    }
}
