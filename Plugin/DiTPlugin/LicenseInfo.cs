namespace DiTPlugin
{
    /// <summary>The model's license, from the manifest.</summary>
    public sealed class LicenseInfo
    {
        public string Id { get; }
        public bool CommercialUse { get; }
        public string? Text { get; }
        public string? Attribution { get; }

        public LicenseInfo(string id, bool commercialUse, string? text, string? attribution)
        {
            Id = id;
            CommercialUse = commercialUse;
            Text = text;
            Attribution = attribution;
        }

        /// <summary>
        /// A warning to show wherever the model is picked or its output saved (the editor window, build logs), or
        /// null when the licence allows commercial use. Imported official DiT weights are CC-BY-NC-4.0.
        /// </summary>
        public string? CommercialUseWarning => CommercialUse ? null
            : $"The model's licence ({Id}) does not allow commercial use: do not ship it, or textures generated with it, in a commercial product.";

        public override string ToString() => Id + (CommercialUse ? " (commercial use allowed)" : " (no commercial use)");
    }
}
