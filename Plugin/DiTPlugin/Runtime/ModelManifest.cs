using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace DiTPlugin.Runtime
{
    /// <summary>model.json of a model package (format 1), parsed and validated.</summary>
    public sealed class ModelManifest
    {
        public const string ManifestFileName = "model.json";
        public const string FormatName = "ditplugin-model-package";
        /// <summary>The newest formatVersion this plugin reads.</summary>
        public const int SupportedFormatVersion = 1;
        /// <summary>The only ONNX opset this plugin runs.</summary>
        public const int SupportedOpset = 17;

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
        };

        /// <summary>Parses and validates model.json text; throws <see cref="ModelPackageException"/> naming the problem.</summary>
        public static ModelManifest Parse(string json)
        {
            if (json is null) throw new ArgumentNullException(nameof(json));
            ModelManifest? m;
            try
            {
                // Check the format first, so a foreign file is reported as such rather than as a type error.
                using (var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }))
                {
                    var root = doc.RootElement;
                    if (root.ValueKind != JsonValueKind.Object) throw Bad("is not a JSON object.");
                    string? format = root.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
                    if (format != FormatName)
                        throw Bad($"unknown format '{format ?? "(missing)"}' (expected '{FormatName}').");
                    if (root.TryGetProperty("formatVersion", out var fv) && fv.ValueKind == JsonValueKind.Number
                        && fv.TryGetInt32(out int version) && version > SupportedFormatVersion)
                        throw Bad($"formatVersion {version} is newer than this plugin reads ({SupportedFormatVersion}); update the plugin.");
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
        public void Validate()
        {
            if (Format != FormatName) throw Bad($"unknown format '{Format}' (expected '{FormatName}').");
            if (FormatVersion < 1) throw Bad($"formatVersion {FormatVersion} is not valid (expected 1..{SupportedFormatVersion}).");
            if (FormatVersion > SupportedFormatVersion)
                throw Bad($"formatVersion {FormatVersion} is newer than this plugin reads ({SupportedFormatVersion}); update the plugin.");
            if (Input is null || Input.Size < 1 || Input.Channels < 1) throw Bad("input.size and input.channels must be positive.");
            if (Input.Space != "pixel" && Input.Space != "latent") throw Bad($"input.space '{Input.Space}' is not 'pixel' or 'latent'.");
            if (Output is null || Output.Width < 1 || Output.Height < 1 || Output.Channels < 1) throw Bad("output.width, output.height and output.channels must be positive.");
            if (Output.Channels != 1 && Output.Channels != 3 && Output.Channels != 4) throw Bad($"output.channels {Output.Channels} is not 1, 3 or 4.");
            if (Output.ColorSpace != "sRGB" && Output.ColorSpace != "linear") throw Bad($"output.colorSpace '{Output.ColorSpace}' is not 'sRGB' or 'linear'.");
            if (Input.Space == "latent")
            {
                if (Latent is null || string.IsNullOrEmpty(Latent.Decoder) || !(Latent.Scale > 0) || Latent.Downsample < 1)
                    throw Bad("input.space is 'latent' but latent (scale, downsample, decoder) is missing or invalid.");
                if (Output.Width != Input.Size * Latent.Downsample || Output.Height != Input.Size * Latent.Downsample)
                    throw Bad($"output {Output.Width}x{Output.Height} does not match input.size {Input.Size} x latent.downsample {Latent.Downsample}.");
            }
            else if (Output.Width != Input.Size || Output.Height != Input.Size || Output.Channels != Input.Channels)
                throw Bad($"output {Output.Width}x{Output.Height}x{Output.Channels} does not match input {Input.Size}x{Input.Size}x{Input.Channels} of a pixel-space model.");
            if (Classes is null || Classes.Count < 1) throw Bad("classes.count must be at least 1.");
            if (Classes.Names is null || Classes.Names.Count != Classes.Count)
                throw Bad($"classes.names has {Classes.Names?.Count ?? 0} names but classes.count is {Classes.Count}.");
            if (Classes.NullClass is { } nc && nc != Classes.Count) throw Bad($"classes.nullClass is {nc}, expected {Classes.Count} (= count) or null (no guidance).");
            if (Classes.Synonyms != null)
                foreach (var kv in Classes.Synonyms)
                    if (kv.Value < 0 || kv.Value >= Classes.Count)
                        throw Bad($"classes.synonyms['{kv.Key}'] = {kv.Value} is not a class id (0..{Classes.Count - 1}).");
            if (Schedule is null || Schedule.Timesteps < 1) throw Bad("schedule.timesteps must be at least 1.");
            if (Schedule.Betas is null || Schedule.Betas.Count == 0)
            {
                if (Schedule.Kind != "linear" && Schedule.Kind != "cosine") throw Bad($"schedule.kind '{Schedule.Kind}' is not 'linear' or 'cosine'.");
            }
            else
            {
                if (Schedule.Betas.Count != Schedule.Timesteps) throw Bad($"schedule.betas lists {Schedule.Betas.Count} betas but schedule.timesteps is {Schedule.Timesteps}.");
                for (int i = 0; i < Schedule.Betas.Count; i++)
                    if (!(Schedule.Betas[i] > 0 && Schedule.Betas[i] <= 1)) throw Bad($"schedule.betas[{i}] = {Schedule.Betas[i]} is not in (0, 1].");
            }
            if (Guidance is null || Guidance.GuidedChannels < 0 || Guidance.GuidedChannels > Input.Channels)
                throw Bad($"guidance.guidedChannels must be in 0..{Input.Channels}.");
            if (License is null || string.IsNullOrWhiteSpace(License.Id)) throw Bad("license.id is missing.");
            if (Graphs is null || !Graphs.Any(g => g.Role == "dit")) throw Bad("graphs has no entry with role 'dit'.");
            foreach (var g in Graphs)
            {
                string file = string.IsNullOrEmpty(g.File) ? "(graph without a file)" : g.File;
                if (string.IsNullOrEmpty(g.File)) throw Bad($"a graph with role '{g.Role}' has no file.");
                if (g.Role != DiTRole && g.Role != DecoderRole)
                    throw new ModelPackageException(file, $"role '{g.Role}' is not '{DiTRole}' or '{DecoderRole}'.");
                if (g.Role == DecoderRole && Input.Space != "latent")
                    throw new ModelPackageException(file, "is a vae_decoder but input.space is not 'latent'.");
                if (g.TileSize is int tile && (tile < 1 || tile > Input.Size))
                    throw new ModelPackageException(file, $"tileSize {tile} must be in 1..input.size ({Input.Size}).");
                if (g.Padding != ManifestGraph.ZeroPadding && g.Padding != ManifestGraph.CircularPadding)
                    throw new ModelPackageException(file, $"padding '{g.Padding}' is not '{ManifestGraph.ZeroPadding}' or '{ManifestGraph.CircularPadding}'.");
                if (g.Padding == ManifestGraph.CircularPadding && g.Role != DecoderRole)
                    throw new ModelPackageException(file, $"padding 'circular' is for '{DecoderRole}' graphs only.");
                if (g.Padding == ManifestGraph.CircularPadding && g.TileSize is int ct && ct < Input.Size)
                    throw new ModelPackageException(file, "a circular-padding decoder decodes whole latents: it cannot have a tileSize below input.size.");
                if (g.Opset != SupportedOpset)
                    throw new ModelPackageException(file, $"opset {g.Opset} is not supported (this plugin runs opset {SupportedOpset} only).");
                if (g.Batch < 1) throw new ModelPackageException(file, $"batch {g.Batch} must be at least 1.");
                if (g.Precision != "fp32" && g.Precision != "fp16") throw new ModelPackageException(file, $"precision '{g.Precision}' is not 'fp32' or 'fp16'.");
                if (string.IsNullOrWhiteSpace(g.Sha256)) throw new ModelPackageException(file, "has no sha256 in model.json.");
            }
            var decoders = Graphs.Where(g => g.Role == DecoderRole).ToList();
            if (decoders.Count > 0 && Latent != null)
            {
                if (!decoders.Any(g => g.File == Latent.Decoder && g.Padding == ManifestGraph.ZeroPadding))
                    throw Bad($"latent.decoder '{Latent.Decoder}' is not among the graphs with role '{DecoderRole}'.");
                int ditBatch = Graphs.First(g => g.Role == DiTRole).Batch;
                foreach (var g in decoders.Where(g => g.Batch != ditBatch))
                    throw new ModelPackageException(g.File, $"batch {g.Batch} differs from the DiT graph's batch {ditBatch}; the decoder decodes what one DiT run samples.");
                if (Latent.TileOverlap is int overlap && decoders.Any(g => g.TileSize is int t && t < Input.Size && (overlap < 0 || overlap >= t)))
                    throw Bad($"latent.tileOverlap {overlap} must be in 0..tileSize-1.");
            }
        }

        /// <summary>
        /// sampling.clipDenoised, or the default of the input space when the package does not say: clip pixel-space
        /// models (ADM), never clip latent-space ones (DiT's sample.py).
        /// </summary>
        [System.Text.Json.Serialization.JsonIgnore]
        public bool ClipDenoised => Sampling?.ClipDenoised ?? Input.Space != "latent";

        public const string DiTRole = "dit";
        public const string DecoderRole = "vae_decoder";

        /// <summary>
        /// The VAE decoder graphs of a latent model: those listed with role 'vae_decoder', or else latent.decoder alone
        /// (an fp32 graph at full size, as format-1 packages written before decoder entries existed have it).
        /// </summary>
        public IReadOnlyList<ManifestGraph> DecoderGraphs()
        {
            if (Input.Space != "latent" || Latent is null) return Array.Empty<ManifestGraph>();
            var listed = Graphs.Where(g => g.Role == DecoderRole).ToList();
            if (listed.Count > 0) return listed;
            int batch = Graphs.First(g => g.Role == DiTRole).Batch;
            return new[] { new ManifestGraph { Role = DecoderRole, File = Latent.Decoder, Precision = "fp32", Batch = batch, Opset = SupportedOpset, Sha256 = Latent.DecoderSha256 ?? "" } };
        }

        /// <summary>The decoder graphs with circular padding (seamless textures), or the ordinary zero-padded ones.</summary>
        public IReadOnlyList<ManifestGraph> DecoderGraphs(bool circular) =>
            DecoderGraphs().Where(g => (g.Padding == ManifestGraph.CircularPadding) == circular).ToList();

        /// <summary>The DiT graph to run: the first of the preferred precision, else the first 'dit' graph.</summary>
        public ManifestGraph SelectDiTGraph(bool preferFp16)
        {
            string want = preferFp16 ? "fp16" : "fp32";
            return Graphs.FirstOrDefault(g => g.Role == "dit" && g.Precision == want) ?? Graphs.First(g => g.Role == "dit");
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
