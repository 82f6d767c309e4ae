namespace DiTPlugin.Runtime
{
    /// <summary>
    /// The byte limits one package read enforces: <see cref="PackageLimits"/>' values, which tests lower to reach the
    /// graph and package caps without writing gigabytes.
    /// </summary>
    internal sealed class ReadLimits
    {
        public long ManifestBytes { get; set; } = PackageLimits.MaxManifestBytes;
        public long GraphBytes { get; set; } = PackageLimits.MaxGraphBytes;
        public long PackageBytes { get; set; } = PackageLimits.MaxPackageBytes;
        public long ZipFileBytes { get; set; } = PackageLimits.MaxZipFileBytes;
        public int ZipEntries { get; set; } = PackageLimits.MaxZipEntries;
        public long ZipDirectoryBytes { get; set; } = PackageLimits.MaxZipDirectoryBytes;

        public static readonly ReadLimits Default = new ReadLimits();
    }
}
