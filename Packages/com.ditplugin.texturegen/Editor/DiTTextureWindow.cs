#nullable enable
using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Contract.Classes;
using DiTPlugin.Textures;
using UnityEditor;
using UnityEngine;

namespace DiTPlugin.TextureGen.Editor
{
    /// <summary>
    /// Window → DiT → Texture Generator: search a class by name, generate with a live preview while it denoises (a 3x3
    /// tiled view for seamless textures), make variations (seeds) or a batch (several classes), save PNGs with recipe
    /// sidecars (and height / normal / roughness maps) into Assets/, and apply a result to the selected object's
    /// material slot with Undo. The model loads on a worker thread with a progress bar; the editor never waits for it.
    /// Shows the model's licence and warns when it does not allow commercial use. Starting from an existing texture
    /// (variations of it, a mask painted over it, seam repair) and negative / mixed classes: DiTTextureWindow.Editing.cs.
    /// </summary>
    public sealed partial class DiTTextureWindow : EditorWindow
    {
        private const int PreviewSize = 256;

        // Persisted across domain reloads by Unity's serialization of EditorWindow fields.
        [SerializeField] private DiTSettings? settings;
        [SerializeField] private string modelPackage = "";
        [SerializeField] private string query = "";
        [SerializeField] private int classId;
        [SerializeField] private long seed = 1;
        // True until the user moves Steps, Sampler or CFG scale: a model that loads then sets them to its package's
        // defaults (model.json's sampling, measured by its trainer).
        [SerializeField] private bool packageSampling = true;
        [SerializeField] private int steps = 25;
        [SerializeField] private SamplerKind sampler = SamplerKind.DpmSolverPlusPlus2M;
        [SerializeField] private float cfgScale = 4f;
        [SerializeField] private bool seamless = true;
        [SerializeField] private bool upscale = true;
        [SerializeField] private int previewEvery = 2;
        [SerializeField] private int variations = 4;
        [SerializeField] private List<int> batch = new List<int>();
        [SerializeField] private string outputFolder = AssetNaming.DefaultFolder;
        [SerializeField] private bool showLicenceText;
        [SerializeField] private bool showTiled = true;
        [SerializeField] private bool saveMaps;
        [SerializeField] private string materialSlot = "";

        private DiT? _model;
        private ModelRequest? _request;
        private string? _modelPath;
        private string? _modelError;
        private ClassCatalog? _search;
        private readonly Queue<GenerationOptions> _pending = new Queue<GenerationOptions>();
        private GenerationRunner? _runner;
        private Texture2D? _preview;
        private Texture2D? _tiled;                                  // the preview 3x3, for seamless textures
        private readonly Dictionary<GeneratedImage, SavedTexture> _saved = new Dictionary<GeneratedImage, SavedTexture>();
        private readonly List<(GeneratedImage Image, Texture2D Thumb)> _results = new List<(GeneratedImage, Texture2D)>();
        private Vector2 _scroll;
        private string? _status;
        private bool _autoLoadTried;

        [MenuItem("Window/DiT/Texture Generator")]
        public static void Open()
        {
            var w = GetWindow<DiTTextureWindow>("DiT Textures");
            w.minSize = new Vector2(360, 480);
            w.Show();
        }

        private void OnEnable()
        {
            EditorApplication.update += Poll;
            if (settings == null) settings = DiTSettings.Load();
            if (settings != null && steps == 25 && cfgScale == 4f)
            {
                packageSampling = settings.Steps == 25 && settings.Sampler == SamplerKind.DpmSolverPlusPlus2M && settings.CfgScale == 4f;
                steps = settings.Steps;
                sampler = settings.Sampler;
                cfgScale = settings.CfgScale;
                seamless = settings.Seamless;
                outputFolder = settings.OutputFolder;
            }
        }

        private void OnDisable()
        {
            EditorApplication.update -= Poll;
            StopAll();
            _request?.Dispose();
            _request = null;
            _model = null;
            _modelPath = null;
            ClearResults();
            if (_preview != null) DestroyImmediate(_preview);
            if (_tiled != null) DestroyImmediate(_tiled);
            _preview = null;
            _tiled = null;
            DisposeEditing();
        }

