#nullable enable
using System;
using System.Linq;
using DiTPlugin.Textures;
using UnityEngine;
using UnityEngine.Serialization;

namespace DiTPlugin.TextureGen
{
    /// <summary>
    /// Generates a texture by class with a DiT model package, on start or on demand (<see cref="Generate"/>),
    /// streaming previews into <see cref="Texture"/> while it denoises and assigning it to a material slot.
    /// The model loads on a worker thread (<see cref="ModelCache.Request"/>): a generation asked for before it is
    /// loaded starts when it is. Denoising runs on a worker thread (or, with "Run On Worker Thread" off, a few steps a
    /// frame within the frame budget); uploads (LoadRawTextureData + Apply) always happen on the main thread, in
    /// <see cref="Pump"/> (called by Update in play mode, by the inspector in edit mode).
    /// </summary>
    [AddComponentMenu("DiT/DiT Texture Generator")]
    [DisallowMultipleComponent]
    public sealed class DiTTextureGenerator : MonoBehaviour
    {
        [Tooltip("Project settings (model location, provider, defaults). Empty: the DiTSettings asset in Resources, or built-in defaults.")]
        [SerializeField] private DiTSettings? settings;
        [Tooltip("The model package, overriding the settings: relative to StreamingAssets or the project, or absolute. Empty: the settings' package.")]
        [SerializeField] private string modelPackage = "";

        [Header("What to generate")]
        [Tooltip("The class, by name: exact, any case, a synonym or part of a name (\"retriever\"). The inspector lists matches.")]
        [SerializeField] private string className = "";
        [Tooltip("The noise seed: the same seed, class and settings give the same texture.")]
        [SerializeField] private long seed;
        [Tooltip("Sample with the steps, sampler and guidance scale the model's trainer chose for it (model.json's sampling), not the three fields below.")]
        [SerializeField] private bool usePackageSampling = true;
        [Range(1, 1000)] [SerializeField] private int steps = 25;
        [SerializeField] private SamplerKind sampler = SamplerKind.DpmSolverPlusPlus2M;
        [Tooltip("Classifier-free guidance scale: 1 = the conditional model, higher = more typical of the class.")]
        [Range(0f, 15f)] [SerializeField] private float cfgScale = 4f;
        [Tooltip("Make a texture that tiles without seams (wrap mode Repeat).")]
        // "Seamless" everywhere (GenerationOptions, Recipe, the window); scenes saved while the field was "tiling" keep their value.
        [FormerlySerializedAs("tiling")] [SerializeField] private bool seamless = true;
        [Tooltip("Enlarge the texture with the model's seam-aware upscaler when it has one (4x each side).")]
        [SerializeField] private bool upscale = true;

        [Header("Running")]
        [SerializeField] private bool generateOnStart = true;
        [Tooltip("Denoise on a worker thread. Off: denoise on the main thread, within the frame budget each frame.")]
        [SerializeField] private bool runOnWorkerThread = true;
        [Tooltip("Main-thread mode: milliseconds of denoising per frame (at least one step runs each frame).")]
        [Range(0.5f, 50f)] [SerializeField] private float frameBudgetMs = 4f;
        [Tooltip("Upload a preview every this many steps (0 = only the final texture).")]
        [Min(0)] [SerializeField] private int previewEvery = 5;
        [SerializeField] private bool mipmaps = true;
        [SerializeField] private FilterMode filterMode = FilterMode.Bilinear;

        [Header("Output")]
        [Tooltip("The renderer whose material gets the texture (empty: this GameObject's Renderer, if any).")]
        [SerializeField] private Renderer? targetRenderer;
        [Tooltip("The material's texture property, e.g. _MainTex (built-in) or _BaseMap (URP).")]
        [SerializeField] private string textureProperty = "_MainTex";

        private ModelRequest? _request;
        private string? _modelKey;
        private Func<DiT, GenerationOptions>? _pending;     // what to start once the model has loaded
        private string? _pendingName;
        private GenerationRunner? _runner;
        private Texture2D? _texture;

        /// <summary>The texture previews and the result are uploaded into (null before the first generation).</summary>
        public Texture2D? Texture => _texture;
        /// <summary>Why the last generation did not start or finish (also logged), else null.</summary>
        public Exception? LastError { get; private set; }
        /// <summary>The recipe of the last finished texture.</summary>
        public Recipe? LastRecipe => LastImage?.Recipe;
        /// <summary>The last finished image (pixels top row first, and its recipe), e.g. to save it as an asset.</summary>
        public GeneratedImage? LastImage { get; private set; }
        public bool IsGenerating => _runner != null || _pending != null;
        /// <summary>True while the model is being loaded (on a worker thread).</summary>
        public bool IsLoading => _request != null && !_request.IsDone;
        /// <summary>The model load's latest stage, while it loads.</summary>
        public LoadProgress? LoadProgress => IsLoading ? _request!.Progress : null;
        /// <summary>0..1 while generating.</summary>
        public float Progress => _runner?.Progress ?? (LastRecipe != null ? 1f : 0f);
        /// <summary>The loaded model, once loaded (for its licence, classes, hash).</summary>
        public DiT? Model => _request?.Model;

