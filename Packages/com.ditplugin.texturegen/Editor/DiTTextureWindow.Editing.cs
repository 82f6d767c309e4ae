#nullable enable
using System;
using System.Collections.Generic;
using System.Linq;
using UnityEditor;
using UnityEngine;

namespace DiTPlugin.TextureGen.Editor
{
    /// <summary>
    /// The window's editing tools: variations of a selected texture (SDEdit at a strength), a mask brushed over the
    /// texture and inpainted (with RePaint resampling), "Make seamless" (seam repair), and guidance away from a negative
    /// class or towards a mixed-in one. Every result's recipe records these; saving writes the mask PNG beside it and
    /// the texture's asset path into the sidecar, so "Regenerate from recipe…" makes the same pixels again.
    /// </summary>
    public sealed partial class DiTTextureWindow
    {
        [SerializeField] private Texture2D? sourceTexture;
        [SerializeField] private float strength = 0.5f;
        [SerializeField] private bool paintMask;
        [SerializeField] private float brushRadius = 3f;
        [SerializeField] private int resampling = 1;
        [SerializeField] private int resamplingJump = 1;
        [SerializeField] private float seamBand = 0.125f;
        [SerializeField] private string negativeQuery = "";
        [SerializeField] private string mixQuery = "";
        [SerializeField] private float mixWeight = 0.5f;

        private SourceImage? _source;                              // sourceTexture fitted to the model's output size
        private string? _sourceAssetPath;
        private MaskBrush? _brush;
        private Texture2D? _maskPreview;
        // What results were made from, by the hashes their recipes carry, for saving them with their inputs.
        private readonly Dictionary<string, string?> _sourcePaths = new Dictionary<string, string?>();
        private readonly Dictionary<string, float[]> _masks = new Dictionary<string, float[]>();

        // ---- negative and mixed-in classes ------------------------------------------------------------------------

        private void GuidanceSection(DiT model)
        {
            EditorGUILayout.Space();
            EditorGUILayout.LabelField("Guidance", EditorStyles.boldLabel);
            if (model.SupportsNegativeGuidance)
            {
                negativeQuery = EditorGUILayout.TextField(new GUIContent("Away from", "A class to guide away from (negative guidance); empty: none."), negativeQuery);
                ShowResolved(negativeQuery);
            }
            if (model.SupportsClassMixing)
            {
                mixQuery = EditorGUILayout.TextField(new GUIContent("Mix with", "A second class whose label embedding is blended in; empty: none."), mixQuery);
                ShowResolved(mixQuery);
                if (!string.IsNullOrWhiteSpace(mixQuery)) mixWeight = EditorGUILayout.Slider(new GUIContent("Mix", "0: the selected class, 1: the mixed-in class."), mixWeight, 0f, 1f);
            }
            if (!model.SupportsNegativeGuidance || !model.SupportsClassMixing)
                EditorGUILayout.HelpBox("This package predates negative guidance and class mixing: `dit upgrade --package <folder>` adds them.", MessageType.None);
        }

        private void ShowResolved(string query)
        {
            if (string.IsNullOrWhiteSpace(query)) return;
            var id = Resolve(query);
            EditorGUILayout.LabelField(" ", id is int c ? $"→ {c}: {_model!.Classes[c]}" : $"no class matches '{query}'");
        }

        /// <summary>The best match of a class search, or null.</summary>
        private int? Resolve(string query)
        {
            if (string.IsNullOrWhiteSpace(query) || _search == null) return null;
            var matches = _search.Search(query, 1);
            return matches.Count > 0 ? matches[0].Id : (int?)null;
        }

        private void ApplyGuidance(GenerationOptions o)
        {
            var model = _model!;
            if (model.SupportsNegativeGuidance && Resolve(negativeQuery) is int negative) o.NegativeClassId = negative;
            if (model.SupportsClassMixing && Resolve(mixQuery) is int mix)
            {
                o.MixClassId = mix;
                o.Mix = mixWeight;
            }
        }

        // ---- starting from a texture ------------------------------------------------------------------------------

