#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
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
                if (File.Exists(c) || File.Exists(Path.Combine(c, "model.json"))) return c;
            throw new FileNotFoundException(
                $"Model package '{path}' was not found; tried {string.Join(", ", tried)}. Put the package folder (or .zip) under Assets/StreamingAssets/ and set its path relative to it.");
        }

        /// <summary>
        /// The package's model.json only (no graph is read or hashed): for listing classes and the licence in editor
        /// UI without loading the model. <see cref="DiT.Load"/> still validates the whole package.
        /// </summary>
        public static ModelManifest ReadManifest(string packagePath)
        {
            if (Directory.Exists(packagePath))
                return ModelManifest.Parse(File.ReadAllText(Path.Combine(packagePath, ModelManifest.ManifestFileName), Encoding.UTF8));
            using var zip = ZipFile.OpenRead(packagePath);
            var entry = zip.Entries.FirstOrDefault(e => e.FullName == ModelManifest.ManifestFileName)
                        ?? zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/" + ModelManifest.ManifestFileName, StringComparison.Ordinal))
                        ?? throw new ModelPackageException(ModelManifest.ManifestFileName, $"missing from the package zip {packagePath}.");
            using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
            return ModelManifest.Parse(reader.ReadToEnd());
        }
    }

    /// <summary>
    /// Loaded models shared by every component and window that asks for the same package and provider: loading a
    /// package (ONNX Runtime sessions) is slow and a DiT may be shared between threads. Reference-counted.
    /// </summary>
    public static class ModelCache
    {
        private static readonly object Gate = new object();
        private static readonly Dictionary<string, (DiT Model, int Refs)> Models = new Dictionary<string, (DiT, int)>();

        private static string Key(string fullPath, DiTOptions options) => $"{fullPath}|{options.ExecutionProvider}|{options.DeviceId}|{options.PreferFp16}";

        /// <summary>The model for the package at <paramref name="fullPath"/>; call <see cref="Release"/> when done.</summary>
        public static DiT Acquire(string fullPath, DiTOptions options)
        {
            if (options is null) throw new ArgumentNullException(nameof(options));
            string full = Path.GetFullPath(fullPath);
            string trimmed = full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            string key = Key(trimmed.Length > 0 ? trimmed : full, options);
            lock (Gate)
            {
                if (Models.TryGetValue(key, out var e))
                {
                    Models[key] = (e.Model, e.Refs + 1);
                    return e.Model;
                }
                var dit = DiT.Load(fullPath, options);
                Models[key] = (dit, 1);
                return dit;
            }
        }

        /// <summary>Drops one reference; the model is disposed when none is left.</summary>
        public static void Release(DiT? model)
        {
            if (model is null) return;
            lock (Gate)
            {
                foreach (var kv in Models)
                {
                    if (!ReferenceEquals(kv.Value.Model, model)) continue;
                    if (kv.Value.Refs > 1) Models[kv.Key] = (model, kv.Value.Refs - 1);
                    else
                    {
                        Models.Remove(kv.Key);
                        model.Dispose();
                    }
                    return;
                }
            }
        }

        /// <summary>Number of models loaded now.</summary>
        public static int Count { get { lock (Gate) return Models.Count; } }
    }
}