        /// <summary>Raised on the main thread when a texture is finished.</summary>
        public event Action<DiTTextureGenerator, Texture2D>? Completed;

        public DiTSettings? Settings { get => settings; set => settings = value; }
        public string ModelPackage { get => modelPackage; set => modelPackage = value; }
        public string ClassName { get => className; set => className = value; }
        public long Seed { get => seed; set => seed = value; }
        /// <summary>Sample at the package's defaults (<see cref="DiT.DefaultSteps"/> and the rest), ignoring Steps, Sampler and CfgScale.</summary>
        public bool UsePackageSampling { get => usePackageSampling; set => usePackageSampling = value; }
        // Setting any of these from a script means "sample with this", so it turns UsePackageSampling off.
        public int Steps { get => steps; set { steps = value; usePackageSampling = false; } }
        public SamplerKind Sampler { get => sampler; set { sampler = value; usePackageSampling = false; } }
        public float CfgScale { get => cfgScale; set { cfgScale = value; usePackageSampling = false; } }
        public bool Seamless { get => seamless; set => seamless = value; }
        [Obsolete("Renamed Seamless, as in GenerationOptions and Recipe.")]
        public bool Tiling { get => seamless; set => seamless = value; }
        public float FrameBudgetMs { get => frameBudgetMs; set => frameBudgetMs = value; }
        public bool RunOnWorkerThread { get => runOnWorkerThread; set => runOnWorkerThread = value; }
        public Renderer? TargetRenderer { get => targetRenderer; set => targetRenderer = value; }
        /// <summary>The renderer that receives the texture: <see cref="TargetRenderer"/>, else this GameObject's.</summary>
        public Renderer? EffectiveRenderer => targetRenderer != null ? targetRenderer : GetComponent<Renderer>();
        public string TextureProperty { get => textureProperty; set => textureProperty = value; }

        private void Reset()
        {
            var s = DiTSettings.Load();
            if (s == null) return;
            steps = s.Steps;
            sampler = s.Sampler;
            cfgScale = s.CfgScale;
            previewEvery = s.PreviewEvery;
            seamless = s.Seamless;
        }

        private void Start()
        {
            if (generateOnStart) Generate();
        }

        /// <summary>
        /// Starts a generation with the current fields (cancelling one in progress); if the model is still loading, it
        /// starts when the load finishes. Never blocks on the load.
        /// </summary>
        public void Generate()
        {
            Cancel();
            LastError = null;
            RequestModel();
            _pendingName = className;
            _pending = model =>
            {
                int classId = ResolveClass(model);
                _pendingName = model.Classes[classId];
                return new GenerationOptions
                {
                    ClassIds = new[] { classId },
                    Seed = unchecked((ulong)seed),
                    Steps = usePackageSampling ? (int?)null : steps,
                    Sampler = usePackageSampling ? (SamplerKind?)null : sampler,
                    CfgScale = usePackageSampling ? (float?)null : cfgScale,
                    Seamless = seamless,
                    PreviewEvery = previewEvery,
                    Upscale = upscale && model.UpscaleFactor != null,
                };
            };
            Pump();
        }

        /// <summary>Regenerates exactly the texture of a recipe (same model required; checked once it is loaded).</summary>
        public void Generate(Recipe recipe)
        {
            if (recipe is null) throw new ArgumentNullException(nameof(recipe));
            Cancel();
            LastError = null;
            className = recipe.ClassName;
            seed = unchecked((long)recipe.Seed);
            usePackageSampling = false;   // a recipe names what ran
            steps = recipe.Steps;
            sampler = recipe.Sampler;
            cfgScale = recipe.CfgScale;
            seamless = recipe.Seamless;
            RequestModel();
            _pendingName = recipe.ClassName;
            _pending = model =>
            {
                new RecipeFile(recipe).CheckModel(model.ContentHash, model.Classes, model.Name);
                var options = GenerationOptions.FromRecipe(recipe);
                options.PreviewEvery = previewEvery;
                return options;
            };
            Pump();
        }

        /// <summary>Stops the generation in progress, or the one waiting for the model (the texture keeps its last preview).</summary>
        public void Cancel()
        {
            _pending = null;
            var r = _runner;
            _runner = null;
            r?.Dispose();
        }

        private void Update() => Pump();

