#nullable enable
using System;
using DiTPlugin.Contract.Classes;
using UnityEditor;
using UnityEngine;

namespace DiTPlugin.TextureGen.Editor
{
    /// <summary>
    /// The component's inspector: the default fields, a class search over the model's classes, Generate / Cancel in play
    /// mode, and in edit mode Generate and apply (saved as an asset, set on the material with Undo), with load progress.
    /// </summary>
    [CustomEditor(typeof(DiTTextureGenerator))]
    public sealed class DiTTextureGeneratorEditor : UnityEditor.Editor
    {
        private ClassCatalog? _search;
        private string? _searchFor;
        private string? _error;

        public override void OnInspectorGUI()
        {
            DrawDefaultInspector();
            var g = (DiTTextureGenerator)target;

            EditorGUILayout.Space();
            EditorGUILayout.LabelField("Class search", EditorStyles.boldLabel);
            var search = GetSearch(g);
            if (search == null)
            {
                if (_error != null) EditorGUILayout.HelpBox(_error, MessageType.Info);
            }
            else
            {
                foreach (var m in search.Search(g.ClassName, 6))
                {
                    string label = m.MatchedTerm == m.Name ? $"{m.Id}: {m.Name}" : $"{m.Id}: {m.Name}  ({m.MatchedTerm})";
                    if (GUILayout.Button(label, EditorStyles.miniButton))
                    {
                        Undo.RecordObject(g, "Pick DiT class");
                        g.ClassName = m.Name;
                        EditorUtility.SetDirty(g);
                    }
                }
            }

            EditorGUILayout.Space();
            bool busy = g.IsGenerating;
            EditorGUILayout.BeginHorizontal();
            string action = Application.isPlaying ? (busy ? "Restart" : "Generate") : "Generate and apply";
            if (GUILayout.Button(new GUIContent(action, Application.isPlaying ? "Generate into the component's texture."
                    : "Edit mode: generate, save as a texture asset with its recipe, and set it on the renderer's material (Undo-able).")))
                DiTEditModeGeneration.Start(g);
            GUI.enabled = busy;
            if (GUILayout.Button("Cancel")) DiTEditModeGeneration.Cancel(g);
            GUI.enabled = true;
            EditorGUILayout.EndHorizontal();
            if (g.IsLoading)
            {
                var p = g.LoadProgress;
                var bar = GUILayoutUtility.GetRect(18, 18, GUILayout.ExpandWidth(true));
                EditorGUI.ProgressBar(bar, (float)(p?.Fraction ?? 0), "Loading model: " + (p?.Stage ?? "starting"));
                Repaint();
            }
            else if (busy)
            {
                var bar = GUILayoutUtility.GetRect(18, 18, GUILayout.ExpandWidth(true));
                EditorGUI.ProgressBar(bar, g.Progress, $"Generating {g.Progress:P0}");
                Repaint();
            }
            if (g.LastError != null) EditorGUILayout.HelpBox(g.LastError.Message, MessageType.Error);
            if (g.Texture != null)
            {
                var rect = GUILayoutUtility.GetRect(128, 128, GUILayout.ExpandWidth(false));
                EditorGUI.DrawPreviewTexture(rect, g.Texture);
            }
        }

        /// <summary>The model's class search, read from the package's model.json once per package path.</summary>
        private ClassCatalog? GetSearch(DiTTextureGenerator g)
        {
            try
            {
                var settings = g.Settings != null ? g.Settings : DiTSettings.LoadOrDefault();
                string path = settings.ResolveModelPath(g.ModelPackage);
                if (_search != null && _searchFor == path) return _search;
                var manifest = ModelLocator.ReadManifest(path);
                _search = new ClassCatalog(manifest.Classes.Names, manifest.Classes.Synonyms);
                _searchFor = path;
                _error = null;
            }
            catch (Exception e)
            {
                _search = null;
                _searchFor = null;
                _error = e.Message;
            }
            return _search;
        }
    }
}
