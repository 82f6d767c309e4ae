using System.IO;
using System.Linq;

namespace DiTPlugin.Samples
{
    /// <summary>Files the samples share: the shipped default model, and class names made safe for file names.</summary>
    internal static class SampleFiles
    {
        /// <summary>
        /// models/freedoom-textures/package (BSD-3-Clause data: textures made with it may ship in commercial games),
        /// found by walking up from the working directory, so that `dotnet run` works from anywhere in the repository.
        /// </summary>
        public static string FindDefaultModel()
        {
            for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "models", "freedoom-textures", "package");
                if (File.Exists(Path.Combine(candidate, "model.json"))) return candidate;
            }
            throw new DirectoryNotFoundException("The default model (models/freedoom-textures/package) was not found above the working directory; give --model PACKAGE.");
        }

        /// <summary>Letters, digits and '-' kept; everything else becomes '_'.</summary>
        public static string SafeName(string s) => string.Concat(s.Select(ch => char.IsLetterOrDigit(ch) || ch == '-' ? ch : '_'));
    }
}