        private void OnGUI()
        {
            if (!_autoLoadTried)
            {
                // After opening the window or a domain reload: load the configured model if it is there.
                _autoLoadTried = true;
                if (TryResolve() != null) LoadModel();
            }
            _scroll = EditorGUILayout.BeginScrollView(_scroll);
            ModelSection();
            if (_model != null)
            {
                ClassSection(_model);
                OptionsSection();
                GuidanceSection(_model);
                ButtonsSection(_model);
                EditSection(_model);
                PreviewSection();
                ResultsSection(_model);
            }
            if (!string.IsNullOrEmpty(_status)) EditorGUILayout.HelpBox(_status, MessageType.Info);
            EditorGUILayout.EndScrollView();
        }

        // ---- model -----------------------------------------------------------------------------------------------

        private DiTSettings Settings => settings != null ? settings : DiTSettings.LoadOrDefault();

        private void ModelSection()
        {
            EditorGUILayout.LabelField("Model", EditorStyles.boldLabel);
            settings = (DiTSettings?)EditorGUILayout.ObjectField("Settings", settings, typeof(DiTSettings), false);
            modelPackage = EditorGUILayout.TextField(new GUIContent("Package", "Empty: the settings' package. Relative to StreamingAssets or the project, or absolute."), modelPackage);
            EditorGUILayout.BeginHorizontal();
            if (GUILayout.Button(_model == null && _request == null ? "Load model" : "Reload model")) LoadModel();
            if (GUILayout.Button("Browse…", GUILayout.Width(80)))
            {
                string dir = EditorUtility.OpenFolderPanel("Model package folder", Application.streamingAssetsPath, "");
                if (!string.IsNullOrEmpty(dir))
                {
                    modelPackage = dir;
                    LoadModel();
                }
            }
            EditorGUILayout.EndHorizontal();
            if (_modelError != null) EditorGUILayout.HelpBox(_modelError, MessageType.Error);
            if (_request != null && !_request.IsDone)
            {
                var p = _request.Progress;
                var bar = GUILayoutUtility.GetRect(18, 18, GUILayout.ExpandWidth(true));
                EditorGUI.ProgressBar(bar, (float)(p?.Fraction ?? 0), "Loading: " + (p?.ToString() ?? "starting"));
            }
            if (_model == null) return;
            var m = _model;
            EditorGUILayout.LabelField("Name", m.Name);
            EditorGUILayout.LabelField("Output", $"{m.Manifest.Output.Width}x{m.Manifest.Output.Height}, {m.Classes.Count} classes, {m.Provider}");
            EditorGUILayout.LabelField("Model hash", m.ContentHash.Substring(0, Math.Min(16, m.ContentHash.Length)) + "…");
            var l = m.License;
            EditorGUILayout.LabelField("Licence", l.ToString());
            if (!string.IsNullOrEmpty(l.Attribution)) EditorGUILayout.LabelField("Attribution", l.Attribution, EditorStyles.wordWrappedLabel);
            if (!string.IsNullOrEmpty(l.Text))
            {
                showLicenceText = EditorGUILayout.Foldout(showLicenceText, "Licence text");
                if (showLicenceText) EditorGUILayout.HelpBox(l.Text, MessageType.None);
            }
            if (l.CommercialUseWarning is { } warning) EditorGUILayout.HelpBox(warning, MessageType.Warning);
        }

        private string? TryResolve()
        {
            try { return Settings.ResolveModelPath(modelPackage); }
            catch (Exception) { return null; }
        }

        /// <summary>Starts loading the model on a worker thread; <see cref="Poll"/> picks it up when it is ready.</summary>
        private void LoadModel()
        {
            StopAll();
            _request?.Dispose();
            _request = null;
            _model = null;
            _search = null;
            _modelError = null;
            try
            {
                var s = Settings;
                _modelPath = s.ResolveModelPath(modelPackage);
                _request = ModelCache.Request(_modelPath, s.CreateOptions());
            }
            catch (Exception e)
            {
                _modelError = e.Message;
                Debug.LogException(e);
            }
        }