        private void EditSection(DiT model)
        {
            EditorGUILayout.Space();
            EditorGUILayout.LabelField("Start from a texture", EditorStyles.boldLabel);
            if (!model.SupportsInitImage)
            {
                EditorGUILayout.HelpBox("This latent package has no VAE encoder, so it cannot start from a texture: export it again with `dit export --vae ...`.", MessageType.Info);
                return;
            }
            var picked = (Texture2D?)EditorGUILayout.ObjectField("Texture", sourceTexture, typeof(Texture2D), false);
            if (picked != sourceTexture || (picked != null && _source == null)) LoadSource(model, picked);
            bool busy = _runner != null;
            EditorGUILayout.BeginHorizontal();
            GUI.enabled = !busy;
            if (GUILayout.Button(new GUIContent("Use selected texture", "The texture selected in the Project window.")))
                LoadSource(model, Selection.activeObject as Texture2D);
            GUI.enabled = true;
            EditorGUILayout.EndHorizontal();
            if (_source == null) return;

            strength = EditorGUILayout.Slider(new GUIContent("Strength", "How far variations move from the texture: 0 keeps it, 1 ignores it."), strength, 0f, 1f);
            GUI.enabled = !busy;
            if (GUILayout.Button($"Variations of selected texture ({variations})"))
                Enqueue(Enumerable.Range(0, variations).Select(k => EditOptions(seed + k, strength, null)));
            GUI.enabled = true;

            EditorGUILayout.Space();
            paintMask = EditorGUILayout.Toggle(new GUIContent("Paint mask", "Drag over the texture below to mark what to regenerate (shift-drag erases)."), paintMask);
            if (paintMask)
            {
                brushRadius = EditorGUILayout.Slider("Brush radius (px)", brushRadius, 0.5f, Math.Max(1f, _source.Width / 4f));
                resampling = EditorGUILayout.IntSlider(new GUIContent("Resampling", "RePaint: take each step this many times so the new part fits the kept part (costs as many steps)."), resampling, 1, 10);
                if (resampling > 1) resamplingJump = EditorGUILayout.IntSlider(new GUIContent("Jump", "Steps RePaint goes back at a time."), resamplingJump, 1, Math.Max(1, steps / 2));
                MaskCanvas();
                EditorGUILayout.BeginHorizontal();
                GUI.enabled = !busy && _brush != null && !_brush.IsEmpty;
                if (GUILayout.Button("Inpaint mask")) Enqueue(new[] { EditOptions(seed, 1f, (float[])_brush!.Values.Clone()) });
                GUI.enabled = _brush != null && !_brush.IsEmpty;
                if (GUILayout.Button("Clear mask", GUILayout.Width(90)))
                {
                    _brush!.Clear();
                    RefreshMaskPreview();
                }
                GUI.enabled = true;
                EditorGUILayout.EndHorizontal();
            }

            EditorGUILayout.Space();
            seamBand = EditorGUILayout.Slider(new GUIContent("Seam band", "The share of each side regenerated along the wrap edges."), seamBand, 0.05f, 0.45f);
            GUI.enabled = !busy;
            if (GUILayout.Button(new GUIContent("Make seamless", "Repaint a band along the wrap edges so the texture tiles; the inside is kept.")))
            {
                var o = DiT.SeamRepairOptions(_source, Options(classId, seed), seamBand);
                Remember(_source, _sourceAssetPath, o.Mask);
                Enqueue(new[] { o });
            }
            GUI.enabled = true;
        }

        /// <summary>Options that start from the loaded texture at <paramref name="s"/>, with a mask when inpainting.</summary>
        private GenerationOptions EditOptions(long s, float edit, float[]? mask)
        {
            var o = Options(classId, s);
            o.InitImage = _source;
            o.Strength = edit;
            o.Mask = mask;
            if (mask != null)
            {
                o.Resampling = resampling;
                o.ResamplingJump = resampling > 1 ? resamplingJump : 1;
            }
            Remember(_source!, _sourceAssetPath, mask);
            return o;
        }

