#nullable enable
using System;
using System.IO;
using UnityEngine;

namespace DiTPlugin.TextureGen
{
    /// <summary>
    /// Project-wide settings: where the model package is, which execution provider to prefer, and the defaults for
    /// new generations. Create one with Assets → Create → DiT → Settings and keep it in a Resources folder named
    /// "DiTSettings" so that components and the editor window find it (or assign it to them).
    /// </summary>
    [CreateAssetMenu(fileName = "DiTSettings", menuName = "DiT/Settings", order = 1000)]
    public sealed class DiTSettings : ScriptableObject
    {
        /// <summary>The Resources path <see cref="Load"/> reads.</summary>
        public const string ResourcePath = "DiTSettings";

        [Tooltip("The model package (folder with model.json, or .zip): relative to Assets/StreamingAssets (where builds ship it), or to the project folder, or absolute.")]
        [SerializeField] private string modelPackage = "DiT/openarena-textures";
        [Tooltip("Auto: DirectML on Windows, then CUDA, else CPU.")]
        [SerializeField] private ExecutionProvider executionProvider = ExecutionProvider.Auto;
        [Tooltip("GPU index for DirectML / CUDA.")]
        [SerializeField] private int deviceId;
        [Tooltip("Run the fp16 graph when the package has one.")]
        [SerializeField] private bool preferFp16;

        [Header("Defaults for new generations")]
        [Range(1, 1000)] [SerializeField] private int steps = 25;
        [SerializeField] private SamplerKind sampler = SamplerKind.DpmSolverPlusPlus2M;
        [Range(0f, 15f)] [SerializeField] private float cfgScale = 4f;
        [Tooltip("Stream a preview every this many steps (0 = only the final image). For latent models each preview is a VAE decoder run.")]
        [Min(0)] [SerializeField] private int previewEvery = 5;
        [SerializeField] private bool seamless = true;
        [Tooltip("Where the editor window saves textures and their recipes (under Assets/).")]
        [SerializeField] private string outputFolder = AssetNaming.DefaultFolder;

        public string ModelPackage { get => modelPackage; set => modelPackage = value; }
        public ExecutionProvider ExecutionProvider { get => executionProvider; set => executionProvider = value; }
        public int DeviceId { get => deviceId; set => deviceId = value; }
        public bool PreferFp16 { get => preferFp16; set => preferFp16 = value; }
        public int Steps { get => steps; set => steps = value; }
        public SamplerKind Sampler { get => sampler; set => sampler = value; }
        public float CfgScale { get => cfgScale; set => cfgScale = value; }
        public int PreviewEvery { get => previewEvery; set => previewEvery = value; }
        public bool Seamless { get => seamless; set => seamless = value; }
        public string OutputFolder { get => outputFolder; set => outputFolder = value; }

        /// <summary>The settings asset from Resources, or null when the project has none.</summary>
        public static DiTSettings? Load() => Resources.Load<DiTSettings>(ResourcePath);

        /// <summary>The settings asset, or built-in defaults (an unsaved instance) when the project has none.</summary>
        public static DiTSettings LoadOrDefault()
        {
            var s = Load();
            if (s != null) return s;
            s = CreateInstance<DiTSettings>();
            s.hideFlags = HideFlags.DontSave;
            return s;
        }

        /// <summary>How to load models: provider, device, precision; logs go to the Unity console.</summary>
        public DiTOptions CreateOptions() => new DiTOptions
        {
            ExecutionProvider = executionProvider,
            DeviceId = deviceId,
            PreferFp16 = preferFp16,
            Log = message => Debug.Log(message),
        };

        /// <summary>The package's full path: <paramref name="overridePath"/> when set, else <see cref="ModelPackage"/>.</summary>
        public string ResolveModelPath(string? overridePath = null)
        {
            string path = string.IsNullOrWhiteSpace(overridePath) ? modelPackage : overridePath!;
            string? projectRoot = Path.GetDirectoryName(Application.dataPath);
            return ModelLocator.Resolve(path, Application.streamingAssetsPath, projectRoot);
        }
    }
}
