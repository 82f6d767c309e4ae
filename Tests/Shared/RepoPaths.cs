using System.IO;
using NUnit.Framework;

namespace DiTPlugin.TestSupport;

/// <summary>Finds files committed in the repository, walking up from the test assembly's folder.</summary>
internal static class RepoPaths
{
    public static string Find(string relative, string? howToRegenerate = null)
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate) || Directory.Exists(candidate)) return candidate;
        }
        Assert.Fail($"'{relative}' was not found above {TestContext.CurrentContext.TestDirectory}; is the repository complete?" +
                    (howToRegenerate is null ? "" : " " + howToRegenerate));
        return "";
    }
}
