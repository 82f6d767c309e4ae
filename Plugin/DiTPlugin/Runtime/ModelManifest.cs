using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using DiTPlugin.Contract.Package;

namespace DiTPlugin.Runtime
{
    /// <summary>model.json of a model package (format 1), parsed and validated.</summary>
    public sealed class ModelManifest
    {
        public const string ManifestFileName = PackageFiles.Manifest;
        public const string FormatName = PackageFormat.Name;
        /// <summary>The newest formatVersion this plugin reads.</summary>
        public const int SupportedFormatVersion = PackageFormat.Version;
        /// <summary>The only ONNX opset this plugin runs.</summary>
        public const int SupportedOpset = PackageFormat.Opset;

        public string Format { get; set; } = "";
        public int FormatVersion { get; set; }
        public string Name { get; set; } = "";
        public string? Description { get; set; }
        public ManifestLicense License { get; set; } = new ManifestLicense();
        public ManifestArchitecture Architecture { get; set; } = new ManifestArchitecture();
        public ManifestInput Input { get; set; } = new ManifestInput();
        public ManifestOutput Output { get; set; } = new ManifestOutput();
        public ManifestLatent? Latent { get; set; }
        public ManifestClasses Classes { get; set; } = new ManifestClasses();
        public ManifestSchedule Schedule { get; set; } = new ManifestSchedule();
        public ManifestGuidance Guidance { get; set; } = new ManifestGuidance();
        /// <summary>The sampling section; may be null or partial (see <see cref="ClipDenoised"/> for the resolved value).</summary>
        public ManifestSampling? Sampling { get; set; }
        public List<ManifestGraph> Graphs { get; set; } = new List<ManifestGraph>();
        public string? ContentHash { get; set; }
        public JsonElement? Training { get; set; }

        internal static readonly JsonSerializerOptions JsonOptions = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            // A key given twice means different things to different readers (most keep the last, some the first): a
            // package could show one licence in one tool and another in the Plugin. Refused at every level.
            AllowDuplicateProperties = false,
        };

