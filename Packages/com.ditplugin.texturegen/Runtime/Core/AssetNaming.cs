#nullable enable
using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace DiTPlugin.TextureGen
{
    /// <summary>
    /// File names for saved textures that Unity imports cleanly and that sort and read well:
    /// <c>Assets/Generated/DiT/golden_retriever_42.png</c>: lower-case ASCII, words joined by '_', the seed (and the
    /// image index when not 0, and "_tile" for seamless textures), then "_2", "_3"… when the name is taken.
    /// </summary>
    public static class AssetNaming
    {
        public const string DefaultFolder = "Assets/Generated/DiT";
        public const int MaxSlugLength = 48;

        /// <summary>The class name as a file-name part: lower-case letters and digits joined by '_' ("T-shirt/top" → "t_shirt_top").</summary>
        public static string Slug(string? className, int classId)
        {
            var sb = new StringBuilder();
            foreach (char ch in (className ?? "").Normalize(NormalizationForm.FormD))
            {
                if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark) continue;   // é → e
                char c = char.ToLowerInvariant(ch);
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) sb.Append(c);
                else if (sb.Length > 0 && sb[sb.Length - 1] != '_') sb.Append('_');
                if (sb.Length >= MaxSlugLength) break;
            }
            string slug = sb.ToString().Trim('_');
            return slug.Length > 0 ? slug : "class_" + classId.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>The file name without extension or uniqueness suffix: <c>&lt;class&gt;_&lt;seed&gt;[_i&lt;index&gt;][_tile]</c>.</summary>
        public static string Stem(Recipe recipe)
        {
            if (recipe is null) throw new ArgumentNullException(nameof(recipe));
            var s = Slug(recipe.ClassName, recipe.ClassId) + "_" + recipe.Seed.ToString(CultureInfo.InvariantCulture);
            if (recipe.ImageIndex != 0) s += "_i" + recipe.ImageIndex.ToString(CultureInfo.InvariantCulture);
            if (recipe.Seamless) s += "_tile";
            return s;
        }

        /// <summary>
        /// A free asset path "&lt;folder&gt;/&lt;stem&gt;.png" (then _2, _3…) where neither the PNG nor its recipe sidecar exist
        /// according to <paramref name="exists"/> (which gets asset paths).
        /// </summary>
        public static string UniqueTexturePath(string folder, Recipe recipe, Func<string, bool> exists)
        {
            if (exists is null) throw new ArgumentNullException(nameof(exists));
            string dir = NormalizeFolder(folder);
            string stem = Stem(recipe);
            for (int n = 1; ; n++)
            {
                string path = dir + "/" + stem + (n == 1 ? "" : "_" + n.ToString(CultureInfo.InvariantCulture)) + ".png";
                if (!exists(path) && !exists(RecipeFile.SidecarPath(path))) return path;
                if (n > 100000) throw new IOException($"No free file name for '{stem}' in {dir}.");
            }
        }

        /// <summary>
        /// A Unity asset folder: forward slashes, no trailing slash, and "Assets" or under it (Unity imports only there).
        /// </summary>
        public static string NormalizeFolder(string? folder)
        {
            string f = (folder ?? "").Trim().Replace('\\', '/').TrimEnd('/');
            if (f.Length == 0) f = DefaultFolder;
            if (f != "Assets" && !f.StartsWith("Assets/", StringComparison.Ordinal))
                throw new ArgumentException($"'{folder}' is not an asset folder: give a path under Assets/, such as {DefaultFolder}.", nameof(folder));
            foreach (var part in f.Split('/'))
                if (part.Length == 0 || part == "." || part == ".." || part.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
                    throw new ArgumentException($"'{folder}' has an invalid folder name '{part}'.", nameof(folder));
            return f;
        }

        /// <summary>An asset path ("Assets/…") as a file path under the project root (the folder that holds Assets/).</summary>
        public static string ToFullPath(string projectRoot, string assetPath) =>
            Path.GetFullPath(Path.Combine(projectRoot, assetPath.Replace('/', Path.DirectorySeparatorChar)));
    }
}