        private void OnModelLoaded()
        {
            var request = _request!;
            if (request.Model is null)
            {
                _modelError = request.Error?.Message ?? "The model did not load.";
                Debug.LogException(request.Error ?? new InvalidOperationException(_modelError));
                request.Dispose();
                _request = null;
                return;
            }
            try
            {
                _model = request.Model;
                _search = _model.Catalog;
                classId = Math.Min(Math.Max(classId, 0), _model.Classes.Count - 1);
                if (packageSampling) UsePackageSampling(_model);
                steps = Math.Min(steps, _model.Timesteps);
                batch.RemoveAll(id => id >= _model.Classes.Count);
                _status = _search.IsImageNet ? "ImageNet model: search covers the 1000 class names and their WordNet synonyms." : null;
            }
            catch (Exception e)
            {
                _modelError = e.Message;
                Debug.LogException(e);
            }
        }

        // ---- class search ----------------------------------------------------------------------------------------

        private void ClassSection(DiT model)
        {
            EditorGUILayout.Space();
            EditorGUILayout.LabelField("Class", EditorStyles.boldLabel);
            query = EditorGUILayout.TextField(new GUIContent("Search", "Name, synonym or part of one: \"retriever\", \"ATM\", \"brick\"."), query);
            var matches = _search!.Search(query, 8);
            if (matches.Count == 0) EditorGUILayout.HelpBox($"No class matches '{query}'.", MessageType.None);
            foreach (var m in matches)
            {
                EditorGUILayout.BeginHorizontal();
                string label = m.MatchedTerm == m.Name ? $"{m.Id}: {m.Name}" : $"{m.Id}: {m.Name}  ({m.MatchedTerm})";
                bool selected = m.Id == classId;
                if (GUILayout.Toggle(selected, label, EditorStyles.miniButtonLeft) && !selected) classId = m.Id;
                bool inBatch = batch.Contains(m.Id);
                if (GUILayout.Button(inBatch ? "− batch" : "+ batch", EditorStyles.miniButtonRight, GUILayout.Width(64)))
                {
                    if (inBatch) batch.Remove(m.Id);
                    else batch.Add(m.Id);
                }
                EditorGUILayout.EndHorizontal();
            }
            EditorGUILayout.LabelField("Selected", $"{classId}: {model.Classes[classId]}");
            if (batch.Count > 0)
            {
                EditorGUILayout.BeginHorizontal();
                EditorGUILayout.LabelField("Batch", string.Join(", ", batch.Select(id => model.Classes[id])), EditorStyles.wordWrappedLabel);
                if (GUILayout.Button("Clear", GUILayout.Width(50))) batch.Clear();
                EditorGUILayout.EndHorizontal();
            }
        }

        // ---- options and actions ---------------------------------------------------------------------------------

        private void OptionsSection()
        {
            EditorGUILayout.Space();
            EditorGUILayout.LabelField("Recipe", EditorStyles.boldLabel);
            seed = EditorGUILayout.LongField("Seed", seed);
            EditorGUI.BeginChangeCheck();
            steps = EditorGUILayout.IntSlider("Steps", steps, 1, Math.Min(1000, _model!.Timesteps));
            sampler = (SamplerKind)EditorGUILayout.EnumPopup("Sampler", sampler);
            cfgScale = EditorGUILayout.Slider("CFG scale", cfgScale, 0f, 15f);
            if (EditorGUI.EndChangeCheck()) packageSampling = false;
            if (!packageSampling && GUILayout.Button(new GUIContent("Package defaults",
                    $"{_model.DefaultSampler} {_model.DefaultSteps} steps, cfg {_model.DefaultCfgScale}: what the model's trainer measured best.")))
                UsePackageSampling(_model);
            seamless = EditorGUILayout.Toggle(new GUIContent("Seamless", "Textures that tile without a seam (wrap mode Repeat)."), seamless);
            if (_model!.UpscaleFactor is int factor)
                upscale = EditorGUILayout.Toggle(new GUIContent($"Upscale {factor}x", "Enlarge finished textures with the model's seam-aware upscaler."), upscale);
            saveMaps = EditorGUILayout.Toggle(new GUIContent("Save maps", "Also save height, normal and roughness maps derived from the texture (_height, _normal, _roughness)."), saveMaps);
            materialSlot = EditorGUILayout.TextField(new GUIContent("Material slot", "The texture property Apply sets, e.g. _MainTex or _BaseMap (URP/HDRP). Empty: _BaseMap if the material has it, else _MainTex."), materialSlot);
            previewEvery = EditorGUILayout.IntSlider(new GUIContent("Preview every", "Steps between live previews (0: none)."), previewEvery, 0, 50);
            variations = EditorGUILayout.IntSlider(new GUIContent("Variations", "How many seeds Variations makes, from Seed on."), variations, 2, 32);
            outputFolder = EditorGUILayout.TextField(new GUIContent("Save to", "A folder under Assets/."), outputFolder);
        }