        /// <summary>
        /// One frame of work on the main thread: starts a generation whose model has finished loading, runs the
        /// frame's denoising (main-thread mode), uploads the newest preview or the result. Returns at once while the
        /// model loads or the worker denoises. Play mode calls it from Update; the inspector calls it in edit mode.
        /// </summary>
        public void Pump()
        {
            if (_pending != null && _request != null && _request.IsDone) StartPending();
            var runner = _runner;
            if (runner is null) return;
            runner.Tick(TimeSpan.FromMilliseconds(frameBudgetMs));
            bool done = runner.IsDone;                       // before taking, so that the final frame is not missed
            if (runner.TryTake(0, out var frame) && _texture != null)
            {
                _texture.LoadRawTextureData(frame.Data);
                _texture.Apply(false);
            }
            if (!done) return;
            _runner = null;
            switch (runner.State)
            {
                case RunnerState.Completed:
                    LastImage = runner.Result![0];
                    if (_texture != null) Completed?.Invoke(this, _texture);
                    break;
                case RunnerState.Failed:
                    LastError = runner.Error ?? new InvalidOperationException("The generation failed.");
                    Debug.LogException(LastError, this);
                    break;
            }
            runner.Dispose();
        }

        private void OnDisable() => Cancel();

        private void OnDestroy()
        {
            Cancel();
            _request?.Dispose();
            _request = null;
            if (_texture != null) DestroyTexture(_texture);
            _texture = null;
        }

        private static void DestroyTexture(Texture2D t)
        {
            if (Application.isPlaying) Destroy(t);
            else DestroyImmediate(t);
        }

        /// <summary>Starts loading the configured model unless it is the one already loaded or loading.</summary>
        private void RequestModel()
        {
            var s = settings != null ? settings : DiTSettings.LoadOrDefault();
            string path = s.ResolveModelPath(modelPackage);
            string key = path + "|" + s.ExecutionProvider + "|" + s.DeviceId + "|" + s.PreferFp16;
            if (_request != null && _modelKey == key && _request.Error == null) return;
            _request?.Dispose();
            _request = ModelCache.Request(path, s.CreateOptions());
            _modelKey = key;
        }

        private void StartPending()
        {
            var make = _pending!;
            _pending = null;
            var model = _request!.Model;
            if (model is null)
            {
                LastError = _request.Error ?? new InvalidOperationException("The model did not load.");
                Debug.LogException(LastError, this);
                return;
            }
            try
            {
                if (model.License.CommercialUseWarning is { } warning) Debug.LogWarning($"DiT model '{model.Name}': {warning}", this);
                var options = make(model);
                _runner = GenerationRunner.Start(model, options, TextureSettings.Unity(mipmaps),
                    runOnWorkerThread ? RunnerMode.WorkerThread : RunnerMode.MainThreadBudget);
                PrepareTexture(_runner.Layout, _pendingName ?? "texture");
            }
            catch (Exception e)
            {
                _runner = null;
                LastError = e;
                Debug.LogException(e, this);
            }
        }

        private int ResolveClass(DiT model)
        {
            var search = model.Catalog;
            if (string.IsNullOrWhiteSpace(className)) return 0;
            var r = search.Resolve(className);
            if (r.Match is { } match)
            {
                if (r.NeedsAttention) Debug.LogWarning(r.Message, this);
                return match.Id;
            }
            throw new ArgumentException($"No class of '{model.Name}' matches '{className}'" + (r.Suggestions.Count > 0 ? $"; did you mean '{r.Suggestions[0].Name}'?" : ".") + " Classes: " +
                                        string.Join(", ", search.Search("", 12).Select(m => m.Name)) + (search.Count > 12 ? ", …" : "") + ".");
        }

        private void PrepareTexture(TextureLayout layout, string name)
        {
            bool mips = layout.MipCount > 1;
            if (_texture == null || _texture.width != layout.Width || _texture.height != layout.Height || (_texture.mipmapCount > 1) != mips)
            {
                if (_texture != null) DestroyTexture(_texture);
                // RGBA32 holding sRGB-encoded values (linear: false), the layout TextureSettings.Unity() streams.
                _texture = new Texture2D(layout.Width, layout.Height, UnityEngine.TextureFormat.RGBA32, mips, false);
            }
            _texture.name = "DiT " + name;
            _texture.wrapMode = seamless ? TextureWrapMode.Repeat : TextureWrapMode.Clamp;
            _texture.filterMode = filterMode;
            var r = targetRenderer != null ? targetRenderer : GetComponent<Renderer>();
            // In edit mode the material asset is not touched while streaming: the inspector saves the result as a
            // texture asset and assigns that, with Undo (DiTTextureGeneratorEditor).
            if (r == null || !Application.isPlaying) return;
            var material = r.material;
            if (string.IsNullOrEmpty(textureProperty)) material.mainTexture = _texture;
            else if (material.HasProperty(textureProperty)) material.SetTexture(textureProperty, _texture);
            else Debug.LogWarning($"The material '{material.name}' has no texture property '{textureProperty}'; set Texture Property (e.g. _BaseMap for URP).", this);
        }
    }
}
