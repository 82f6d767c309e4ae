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

        public override string ToString() => Id + (CommercialUse ? " (commercial use allowed)" : " (no commercial use)");
    }
}