        private void UsePackageSampling(DiT model)
        {
            steps = model.DefaultSteps;
            sampler = model.DefaultSampler;
            cfgScale = model.DefaultCfgScale;
            packageSampling = true;
        }

        private GenerationOptions Options(int id, long s)
        {
            var o = new GenerationOptions
            {
                ClassIds = new[] { id },
                Seed = unchecked((ulong)s),
                Steps = steps,
                Sampler = sampler,
                CfgScale = cfgScale,
                Seamless = seamless,
                PreviewEvery = previewEvery,
                Upscale = upscale && _model!.UpscaleFactor != null,
            };
            ApplyGuidance(o);
            return o;
        }

        private void ButtonsSection(DiT model)
        {
            EditorGUILayout.Space();
            bool busy = _runner != null;
            EditorGUILayout.BeginHorizontal();
            GUI.enabled = !busy;
            if (GUILayout.Button("Generate")) Enqueue(new[] { Options(classId, seed) });
            if (GUILayout.Button($"Variations ({variations})"))
                Enqueue(Enumerable.Range(0, variations).Select(k => Options(classId, seed + k)));
            GUI.enabled = !busy && batch.Count > 0;
            if (GUILayout.Button($"Batch ({batch.Count})")) Enqueue(batch.Select(id => Options(id, seed)));
            GUI.enabled = busy;
            if (GUILayout.Button("Cancel")) StopAll();
            GUI.enabled = true;
            EditorGUILayout.EndHorizontal();

            EditorGUILayout.BeginHorizontal();
            GUI.enabled = !busy;
            if (GUILayout.Button("Regenerate from recipe…")) RegenerateFromRecipe(model);
            if (GUILayout.Button("Random seed")) seed = new System.Random().Next();
            GUI.enabled = true;
            EditorGUILayout.EndHorizontal();

            if (busy)
            {
                var r = _runner!;
                var rect = GUILayoutUtility.GetRect(18, 18, GUILayout.ExpandWidth(true));
                EditorGUI.ProgressBar(rect, r.Progress, $"Step {r.StepsDone}/{r.TotalSteps}" + (_pending.Count > 0 ? $", {_pending.Count} more queued" : ""));
            }
        }

        private void Enqueue(IEnumerable<GenerationOptions> items)
        {
            foreach (var o in items) _pending.Enqueue(o);
            _status = null;
            StartNext();
        }

        private void StartNext()
        {
            if (_runner != null || _model == null || _pending.Count == 0) return;
            var options = _pending.Dequeue();
            try
            {
                _runner = GenerationRunner.Start(_model, options, TextureSettings.Unity(false), RunnerMode.WorkerThread);
                var layout = _runner.Layout;
                if (_preview == null || _preview.width != layout.Width || _preview.height != layout.Height)
                {
                    if (_preview != null) DestroyImmediate(_preview);
                    _preview = new Texture2D(layout.Width, layout.Height, UnityEngine.TextureFormat.RGBA32, false, false)
                    {
                        hideFlags = HideFlags.HideAndDontSave,
                        filterMode = FilterMode.Point,
                    };
                }
                _preview.wrapMode = options.Seamless ? TextureWrapMode.Repeat : TextureWrapMode.Clamp;
            }
            catch (Exception e)
            {
                _runner = null;
                _pending.Clear();
                _status = e.Message;
                Debug.LogException(e);
            }
        }

        private void StopAll()
        {
            _pending.Clear();
            var r = _runner;
            _runner = null;
            r?.Dispose();
        }

        /// <summary>EditorApplication.update: uploads the newest preview on the main thread and collects results.</summary>
        private void Poll()
        {
            if (_request != null && _model == null)
            {
                if (_request.IsDone) OnModelLoaded();
                Repaint();                                      // the loading progress bar
            }
            var r = _runner;
            if (r == null) return;
            bool done = r.IsDone;
            if (r.TryTake(0, out var frame) && _preview != null)
            {
                _preview.LoadRawTextureData(frame.Data);
                _preview.Apply(false);
                if (_preview.wrapMode == TextureWrapMode.Repeat) UpdateTiled(frame.Data, _preview.width, _preview.height);
                Repaint();
            }
            if (!done) return;
            _runner = null;
            if (r.State == RunnerState.Completed)
            {
                foreach (var image in r.Result!) _results.Add((image, Thumbnail(image)));
            }
            else if (r.State == RunnerState.Failed)
            {
                _pending.Clear();
                _status = r.Error?.Message;
                Debug.LogException(r.Error ?? new InvalidOperationException("The generation failed."));
            }
            r.Dispose();
            StartNext();
            Repaint();
        }

