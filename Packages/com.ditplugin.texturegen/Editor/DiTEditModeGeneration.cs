#nullable enable
using System;
using System.Collections.Generic;
using UnityEditor;
using UnityEngine;

namespace DiTPlugin.TextureGen.Editor
{
    /// <summary>
    /// Generates with a <see cref="DiTTextureGenerator"/> outside play mode: the editor's update loop pumps the
    /// component (its model loads and its denoising runs on worker threads), then the result is saved as a texture
    /// asset with its recipe and set on the renderer's shared material, recorded for Undo. In edit mode a texture
    /// must be an asset: a runtime Texture2D on a material would be lost when the scene is saved.
    /// </summary>
    public static class DiTEditModeGeneration
    {
        private static readonly List<DiTTextureGenerator> Running = new List<DiTTextureGenerator>();

        /// <summary>The component's context menu (the ⋮ menu in its inspector header).</summary>
        [MenuItem("CONTEXT/DiTTextureGenerator/Generate and Apply (edit mode)")]
        private static void FromContextMenu(MenuCommand command)
        {
            if (command.context is DiTTextureGenerator g) Start(g);
        }

        public static bool IsRunning(DiTTextureGenerator g) => Running.Contains(g);

        public static void Start(DiTTextureGenerator g)
        {
            if (Application.isPlaying) { g.Generate(); return; }
            if (!Running.Contains(g)) Running.Add(g);
            if (Running.Count == 1) EditorApplication.update += Pump;
            g.Generate();
        }

        public static void Cancel(DiTTextureGenerator g)
        {
            g.Cancel();
            Running.Remove(g);
        }

        private static void Pump()
        {
            foreach (var g in Running.ToArray())
            {
                if (g == null) { Running.Remove(g!); continue; }
                g.Pump();
                if (g.IsGenerating) continue;
                Running.Remove(g);
                if (g.LastError == null && g.LastImage != null) SaveAndApply(g, g.LastImage);
            }
            if (Running.Count == 0) EditorApplication.update -= Pump;
        }

        private static void SaveAndApply(DiTTextureGenerator g, GeneratedImage image)
        {
            try
            {
                var settings = g.Settings != null ? g.Settings : DiTSettings.LoadOrDefault();
                var saved = TextureSaving.Save(image, DiTEditorUtil.ProjectRoot, settings.OutputFolder, g.Model!);
                DiTEditorUtil.ImportSaved(saved, image.Recipe.Seamless);
                var texture = AssetDatabase.LoadAssetAtPath<Texture2D>(saved.AssetPath);
                var material = g.EffectiveRenderer != null ? g.EffectiveRenderer.sharedMaterial : null;
                if (texture == null || material == null)
                {
                    Debug.Log($"DiT: saved {saved.AssetPath}" + (material == null ? " (no renderer with a material to apply it to)." : "."), g);
                    return;
                }
                string slot = DiTEditorUtil.TextureSlot(material, g.TextureProperty);
                if (!material.HasProperty(slot))
                {
                    Debug.LogWarning($"DiT: saved {saved.AssetPath}; the material '{material.name}' has no texture property '{slot}'.", g);
                    return;
                }
                Undo.RecordObject(material, "Generate DiT texture");
                material.SetTexture(slot, texture);
                EditorUtility.SetDirty(material);
                Debug.Log($"DiT: saved {saved.AssetPath} and set it as {slot} of '{material.name}' (Edit → Undo reverts it).", g);
            }
            catch (Exception e)
            {
                Debug.LogException(e, g);
            }
        }
    }
}