        /// <summary>Notes which asset and mask results with these hashes were made from (for Save).</summary>
        private void Remember(SourceImage source, string? assetPath, float[]? mask)
        {
            _sourcePaths[source.Sha256] = assetPath;
            if (mask != null) _masks[Recipe.MaskHash(mask)] = (float[])mask.Clone();
        }

        /// <summary>The source asset path and mask a result was made from, for its sidecar (nulls for plain generations).</summary>
        private (string? Source, float[]? Mask) EditInputsOf(GeneratedImage image)
        {
            var r = image.Recipe;
            string? source = r.InitImageSha256 != null && _sourcePaths.TryGetValue(r.InitImageSha256, out var p) ? p : null;
            float[]? mask = r.MaskSha256 != null && _masks.TryGetValue(r.MaskSha256, out var m) ? m : null;
            return (source, mask);
        }

        /// <summary>Reads the texture's file (not the imported asset) and fits it to the model's output size.</summary>
        private void LoadSource(DiT model, Texture2D? texture)
        {
            sourceTexture = texture;
            _source = null;
            _sourceAssetPath = null;
            _brush = null;
            if (texture == null) return;
            try
            {
                string assetPath = AssetDatabase.GetAssetPath(texture);
                if (string.IsNullOrEmpty(assetPath)) throw new InvalidOperationException($"'{texture.name}' is not a texture asset of the project.");
                var (rgba, w, h) = DiTEditorUtil.ReadRgba8(AssetNaming.ToFullPath(DiTEditorUtil.ProjectRoot, assetPath));
                var o = model.Manifest.Output;
                _source = new SourceImage(SourceTextures.Fit(rgba, w, h, o.Width, o.Height), o.Width, o.Height);
                _sourceAssetPath = assetPath;
                _brush = new MaskBrush(o.Width, o.Height);
                RefreshMaskPreview();
                _status = w == o.Width && h == o.Height ? null : $"{assetPath} is {w}x{h}; it is averaged down to the model's {o.Width}x{o.Height}.";
            }
            catch (Exception e)
            {
                sourceTexture = null;
                _status = e.Message;
                Debug.LogException(e);
            }
        }

        /// <summary>The texture with the mask tinted red; dragging paints (shift-drag erases).</summary>
        private void MaskCanvas()
        {
            if (_brush == null || _maskPreview == null) return;
            var rect = GUILayoutUtility.GetRect(PreviewSize, PreviewSize, GUILayout.ExpandWidth(false));
            EditorGUI.DrawPreviewTexture(rect, _maskPreview);
            var e = Event.current;
            if ((e.type == EventType.MouseDown || e.type == EventType.MouseDrag) && rect.Contains(e.mousePosition))
            {
                // GUI coordinates grow downwards, as the mask's rows do.
                float u = (e.mousePosition.x - rect.x) / rect.width, v = (e.mousePosition.y - rect.y) / rect.height;
                float radius = brushRadius;
                _brush.Dab(u, v, radius, erase: e.shift);
                RefreshMaskPreview();
                e.Use();
                Repaint();
            }
        }

        private void RefreshMaskPreview()
        {
            if (_brush == null || _source == null) return;
            if (_maskPreview == null || _maskPreview.width != _source.Width || _maskPreview.height != _source.Height)
            {
                if (_maskPreview != null) DestroyImmediate(_maskPreview);
                _maskPreview = new Texture2D(_source.Width, _source.Height, UnityEngine.TextureFormat.RGBA32, false, false)
                {
                    hideFlags = HideFlags.HideAndDontSave,
                    filterMode = FilterMode.Point,
                };
            }
            var topDown = _brush.Overlay(_source.Rgba8);
            // Unity's raw data starts with the bottom row.
            var raw = new byte[topDown.Length];
            int row = _source.Width * 4;
            for (int y = 0; y < _source.Height; y++) Array.Copy(topDown, y * row, raw, (_source.Height - 1 - y) * row, row);
            _maskPreview.LoadRawTextureData(raw);
            _maskPreview.Apply(false);
        }

        private void DisposeEditing()
        {
            if (_maskPreview != null) DestroyImmediate(_maskPreview);
            _maskPreview = null;
        }
    }
}
