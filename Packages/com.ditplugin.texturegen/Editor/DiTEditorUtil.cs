#nullable enable
using System;
using System.IO;
using UnityEditor;
using UnityEngine;

namespace DiTPlugin.TextureGen.Editor
{
    /// <summary>Editor helpers shared by the window, the inspector and the recipe baker.</summary>
    public static class DiTEditorUtil
    {
        /// <summary>The folder that holds Assets/.</summary>
        public static string ProjectRoot => Path.GetDirectoryName(Application.dataPath) ?? ".";

        /// <summary>Imports a saved PNG with settings that suit a generated texture, and its recipe sidecar.</summary>
        public static void ImportSaved(SavedTexture saved, bool seamless)
        {
            string folder = saved.AssetPath.Substring(0, saved.AssetPath.LastIndexOf('/'));
            if (!AssetDatabase.IsValidFolder(folder))
                AssetDatabase.Refresh();                           // a new folder: import it with the files
            else
            {
                AssetDatabase.ImportAsset(saved.AssetPath, ImportAssetOptions.ForceUpdate);
                AssetDatabase.ImportAsset(saved.RecipeAssetPath, ImportAssetOptions.ForceUpdate);
            }
            if (AssetImporter.GetAtPath(saved.AssetPath) is TextureImporter importer)
            {
                importer.textureType = TextureImporterType.Default;
                importer.sRGBTexture = true;                       // the PNG holds sRGB-encoded colour
                importer.mipmapEnabled = true;
                importer.wrapMode = seamless ? TextureWrapMode.Repeat : TextureWrapMode.Clamp;
                importer.SaveAndReimport();
            }
        }

        /// <summary>Asset path ("Assets/…") of a full path inside the project, or null.</summary>
        public static string? ToAssetPath(string fullPath)
        {
            string root = Path.GetFullPath(ProjectRoot).Replace('\\', '/').TrimEnd('/') + "/";
            string full = Path.GetFullPath(fullPath).Replace('\\', '/');
            return full.StartsWith(root, StringComparison.Ordinal) ? full.Substring(root.Length) : null;
        }
    }
}
