#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using DiTPlugin.Contract.Package;
using DiTPlugin.Runtime;

namespace DiTPlugin.TextureGen
{
    /// <summary>
    /// Finds a model package (folder or .zip) from a path as written in settings or on a component: absolute, or
    /// relative to StreamingAssets (where builds ship it), or to the project root ("Assets/…", "models/…").
    /// </summary>
    public static class ModelLocator
    {
        /// <summary>The candidate full paths, in the order tried.</summary>
        public static IReadOnlyList<string> Candidates(string path, string? streamingAssetsPath, string? projectRoot)
        {
            if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("No model package path is set.", nameof(path));
            string p = path.Trim();
            if (Path.IsPathRooted(p)) return new[] { Path.GetFullPath(p) };
            var list = new List<string>();
            const string prefix = "StreamingAssets/";
            string rel = p.Replace('\\', '/');
            if (streamingAssetsPath != null)
                list.Add(Path.GetFullPath(Path.Combine(streamingAssetsPath, rel.StartsWith(prefix, StringComparison.Ordinal) ? rel.Substring(prefix.Length) : rel)));
            if (projectRoot != null) list.Add(Path.GetFullPath(Path.Combine(projectRoot, rel)));
            return list;
        }

        /// <summary>The first candidate that exists (a folder with model.json, or a file); throws with every place tried.</summary>
        public static string Resolve(string path, string? streamingAssetsPath, string? projectRoot)
        {
            var tried = Candidates(path, streamingAssetsPath, projectRoot);
            foreach (var c in tried)
                if (File.Exists(c) || File.Exists(Path.Combine(c, ModelManifest.ManifestFileName))) return c;
            throw new FileNotFoundException(
                $"Model package '{path}' was not found; tried {string.Join(", ", tried)}. Put the package folder (or .zip) under Assets/StreamingAssets/ and set its path relative to it.");
        }

        /// <summary>
        /// The package's model.json only (no graph is read or hashed): for listing classes and the licence in editor
        /// UI without loading the model. Read by the Plugin under the same rules and limits as <see cref="DiT.Load"/>
        /// (size caps, regular files only, no duplicate zip entries or keys), so the editor never shows a licence the
        /// Plugin would not load; <see cref="DiT.Load"/> still validates the whole package.
        /// </summary>
        public static ModelManifest ReadManifest(string packagePath) => ModelPackage.ReadManifest(packagePath);
    }
}
