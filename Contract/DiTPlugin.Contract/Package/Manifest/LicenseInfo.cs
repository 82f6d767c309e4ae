using System.Text.Json.Serialization;

namespace DiTPlugin.Contract.Package
{
    /// <summary>
    /// license: the licence of the weights (of all of them: for imported DiT + VAE packages <see cref="Text"/> names
    /// each part's). A licence without commercial use must be shown wherever the model is picked or its output saved.
    /// </summary>
    public sealed record LicenseInfo
    {
        /// <summary>An SPDX id, or "unspecified"; required.</summary>
        public string Id { get; init; } = "";
        public bool CommercialUse { get; init; }
        public string? Text { get; init; }
        public string? Attribution { get; init; }

        /// <summary>
        /// A warning to show wherever the model is picked or its output saved (the editor window, build logs), or
        /// null when the licence allows commercial use. Imported official DiT weights are CC-BY-NC-4.0.
        /// </summary>
        [JsonIgnore]
        public string? CommercialUseWarning => CommercialUse ? null
            : $"The model's licence ({Id}) does not allow commercial use: do not ship it, or textures generated with it, in a commercial product.";

        public override string ToString() => Id + (CommercialUse ? " (commercial use allowed)" : " (no commercial use)");
    }
}
