#nullable enable
using System;
using UnityEditor;
using UnityEngine;

namespace DiTPlugin.TextureGen.Editor
{
    /// <summary>The component's inspector: the default fields, a class search over the model's classes, and Generate / Cancel in play mode.</summary>
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

            if (Application.isPlaying)
            {
                EditorGUILayout.BeginHorizontal();
                if (GUILayout.Button(g.IsGenerating ? "Restart" : "Generate")) g.Generate();
                GUI.enabled = g.IsGenerating;
                if (GUILayout.Button("Cancel")) g.Cancel();
                GUI.enabled = true;
                EditorGUILayout.EndHorizontal();
                if (g.IsGenerating)
                {
                    EditorGUILayout.LabelField("Progress", $"{g.Progress:P0}");
                    Repaint();
                }
                if (g.Texture != null)
                {
                    var rect = GUILayoutUtility.GetRect(128, 128, GUILayout.ExpandWidth(false));
                    EditorGUI.DrawPreviewTexture(rect, g.Texture);
                }
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
