using System.Collections.Generic;
using DiTPlugin.Contract.Package;

namespace DiTPlugin.Runtime
{
    /// <summary>
    /// model.json as the Plugin reads it: the Contract's strict reader and rules (<see cref="ModelManifest.Parse(byte[], RepeatedClassName?)"/>),
    /// plus the one rule only the Plugin can judge (it holds the ImageNet list), with its findings reported as
    /// <see cref="ModelPackageException"/>.
    /// </summary>
    internal static class ManifestReading
    {
        public static ModelManifest Parse(byte[] utf8)
        {
            try { return ModelManifest.Parse(utf8, ImageNetRepeat); }
            catch (PackageFormatException e) { throw ModelPackageException.From(e); }
        }

        public static ModelManifest Parse(string json)
        {
            try { return ModelManifest.Parse(json, ImageNetRepeat); }
            catch (PackageFormatException e) { throw ModelPackageException.From(e); }
        }

        // ImageNet itself names two classes "crane" (134 the bird, 517 the machine); the resolver reports such a pair
        // as alternatives. Any other repeated name would leave a class reachable by id only.
        private static bool ImageNetRepeat(IReadOnlyList<string> names, int first, int repeat) =>
            ModelClassList.IsImageNet(names) && IsImageNetName(first, names[first]) && IsImageNetName(repeat, names[repeat]);

        private static bool IsImageNetName(int id, string name) =>
            ClassText.Normalize(ImageNetClasses.All[id].Name) == ClassText.Normalize(name);
    }
}