        // Duplicates are allowed while parsing the document only so that JsonDuplicateKeys can name them clearly.
        private static readonly JsonDocumentOptions DocumentOptions = new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        };

        // Strict: invalid UTF-8 is refused rather than read as U+FFFD, which would change names silently.
        private static readonly System.Text.UTF8Encoding StrictUtf8 = new System.Text.UTF8Encoding(false, true);

        /// <summary>
        /// Parses model.json's bytes: UTF-8 (an initial byte-order mark is skipped), at most
        /// <see cref="PackageLimits.MaxManifestBytes"/>; then as <see cref="Parse(string)"/>.
        /// </summary>
        public static ModelManifest Parse(byte[] utf8)
        {
            if (utf8 is null) throw new ArgumentNullException(nameof(utf8));
            if (utf8.LongLength > PackageLimits.MaxManifestBytes)
                throw Bad($"is {utf8.LongLength} bytes, more than the model.json limit of {PackageLimits.Bytes(PackageLimits.MaxManifestBytes)}.");
            int start = utf8.Length >= 3 && utf8[0] == 0xEF && utf8[1] == 0xBB && utf8[2] == 0xBF ? 3 : 0;
            if (utf8.Length >= 2 && ((utf8[0] == 0xFF && utf8[1] == 0xFE) || (utf8[0] == 0xFE && utf8[1] == 0xFF)))
                throw Bad("is UTF-16 text (it starts with a UTF-16 byte-order mark); model.json must be UTF-8.");
            string text;
            try { text = StrictUtf8.GetString(utf8, start, utf8.Length - start); }
            catch (System.Text.DecoderFallbackException e)
            {
                throw Bad($"is not valid UTF-8 text (at byte {start + e.Index}); model.json must be UTF-8.");
            }
            return Parse(text);
        }

        /// <summary>Parses and validates model.json text; throws <see cref="ModelPackageException"/> naming the problem.</summary>
        public static ModelManifest Parse(string json)
        {
            if (json is null) throw new ArgumentNullException(nameof(json));
            ModelManifest? m;
            try
            {
                // Check the format first, so a foreign file is reported as such rather than as a type error.
                using (var doc = JsonDocument.Parse(json, DocumentOptions))
                {
                    var root = doc.RootElement;
                    if (root.ValueKind != JsonValueKind.Object) throw Bad("is not a JSON object.");
                    string? format = root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
                    if (format != FormatName)
                        throw Bad($"unknown format '{format ?? "(missing)"}' (expected '{FormatName}').");
                    if (root.TryGetProperty("formatVersion", out var fv) && fv.ValueKind == JsonValueKind.Number
                        && fv.TryGetInt32(out int version) && version > SupportedFormatVersion)
                        throw Bad($"formatVersion {version} is newer than this plugin reads ({SupportedFormatVersion}); update the plugin.");
                    if (JsonDuplicateKeys.Find(root) is { } duplicate) throw Bad(duplicate);
                }
                m = JsonSerializer.Deserialize<ModelManifest>(json, JsonOptions);
            }
            catch (JsonException e)
            {
                throw new ModelPackageException(ManifestFileName, $"invalid JSON: {e.Message}", e);
            }
            if (m is null) throw Bad("is empty.");
            m.Validate();
            return m;
        }

        private static ModelPackageException Bad(string problem) => new ModelPackageException(ManifestFileName, problem);

        /// <summary>Checks every field the plugin relies on; throws <see cref="ModelPackageException"/>.</summary>
        public void Validate() => ManifestValidation.Validate(this);

        /// <summary>
        /// sampling.clipDenoised, or the default of the input space when the package does not say: clip pixel-space
        /// models (ADM), never clip latent-space ones (DiT's sample.py).
        /// </summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public bool ClipDenoised => Sampling?.ClipDenoised ?? PackageFormat.DefaultClipDenoised(Input.Space);

        public const string DiTRole = GraphRoles.DiT;
        public const string DecoderRole = GraphRoles.VaeDecoder;

        /// <summary>
        /// The VAE decoder graphs of a latent model: those listed with role 'vae_decoder', or else latent.decoder alone
        /// (an fp32 graph at full size, as format-1 packages written before decoder entries existed have it).
        /// </summary>
        public IReadOnlyList<ManifestGraph> DecoderGraphs()
        {
            if (Input.Space != InputSpaces.Latent || Latent is null) return Array.Empty<ManifestGraph>();
            var listed = Graphs.Where(g => g.Role == DecoderRole).ToList();
            if (listed.Count > 0) return listed;
            int batch = Graphs.First(g => g.Role == DiTRole).Batch;
            return new[] { new ManifestGraph { Role = DecoderRole, File = Latent.Decoder, Precision = Precisions.Fp32, Batch = batch, Opset = SupportedOpset, Sha256 = Latent.DecoderSha256 ?? "" } };
        }

        /// <summary>The decoder graphs with circular padding (seamless textures), or the ordinary zero-padded ones.</summary>
        public IReadOnlyList<ManifestGraph> DecoderGraphs(bool circular) =>
            DecoderGraphs().Where(g => (g.Padding == ManifestGraph.CircularPadding) == circular).ToList();

        /// <summary>The DiT graph to run: the first of the preferred precision, else the first 'dit' graph.</summary>
        public ManifestGraph SelectDiTGraph(bool preferFp16)
        {
            string want = Precisions.Of(preferFp16);
            return Graphs.FirstOrDefault(g => g.Role == DiTRole && g.Precision == want) ?? Graphs.First(g => g.Role == DiTRole);
        }

        /// <summary>sha256 over the graphs' sha256 values (lower-case hex), in order, joined by '\n'.</summary>
        public string ComputeContentHash()
        {
            var joined = string.Join("\n", Graphs.Select(g => g.Sha256.ToLowerInvariant()));
            return Hashing.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(joined));
        }

        /// <summary>Serialises back to JSON (camelCase).</summary>
        public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions(JsonOptions) { WriteIndented = true });
    }
}
