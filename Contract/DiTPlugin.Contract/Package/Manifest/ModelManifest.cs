using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace DiTPlugin.Contract.Package
{
    /// <summary>
    /// model.json of a model package (docs/model-package.md, format 1): the one type Training's exporter writes and the
    /// Plugin reads. Read-only; a field model.json leaves out reads as the default below, and <see cref="Validate"/>
    /// refuses those a reader needs. <see cref="Parse(byte[])"/> is the strict reader and
    /// <see cref="ToJson"/> the writer, whose JSON is the format's exactly (camelCase, indented, the words of
    /// <see cref="InputSpaces"/> and the other vocabularies).
    /// </summary>
    public sealed record ModelManifest
    {
        public const string ManifestFileName = PackageFiles.Manifest;
        public const string FormatName = PackageFormat.Name;
        /// <summary>The newest formatVersion read (writers write the lowest their graphs need: PackageFormat.VersionFor).</summary>
        public const int SupportedFormatVersion = PackageFormat.NewestVersion;
        /// <summary>The only ONNX opset of the format.</summary>
        public const int SupportedOpset = PackageFormat.Opset;

        private readonly IReadOnlyList<GraphInfo> _graphs = ValueList<GraphInfo>.Empty;

        /// <summary><see cref="FormatName"/>; a writer sets it (absent, it reads as "" and is refused).</summary>
        public string Format { get; init; } = "";
        /// <summary>1..<see cref="SupportedFormatVersion"/>; a writer sets it.</summary>
        public int FormatVersion { get; init; }
        public string Name { get; init; } = "";
        public string? Description { get; init; }
        public LicenseInfo License { get; init; } = new LicenseInfo();
        public ArchitectureInfo Architecture { get; init; } = new ArchitectureInfo();
        public InputInfo Input { get; init; } = new InputInfo();
        public OutputInfo Output { get; init; } = new OutputInfo();
        /// <summary>Null for pixel models.</summary>
        public LatentInfo? Latent { get; init; }
        public ClassesInfo Classes { get; init; } = new ClassesInfo();
        public ScheduleInfo Schedule { get; init; } = new ScheduleInfo();
        public GuidanceInfo Guidance { get; init; } = new GuidanceInfo();

        /// <summary>The sampling section; null or partial in older packages (<see cref="ClipDenoised"/> resolves it).</summary>
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public SamplingInfo? Sampling { get; init; }

        public IReadOnlyList<GraphInfo> Graphs { get => _graphs; init => _graphs = ValueCollections.List(value)!; }
        /// <summary>sha256 over the graphs' sha256 values (<see cref="ContentHashOf"/>); recipes name the model by it.</summary>
        public string? ContentHash { get; init; }
        public TrainingInfo? Training { get; init; }

        /// <summary>
        /// Parses model.json's bytes with every rule readers apply (docs/model-package.md, "Limits and rules for
        /// readers"): UTF-8 (a byte-order mark is skipped), at most <see cref="ManifestLimits.MaxManifestBytes"/>, no key
        /// given twice, then <see cref="Validate"/>. Throws <see cref="PackageFormatException"/> naming the problem.
        /// </summary>
        /// <param name="utf8">model.json's bytes as stored.</param>
        public static ModelManifest Parse(byte[] utf8) => ManifestReader.Read(utf8);

        /// <summary>Parses and validates model.json text, as <see cref="Parse(byte[])"/> after decoding.</summary>
        public static ModelManifest Parse(string json) => ManifestReader.Read(json);

        /// <summary>
        /// Checks every field readers rely on, within <see cref="ManifestLimits"/>; throws
        /// <see cref="PackageFormatException"/> for the first problem, naming the field, its value and what is valid.
        /// </summary>
        public void Validate() => ManifestValidation.Validate(this);

        /// <summary>
        /// What <see cref="Validate"/> would refuse, as one-line messages: every problem it can check past (a limit, a
        /// mismatch), ending at the first it cannot (a missing section). Empty for a valid manifest.
        /// </summary>
        public IReadOnlyList<string> Problems() => ManifestValidation.Problems(this);

        /// <summary>model.json's text: camelCase keys, indented, as every writer of the format has written it.</summary>
        public string ToJson() => ManifestJson.Write(this);

        /// <summary>
        /// sampling.clipDenoised, or the default of the input space when the package does not say: clip pixel-space
        /// models (ADM), never clip latent-space ones (DiT's sample.py).
        /// </summary>
        [JsonIgnore]
        public bool ClipDenoised => Sampling?.ClipDenoised ?? PackageFormat.DefaultClipDenoised(Input.SpaceWord);

        /// <summary>
        /// sampling.sampler, or <see cref="PackageFormat.DefaultSampler"/> when the package does not say (at most T steps,
        /// for the rare schedule of fewer than 25).
        /// </summary>
        [JsonIgnore]
        public DiTPlugin.Contract.Sampling.SamplerSpec DefaultSampler => Sampling?.Sampler is string spec
            ? DiTPlugin.Contract.Sampling.SamplerSpec.Parse(spec, Schedule.Timesteps)
            : DiTPlugin.Contract.Sampling.SamplerSpec.Parse("dpm" + Math.Min(Schedule.Timesteps, PackageFormat.DefaultSamplerSteps), Schedule.Timesteps);

        /// <summary>sampling.cfgScale, or <see cref="PackageFormat.DefaultCfgScale"/> when the package does not say.</summary>
        [JsonIgnore]
        public double DefaultCfgScale => Sampling?.CfgScale ?? PackageFormat.DefaultCfgScale;

        /// <summary>
        /// The VAE decoder graphs of a latent model: those listed with role vae_decoder, or else latent.decoder alone
        /// (an fp32 graph at full size, as format-1 packages written before decoder entries existed have it).
        /// </summary>
        public IReadOnlyList<GraphInfo> DecoderGraphs()
        {
            if (Input.Space != InputSpace.Latent || Latent is null) return Array.Empty<GraphInfo>();
            var listed = Graphs.Where(g => g.Role == GraphRole.VaeDecoder).ToList();
            if (listed.Count > 0) return listed;
            int batch = Graphs.First(g => g.Role == GraphRole.DiT).Batch;
            return new[]
            {
                new GraphInfo
                {
                    Role = GraphRole.VaeDecoder, File = Latent.Decoder, Precision = Precision.Fp32, Batch = batch,
                    Opset = SupportedOpset, Sha256 = Latent.DecoderSha256 ?? "",
                },
            };
        }

        /// <summary>
        /// The VAE encoder graph to run (image → latent mean, for starting from a texture): the preferred precision's,
        /// else the other; null for pixel models and latent packages exported without one (formatVersion below 4).
        /// </summary>
        public GraphInfo? EncoderGraph(bool preferFp16)
        {
            if (Input.Space != InputSpace.Latent || Latent is null) return null;
            var want = preferFp16 ? Precision.Fp16 : Precision.Fp32;
            var encoders = Graphs.Where(g => g.Role == GraphRole.VaeEncoder).ToList();
            return encoders.FirstOrDefault(g => g.Precision == want) ?? encoders.FirstOrDefault();
        }

        /// <summary>The upscaler graph (a super-resolution network for finished images), or null; formatVersion 5.</summary>
        public GraphInfo? UpscalerGraph() => Graphs.FirstOrDefault(g => g.Role == GraphRole.Upscaler);

        /// <summary>The decoder graphs with circular padding (seamless textures), or the ordinary zero-padded ones.</summary>
        public IReadOnlyList<GraphInfo> DecoderGraphs(bool circular) =>
            DecoderGraphs().Where(g => (g.Padding == Padding.Circular) == circular).ToList();

        /// <summary>The DiT graph to run: the first of the preferred precision, else the first dit graph.</summary>
        public GraphInfo SelectDiTGraph(bool preferFp16)
        {
            var want = preferFp16 ? Precision.Fp16 : Precision.Fp32;
            return Graphs.FirstOrDefault(g => g.Role == GraphRole.DiT && g.Precision == want) ?? Graphs.First(g => g.Role == GraphRole.DiT);
        }

        /// <summary><see cref="ContentHashOf"/> this manifest's graphs.</summary>
        public string ComputeContentHash() => ContentHashOf(Graphs);

        /// <summary>
        /// contentHash: sha256 (lower-case hex) over the graphs' sha256 values in lower case, in order, joined by '\n';
        /// a graph with an external data file contributes "sha256 dataSha256" (one space), so the data is covered too
        /// and packages without data files keep the hash they always had.
        /// </summary>
        public static string ContentHashOf(IEnumerable<GraphInfo> graphs)
        {
            var joined = string.Join("\n", graphs.Select(g => g.DataFile is null
                ? g.Sha256.ToLowerInvariant()
                : g.Sha256.ToLowerInvariant() + " " + (g.DataSha256 ?? "").ToLowerInvariant()));
            using (var sha = SHA256.Create())
            {
                var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(joined));
                var sb = new StringBuilder(hash.Length * 2);
                foreach (byte b in hash) sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                return sb.ToString();
            }
        }
    }
}
