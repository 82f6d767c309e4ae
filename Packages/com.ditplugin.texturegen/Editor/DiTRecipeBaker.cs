#nullable enable
using System;
using System.IO;
using System.Linq;
using UnityEditor;
using UnityEngine;

namespace DiTPlugin.TextureGen.Editor
{
    /// <summary>
    /// Regenerates every texture from its recipe sidecar (*.recipe.json) under a folder: for projects that keep only
    /// recipes in version control and bake the PNGs on a build machine, e.g.
    /// <c>Unity -batchmode -quit -executeMethod DiTPlugin.TextureGen.Editor.DiTRecipeBaker.BakeAll</c>.
    /// </summary>
    public static class DiTRecipeBaker
    {
        [MenuItem("Window/DiT/Regenerate All Recipes")]
        public static void BakeAllMenu()
        {
            int n = Bake("Assets", interactive: true);
            EditorUtility.DisplayDialog("DiT", $"Regenerated {n} texture(s) from their recipes.", "OK");
        }

        /// <summary>For -executeMethod: every recipe under Assets/, with the project's DiTSettings model; throws on the first error.</summary>
        public static void BakeAll() => Bake("Assets", interactive: false);

        /// <summary>Regenerates the recipes under <paramref name="assetFolder"/>; returns how many.</summary>
        public static int Bake(string assetFolder, bool interactive)
        {
            var settings = DiTSettings.LoadOrDefault();
            string folder = AssetNaming.ToFullPath(DiTEditorUtil.ProjectRoot, AssetNaming.NormalizeFolder(assetFolder));
            var recipes = Directory.Exists(folder)
                ? Directory.GetFiles(folder, "*" + RecipeFile.Extension, SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal).ToArray()
                : Array.Empty<string>();
            if (recipes.Length == 0) return 0;
            var model = ModelCache.Acquire(settings.ResolveModelPath(), settings.CreateOptions());
            int done = 0;
            try
            {
                for (int i = 0; i < recipes.Length; i++)
                {
                    if (interactive && EditorUtility.DisplayCancelableProgressBar("DiT", "Regenerating " + Path.GetFileName(recipes[i]), (float)i / recipes.Length)) break;
                    try
                    {
                        var image = TextureSaving.RegenerateFile(model, recipes[i]);
                        string png = recipes[i].Substring(0, recipes[i].Length - RecipeFile.Extension.Length) + ".png";
                        string? asset = DiTEditorUtil.ToAssetPath(png);
                        if (asset != null) AssetDatabase.ImportAsset(asset, ImportAssetOptions.ForceUpdate);
                        done++;
                    }
                    catch (RecipeFileException e)
                    {
                        if (!interactive) throw;
                        Debug.LogError($"{recipes[i]}: {e.Message}");
                    }
                }
            }
            finally
            {
                if (interactive) EditorUtility.ClearProgressBar();
                ModelCache.Release(model);
            }
            return done;
        }
    }
}