        private static Texture2D Thumbnail(GeneratedImage image)
        {
            var layout = new TextureLayout(image.Width, image.Height, TextureSettings.Unity(false));
            var tex = new Texture2D(image.Width, image.Height, UnityEngine.TextureFormat.RGBA32, false, false)
            {
                hideFlags = HideFlags.HideAndDontSave,
                filterMode = FilterMode.Point,
                name = image.Recipe.ClassName + " " + image.Recipe.Seed,
            };
            // GeneratedImage rows run top to bottom; Unity's raw data starts with the bottom row.
            var flipped = new byte[layout.ByteSize];
            int row = image.Width * 4;
            for (int y = 0; y < image.Height; y++) Array.Copy(image.Rgba8, y * row, flipped, (image.Height - 1 - y) * row, row);
            tex.LoadRawTextureData(flipped);
            tex.Apply(false);
            return tex;
        }

        // ---- preview, results, saving ----------------------------------------------------------------------------

        private void PreviewSection()
        {
            if (_preview == null) return;
            EditorGUILayout.Space();
            EditorGUILayout.LabelField(_runner != null ? "Live preview (predicted result)" : "Last preview", EditorStyles.boldLabel);
            bool tiling = _preview.wrapMode == TextureWrapMode.Repeat && _tiled != null;
            if (tiling) showTiled = EditorGUILayout.Toggle(new GUIContent("Show 3x3", "Repeat the texture 3x3 to check that it tiles without seams."), showTiled);
            var rect = GUILayoutUtility.GetRect(PreviewSize, PreviewSize, GUILayout.ExpandWidth(false));
            EditorGUI.DrawPreviewTexture(rect, tiling && showTiled ? _tiled! : _preview);
        }

        /// <summary>The preview repeated 3x3 (the raw data has no mips, so rows tile in either row order).</summary>
        private void UpdateTiled(byte[] raw, int width, int height)
        {
            if (_tiled == null || _tiled.width != width * 3 || _tiled.height != height * 3)
            {
                if (_tiled != null) DestroyImmediate(_tiled);
                _tiled = new Texture2D(width * 3, height * 3, UnityEngine.TextureFormat.RGBA32, false, false)
                {
                    hideFlags = HideFlags.HideAndDontSave,
                    filterMode = FilterMode.Point,
                };
            }
            _tiled.LoadRawTextureData(TiledPreview.Tile(raw, width, height));
            _tiled.Apply(false);
        }

        private void ResultsSection(DiT model)
        {
            if (_results.Count == 0) return;
            EditorGUILayout.Space();
            EditorGUILayout.BeginHorizontal();
            EditorGUILayout.LabelField($"Results ({_results.Count})", EditorStyles.boldLabel);
            if (GUILayout.Button("Save all", GUILayout.Width(80)))
            {
                foreach (var r in _results.ToArray()) Save(model, r.Image);
            }
            if (GUILayout.Button("Clear", GUILayout.Width(60))) ClearResults();
            EditorGUILayout.EndHorizontal();
            foreach (var (image, thumb) in _results.ToArray())
            {
                EditorGUILayout.BeginHorizontal();
                var rect = GUILayoutUtility.GetRect(64, 64, GUILayout.ExpandWidth(false));
                EditorGUI.DrawPreviewTexture(rect, thumb);
                var rc = image.Recipe;
                EditorGUILayout.LabelField($"{rc.ClassName}\nseed {rc.Seed}, {rc.Sampler} {rc.Steps}, cfg {rc.CfgScale}{(rc.Seamless ? ", tiling" : "")}",
                    EditorStyles.wordWrappedLabel, GUILayout.Height(64));
                if (GUILayout.Button("Save", GUILayout.Width(50), GUILayout.Height(64))) Save(model, image);
                if (GUILayout.Button(new GUIContent("Apply", "Save if needed, then set it on the selected object's material (Undo-able)."), GUILayout.Width(50), GUILayout.Height(64)))
                    ApplyToSelection(model, image);
                if (GUILayout.Button("Use seed", GUILayout.Width(70), GUILayout.Height(64)))
                {
                    seed = unchecked((long)rc.Seed);
                    classId = rc.ClassId;
                }
                EditorGUILayout.EndHorizontal();
            }
        }

