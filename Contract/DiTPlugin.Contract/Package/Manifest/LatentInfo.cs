using System.Text.Json.Serialization;

namespace DiTPlugin.Contract.Package
{
    /// <summary>latent: how a latent model's samples become images (null for pixel models).</summary>
    public sealed record LatentInfo
    {
        /// <summary>The VAE's scaling factor: the decoder takes latents already divided by it.</summary>
        public double Scale { get; init; }
        /// <summary>Image pixels per latent pixel along each side (8 for the SD VAE).</summary>
        public int Downsample { get; init; }
        /// <summary>The decoder graph's file: one of the vae_decoder graphs (zero-padded), or alone in older packages.</summary>
        public string Decoder { get; init; } = "";
        public string? DecoderSha256 { get; init; }

        /// <summary>Latent pixels shared by neighbouring tiles when a tile decoder is used (null: tileSize / 4).</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public int? TileOverlap { get; init; }
    }
}
