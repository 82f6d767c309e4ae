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

        /// <summary>
        /// Imports a saved PNG with settings that suit a generated texture, and its recipe sidecar; with
        /// <paramref name="maps"/>, also its height / roughness maps (linear data) and normal map (normal-map type).
        /// </summary>
        public static void ImportSaved(SavedTexture saved, bool seamless, SavedMaps? maps = null)
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
            if (maps == null) return;
            foreach (var (path, type) in new[] { (maps.HeightAssetPath, TextureImporterType.Default), (maps.NormalAssetPath, TextureImporterType.NormalMap),
                         (maps.RoughnessAssetPath, TextureImporterType.Default) })
            {
                AssetDatabase.ImportAsset(path, ImportAssetOptions.ForceUpdate);
                if (!(AssetImporter.GetAtPath(path) is TextureImporter map)) continue;
                map.textureType = type;
                map.sRGBTexture = false;                           // heights, normals and roughness are data, not colour
                map.mipmapEnabled = true;
                map.wrapMode = seamless ? TextureWrapMode.Repeat : TextureWrapMode.Clamp;
                map.SaveAndReimport();
            }
        }

        /// <summary>The texture property to set: <paramref name="wanted"/>, else _BaseMap (URP/HDRP Lit) when the material has it, else _MainTex.</summary>
        public static string TextureSlot(Material material, string? wanted)
        {
            if (!string.IsNullOrWhiteSpace(wanted)) return wanted!.Trim();
            return material.HasProperty("_BaseMap") ? "_BaseMap" : "_MainTex";
        }

        /// <summary>
        /// An image file (PNG or JPG) as RGBA8 rows top to bottom, decoded by Unity from the file itself, so a texture
        /// asset's import settings (compression, size limit) do not change the pixels a generation starts from.
        /// </summary>
        public static (byte[] Rgba8, int Width, int Height) ReadRgba8(string fullPath)
        {
            var tex = new Texture2D(2, 2);
            try
            {
                if (!ImageConversion.LoadImage(tex, File.ReadAllBytes(fullPath)))
                    throw new InvalidDataException($"{fullPath} is not a PNG or JPG image Unity can read.");
                var pixels = tex.GetPixels32();                   // rows bottom to top
                int w = tex.width, h = tex.height;
                var bottomUp = new byte[pixels.Length * 4];
                for (int i = 0; i < pixels.Length; i++)
                {
                    bottomUp[4 * i] = pixels[i].r;
                    bottomUp[4 * i + 1] = pixels[i].g;
                    bottomUp[4 * i + 2] = pixels[i].b;
                    bottomUp[4 * i + 3] = pixels[i].a;
                }
                return (SourceTextures.FromBottomUp(bottomUp, w, h, w, h).Rgba8, w, h);
            }
            finally { UnityEngine.Object.DestroyImmediate(tex); }
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
