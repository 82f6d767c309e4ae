using DiTPlugin.Contract.Package;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// model.json as the Plugin reads it: the Contract's strict reader and rules (<see cref="ModelManifest.Parse(byte[])"/>),
    /// with its findings reported as <see cref="ModelPackageException"/>.
    /// </summary>
    internal static class ManifestReading
    {
        public static ModelManifest Parse(byte[] utf8)
        {
            try { return ModelManifest.Parse(utf8); }
            catch (PackageFormatException e) { throw ModelPackageException.From(e); }
        }

        public static ModelManifest Parse(string json)
        {
            try { return ModelManifest.Parse(json); }
            catch (PackageFormatException e) { throw ModelPackageException.From(e); }
        }
    }
}