        private SavedTexture? Save(DiT model, GeneratedImage image)
        {
            try
            {
                if (_saved.TryGetValue(image, out var already)) return already;
                if (model.License.CommercialUseWarning is { } warning) Debug.LogWarning($"Saving a texture made with '{model.Name}': {warning}");
                var (source, mask) = EditInputsOf(image);
                var saved = TextureSaving.Save(image, DiTEditorUtil.ProjectRoot, outputFolder, model, source, mask);
                SavedMaps? maps = saveMaps ? MaterialMapFiles.Save(image, DiTEditorUtil.ProjectRoot, saved.AssetPath) : null;
                DiTEditorUtil.ImportSaved(saved, image.Recipe.Seamless, maps);
                var asset = AssetDatabase.LoadAssetAtPath<Texture2D>(saved.AssetPath);
                if (asset != null) EditorGUIUtility.PingObject(asset);
                _saved[image] = saved;
                _status = $"Saved {saved.AssetPath} and {saved.RecipeAssetPath}" + (maps != null ? " with its height, normal and roughness maps." : ".");
                return saved;
            }
            catch (Exception e)
            {
                _status = e.Message;
                Debug.LogException(e);
                return null;
            }
        }

        /// <summary>Saves the image (once) and sets the saved texture asset on the selected object's material, with Undo.</summary>
        private void ApplyToSelection(DiT model, GeneratedImage image)
        {
            var go = Selection.activeGameObject;
            var renderer = go != null ? go.GetComponent<Renderer>() : null;
            var material = renderer != null ? renderer.sharedMaterial : null;
            if (material == null)
            {
                _status = "Select an object with a Renderer and a material to apply the texture to.";
                return;
            }
            var saved = Save(model, image);
            if (saved == null) return;
            var texture = AssetDatabase.LoadAssetAtPath<Texture2D>(saved.AssetPath);
            string slot = DiTEditorUtil.TextureSlot(material, materialSlot);
            if (texture == null || !material.HasProperty(slot))
            {
                _status = texture == null ? $"{saved.AssetPath} did not import." : $"The material '{material.name}' has no texture property '{slot}'.";
                return;
            }
            Undo.RecordObject(material, "Apply DiT texture");
            material.SetTexture(slot, texture);
            EditorUtility.SetDirty(material);
            _status = $"Set {saved.AssetPath} as {slot} of '{material.name}' (Edit → Undo reverts it).";
        }

        private void RegenerateFromRecipe(DiT model)
        {
            string path = EditorUtility.OpenFilePanel("Recipe sidecar", Application.dataPath, "json");
            if (string.IsNullOrEmpty(path)) return;
            try
            {
                var recipe = RecipeFile.Load(path);
                recipe.CheckModel(model.ContentHash, model.Classes, model.Name);
                var r = recipe.Recipe;
                classId = r.ClassId;
                seed = unchecked((long)r.Seed);
                packageSampling = false;   // a recipe names what ran
                steps = r.Steps;
                sampler = r.Sampler;
                cfgScale = r.CfgScale;
                seamless = r.Seamless;
                upscale = r.Upscale == true;
                var o = model.Manifest.Output;
                var (source, mask) = TextureSaving.EditInputs(recipe, path, DiTEditorUtil.ProjectRoot, o.Width, o.Height, DiTEditorUtil.ReadRgba8);
                if (source != null) Remember(source, recipe.Source, mask);
                var options = GenerationOptions.FromRecipe(r, source, mask);
                options.PreviewEvery = previewEvery;
                Enqueue(new[] { options });
                _status = $"Regenerating {r}.";
            }
            catch (Exception e)
            {
                _status = e.Message;
                Debug.LogException(e);
            }
        }

        private void ClearResults()
        {
            foreach (var r in _results) DestroyImmediate(r.Thumb);
            _results.Clear();
            _saved.Clear();
        }
    }
}
