using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using DiTPlugin.Contract.Classes;
using DiTPlugin.Contract.Package;
using DiTPlugin.Training.Formats;
using DiTPlugin.Training.Model;
using DiTPlugin.Training.Trainer;
using static TorchSharp.torch;

namespace DiTPlugin.Training.Export;

/// <summary>Everything a model package holds besides the weights' graph structure.</summary>
public sealed record ModelPackageRequest
{
    public required DiTConfig Config { get; init; }
    /// <summary>The DiT state_dict to export (the EMA weights of a checkpoint).</summary>
    public required IReadOnlyDictionary<string, Tensor> Weights { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public LicenseInfo License { get; init; } = new("unspecified", false, "", "");
    public IReadOnlyDictionary<string, int> Synonyms { get; init; } = new Dictionary<string, int>();
    public string ScheduleKind { get; init; } = ScheduleKinds.Linear;
    public int Timesteps { get; init; } = 1000;
    public int Batch { get; init; } = 1;
    public int? GuidedChannels { get; init; }
    /// <summary>sampling.clipDenoised; null = the package's space default (pixel: clip, latent: don't).</summary>
    public bool? ClipDenoised { get; init; }
    public bool IncludeFp32 { get; init; } = true;
    public bool IncludeFp16 { get; init; }
    public string ColorSpace { get; init; } = ColorSpaces.Srgb;
    /// <summary>For latent models: an existing VAE decoder ONNX file (latent/scale → RGB), copied as vae_decoder.onnx.</summary>
    public string? VaeDecoderPath { get; init; }
    /// <summary>For latent models: decoder graphs built here (e.g. by VaeDecoderOnnxExporter), at most one per precision.</summary>
    public IReadOnlyList<VaeDecoderGraph> VaeDecoders { get; init; } = Array.Empty<VaeDecoderGraph>();
    /// <summary>Latent pixels shared by neighbouring tiles when a decoder has a tile size (null: the reader's default, tile/4).</summary>
    public int? TileOverlap { get; init; }
    public double LatentScale { get; init; } = 0.18215;
    public int LatentDownsample { get; init; } = 8;
    public long TrainingSteps { get; init; }
    public string? Dataset { get; init; }
    public double? FinalLoss { get; init; }

    /// <summary>A request for a checkpoint's EMA weights, its class names and noise schedule.</summary>
    public static ModelPackageRequest FromCheckpoint(Checkpoint ckpt, string name) => new()
    {
        Config = ckpt.Config,
        Weights = ckpt.Ema,
        ClassNames = ckpt.ClassNames,
        Name = name,
        ScheduleKind = ckpt.Options.Schedule,
        GuidedChannels = ckpt.SamplingDefaults.GuidedChannels,
        ClipDenoised = ckpt.SamplingDefaults.ClipDenoised,
        Timesteps = ckpt.Options.DiffusionSteps,
        TrainingSteps = ckpt.Step,
    };
}

/// <summary>
/// A VAE decoder ONNX graph for a package; <paramref name="TileSize"/> is its latent side when it decodes tiles;
/// <paramref name="Circular"/> marks a graph exported with circular padding (seamless textures; whole latents only).
/// </summary>
public sealed record VaeDecoderGraph(byte[] Onnx, string Precision, int? TileSize = null, bool Circular = false);

/// <summary>
/// Writes a model package (docs/model-package.md): a folder, or a .zip of the same files when the path ends in
/// ".zip". Both are atomic for the whole package: the zip is written to a temporary file and renamed; a folder is
/// built beside the target and swapped in, so a failed or killed export leaves the previous package as it was.
/// </summary>
public static class ModelPackageWriter
{
    // Kept as aliases of PackageFiles for the callers (CLI, tests) that name them here.
    public const string ManifestFile = PackageFiles.Manifest;
    public const string Fp32File = PackageFiles.DiT;
    public const string Fp16File = PackageFiles.DiTFp16;
    public const string DecoderFile = PackageFiles.Decoder;
    public const string DecoderFp16File = PackageFiles.DecoderFp16;
    public const string CircularDecoderFile = PackageFiles.CircularDecoder;
    public const string CircularDecoderFp16File = PackageFiles.CircularDecoderFp16;

    public static bool IsZip(string path) => path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase);

    /// <summary>Builds the graphs and writes the package; returns the manifest written.</summary>
    public static ModelManifest Write(string outPath, ModelPackageRequest r)
    {
        var files = Build(r, out var manifest);
        if (IsZip(outPath))
            AtomicFile.Write(outPath, s =>
            {
                using var zip = new ZipArchive(s, ZipArchiveMode.Create, leaveOpen: true);
                foreach (var (name, bytes) in files)
                {
                    var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                    using var es = entry.Open();
                    es.Write(bytes);
                }
            });
        else WriteFolder(outPath, files);
        return manifest;
    }

    /// <summary>
    /// Builds the package in a sibling folder, then swaps it in: the old package (if any) is renamed aside, the new one
    /// renamed into place, the old one deleted. A failure (a full disk, a kill) before the swap leaves only a hidden
    /// temporary folder, which the next export removes; the target keeps its previous, complete package.
    /// </summary>
    private static void WriteFolder(string outPath, List<(string Name, byte[] Bytes)> files)
    {
        string target = Path.GetFullPath(outPath).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        string parent = Path.GetDirectoryName(target) ?? ".";
        string leaf = Path.GetFileName(target);
        if (File.Exists(target)) throw new IOException($"'{outPath}' is a file; give a folder (or a .zip path) for the package.");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !File.Exists(Path.Combine(target, ManifestFile)))
            throw new IOException($"'{outPath}' is a folder that holds other files and no {ManifestFile}: it is not a model package, so it is not replaced. Give a new or empty folder.");
        Directory.CreateDirectory(parent);
        foreach (var stale in Directory.EnumerateDirectories(parent, $".{leaf}.export-*")) TryDelete(stale);
        string temp = Path.Combine(parent, $".{leaf}.export-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(temp);
            foreach (var (name, bytes) in files)
                using (var f = new FileStream(Path.Combine(temp, name), FileMode.CreateNew, FileAccess.Write))
                {
                    f.Write(bytes);
                    f.Flush(flushToDisk: true);
                }
            string? old = null;
            if (Directory.Exists(target))
            {
                old = Path.Combine(parent, $".{leaf}.export-{Guid.NewGuid():N}-old");
                Directory.Move(target, old);
            }
            try { Directory.Move(temp, target); }
            catch
            {
                if (old != null) Directory.Move(old, target);     // put the previous package back
                throw;
            }
            if (old != null) TryDelete(old);
        }
        finally { if (Directory.Exists(temp)) TryDelete(temp); }
    }

    private static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>The package's files in write order (graphs, decoder, then model.json) and its manifest.</summary>
    public static List<(string Name, byte[] Bytes)> Build(ModelPackageRequest r, out ModelManifest manifest)
    {
        var cfg = r.Config.Validate();
        if (!r.IncludeFp32 && !r.IncludeFp16) throw new ArgumentException("A package needs at least one DiT graph (fp32 or fp16).");
        if (r.ClassNames.Count != 0 && r.ClassNames.Count != cfg.NumClasses)
            throw new ArgumentException($"{r.ClassNames.Count} class names for a model with {cfg.NumClasses} classes.");
        CheckUniqueNames(r.ClassNames);
        if (!ScheduleKinds.IsValid(r.ScheduleKind))
            throw new ArgumentException($"Schedule '{r.ScheduleKind}' is not one the package format knows ({string.Join(", ", ScheduleKinds.All)}).");
        if (!ColorSpaces.IsValid(r.ColorSpace))
            throw new ArgumentException($"Color space '{r.ColorSpace}' must be {ColorSpaces.Expected}.");
        // Before the graphs are built, which takes minutes for large models: everything known from the request.
        if (LimitProblems(r, cfg) is { Count: > 0 } limits)
            throw new ArgumentException($"Package '{Shorten(r.Name)}' would be refused by readers: {string.Join(" ", limits)}");
        // Broken weights would export without complaint and fail only when the game generates: refuse them here, and
        // with fp16 also anything float16 cannot hold (WeightCheck explains the limits).
        var shapeProblems = DiTShapes.Problems(cfg, r.Weights.ToDictionary(kv => kv.Key, kv => kv.Value.shape));
        if (shapeProblems.Count > 0) throw new InvalidDataException($"Package '{r.Name}': the weights do not fit the config: {string.Join(" ", shapeProblems)}");
        WeightCheck.ThrowIfInvalid(r.Weights, $"Package '{r.Name}'", fp16: r.IncludeFp16);
        var options = new DiTExportOptions { Batch = r.Batch, GuidedChannels = r.GuidedChannels };
        int guided = options.ResolveGuidedChannels(cfg);

        var files = new List<(string, byte[])>();
        var graphs = new List<GraphInfo>();
        void AddGraph(string file, bool fp16)
        {
            var bytes = DiTOnnxExporter.ToBytes(DiTOnnxExporter.Build(cfg, r.Weights, options with { Fp16 = fp16 }));
            files.Add((file, bytes));
            graphs.Add(new GraphInfo(GraphRoles.DiT, file, Precisions.Of(fp16), r.Batch, PackageFormat.Opset, Sha256Hex(bytes)));
        }
        if (r.IncludeFp32) AddGraph(PackageFiles.DiTGraph(Precision.Fp32), fp16: false);
        if (r.IncludeFp16) AddGraph(PackageFiles.DiTGraph(Precision.Fp16), fp16: true);

        LatentInfo? latent = null;
        int outSize = cfg.InputSize, outChannels = cfg.InChannels;
        var decoders = r.VaeDecoders.ToList();
        if (r.VaeDecoderPath is not null)
        {
            if (!File.Exists(r.VaeDecoderPath)) throw new FileNotFoundException($"VAE decoder '{r.VaeDecoderPath}' does not exist.", r.VaeDecoderPath);
            decoders.Insert(0, new VaeDecoderGraph(File.ReadAllBytes(r.VaeDecoderPath), Precisions.Fp32));
        }
        if (decoders.Count > 0)
        {
            if (decoders.GroupBy(d => (d.Precision, d.Circular)).Any(g => g.Count() > 1) || decoders.Any(d => !Precisions.IsValid(d.Precision)))
                throw new ArgumentException("VAE decoders must be at most one fp32 and one fp16 graph (each also once with circular padding), got " +
                                            string.Join(", ", decoders.Select(d => d.Precision + (d.Circular ? " circular" : ""))) + ".");
            if (!decoders.Any(d => !d.Circular)) throw new ArgumentException("A circular-padding VAE decoder needs the ordinary (zero-padded) decoder beside it.");
            foreach (var d in decoders.Where(d => d.Circular && d.TileSize is int t && t < cfg.InputSize))
                throw new ArgumentException($"A circular-padding VAE decoder decodes whole latents: tile size {d.TileSize} is below the latent side {cfg.InputSize}.");
            foreach (var d in decoders.Where(d => d.TileSize is int t && (t < 1 || t > cfg.InputSize)))
                throw new ArgumentException($"VAE decoder tile size {d.TileSize} must be in 1..{cfg.InputSize} (the latent side).");
            // Zero-padded fp32 first: latent.decoder names it, and it is what readers fall back to.
            foreach (var d in decoders.OrderBy(d => d.Circular ? 1 : 0).ThenBy(d => d.Precision == Precisions.Fp32 ? 0 : 1))
            {
                string file = PackageFiles.DecoderGraph(Precisions.Parse(d.Precision), d.Circular ? Padding.Circular : Padding.Zeros);
                files.Add((file, d.Onnx));
                // Zero padding is the default and is not written, so packages from before the field stay byte-identical.
                graphs.Add(new GraphInfo(GraphRoles.VaeDecoder, file, d.Precision, r.Batch, PackageFormat.Opset, Sha256Hex(d.Onnx), d.TileSize,
                    d.Circular ? Paddings.Circular : null));
            }
            var primary = graphs.First(g => g.Role == GraphRoles.VaeDecoder);
            latent = new LatentInfo(r.LatentScale, r.LatentDownsample, primary.File, primary.Sha256, r.TileOverlap);
            outSize = cfg.InputSize * r.LatentDownsample;
            outChannels = DecodedChannels;
        }

        var names = r.ClassNames.Count == cfg.NumClasses ? r.ClassNames.ToList()
            : Enumerable.Range(0, cfg.NumClasses).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        manifest = new ModelManifest
        {
            Name = r.Name,
            Description = r.Description,
            License = r.License,
            Architecture = new ArchitectureInfo("DiT", cfg.Depth, cfg.HiddenSize, cfg.NumHeads, cfg.PatchSize, cfg.MlpRatio,
                cfg.Block.ToString(), cfg.LearnSigma),
            Input = new InputInfo(cfg.InputSize, cfg.InChannels, (latent is null ? InputSpace.Pixel : InputSpace.Latent).ToJson()),
            Output = new OutputInfo(outSize, outSize, outChannels, r.ColorSpace),
            Latent = latent,
            Classes = new ClassesInfo(cfg.NumClasses, cfg.ClassDropoutProb > 0 ? cfg.NumClasses : null, names, r.Synonyms),
            Schedule = new ScheduleInfo(r.ScheduleKind, r.Timesteps, null),
            Guidance = new GuidanceInfo(guided),
            Sampling = new SamplingInfo(r.ClipDenoised ?? SamplingConvention.DefaultClip(latentSpace: latent is not null)),
            Graphs = graphs,
            ContentHash = ContentHash(graphs),
            Training = new TrainingInfo(r.TrainingSteps, r.Dataset, r.FinalLoss),
        };
        files.Add((ManifestFile, Encoding.UTF8.GetBytes(manifest.ToJson())));
        if (SizeProblems(files) is { Count: > 0 } sizes)
            throw new ArgumentException($"Package '{Shorten(r.Name)}' would be refused by readers: {string.Join(" ", sizes)}");
        return files;
    }

    /// <summary>
    /// What the request would put into model.json beyond <see cref="ManifestLimits"/>, or another rule readers
    /// enforce (docs/model-package.md, "Limits and rules for readers"): the Plugin refuses such a package, so it is not
    /// written. Empty when the request is within them.
    /// </summary>
    public static List<string> LimitProblems(ModelPackageRequest r, DiTConfig cfg)
    {
        var p = new List<string>();
        void Length(string field, string? value, int max)
        {
            if (value is not null && value.Length > max) p.Add($"{field} is {value.Length} characters long, more than {max}.");
        }
        void Range(string field, long value, long min, long max)
        {
            if (value < min || value > max) p.Add($"{field} {value} is outside {min}..{max}.");
        }
        Length("name", r.Name, ManifestLimits.MaxNameChars);
        Length("description", r.Description, ManifestLimits.MaxTextChars);
        if (string.IsNullOrWhiteSpace(r.License.Id)) p.Add("license.id is blank; give the weights' licence (an SPDX id, or 'unspecified').");
        Length("license.id", r.License.Id, ManifestLimits.MaxNameChars);
        Length("license.text", r.License.Text, ManifestLimits.MaxTextChars);
        Length("license.attribution", r.License.Attribution, ManifestLimits.MaxTextChars);
        Range("input.size", cfg.InputSize, 1, ManifestLimits.MaxImageSide);
        Range("input.channels", cfg.InChannels, 1, ManifestLimits.MaxChannels);
        Range("classes.count", cfg.NumClasses, 1, ManifestLimits.MaxClasses);
        for (int i = 0; i < r.ClassNames.Count; i++) Length($"classes.names[{i}]", r.ClassNames[i], ManifestLimits.MaxNameChars);
        if (r.Synonyms.Count > ManifestLimits.MaxSynonyms) p.Add($"classes.synonyms has {r.Synonyms.Count} entries, more than {ManifestLimits.MaxSynonyms}.");
        foreach (var (key, id) in r.Synonyms)
        {
            Length($"classes.synonyms key '{Shorten(key)}'", key, ManifestLimits.MaxNameChars);
            // The resolver searches by words (ClassText.Words): a synonym without any could never be found.
            if (ClassText.Words(key).Length == 0) p.Add($"classes.synonyms has '{Shorten(key)}' (for class {id}), which has no letters or digits, so no search could find it.");
            if (id < 0 || id >= cfg.NumClasses) p.Add($"classes.synonyms['{Shorten(key)}'] = {id} is not a class id (0..{cfg.NumClasses - 1}).");
        }
        Range("schedule.timesteps", r.Timesteps, 1, ManifestLimits.MaxTimesteps);
        if (r.ScheduleKind == ScheduleKinds.Linear && r.Timesteps is >= 1 and < ManifestLimits.MinLinearTimesteps)
            p.Add($"schedule.timesteps {r.Timesteps} is too few for the linear schedule (it needs {ManifestLimits.MinLinearTimesteps}..{ManifestLimits.MaxTimesteps}).");
        Range("batch", r.Batch, 1, ManifestLimits.MaxBatch);
        long Elements(GraphRole role, int? tile) =>
            ManifestLimits.LargestTensorElements(role, r.Batch, cfg.InChannels, cfg.InputSize, tile, r.LatentDownsample, DecodedChannels);
        if (Elements(GraphRole.DiT, null) > ManifestLimits.MaxTensorElements)
            p.Add($"the DiT's tensors [{r.Batch}, {cfg.InChannels}, {cfg.InputSize}, {cfg.InputSize}] hold more than {ManifestLimits.MaxTensorElements} values; lower the batch.");
        // Decoders given as a file decode whole latents, as a format-1 reader assumes of latent.decoder.
        var tiles = r.VaeDecoders.Select(d => d.TileSize).Concat(r.VaeDecoderPath is null ? Array.Empty<int?>() : new int?[] { null }).ToList();
        if (tiles.Count > 0)
        {
            Range("latent.downsample", r.LatentDownsample, 1, ManifestLimits.MaxDownsample);
            Range("output side (input.size × latent.downsample)", (long)cfg.InputSize * r.LatentDownsample, 1, ManifestLimits.MaxImageSide);
            foreach (var tile in tiles.Distinct().Where(t => Elements(GraphRole.VaeDecoder, t) > ManifestLimits.MaxTensorElements))
                p.Add($"the VAE decoder{(tile is int t ? $" for {t}-latent tiles" : "")} has a tensor of more than {ManifestLimits.MaxTensorElements} values; lower the batch or use a smaller tile.");
            if (r.TileOverlap is int overlap && tiles.Any(t => t is int side && side < cfg.InputSize && (overlap < 0 || overlap >= side)))
                p.Add($"latent.tileOverlap {overlap} must be in 0..tileSize-1.");
        }
        return p;
    }

    /// <summary>The image channels a VAE decoder graph writes (RGB); output.channels of a latent package.</summary>
    private const int DecodedChannels = 3;

    /// <summary>The package's files beyond <see cref="ManifestLimits"/>' byte limits, which readers check before reading them.</summary>
    private static List<string> SizeProblems(List<(string Name, byte[] Bytes)> files)
    {
        var p = new List<string>();
        foreach (var (name, bytes) in files)
        {
            long max = name == ManifestFile ? ManifestLimits.MaxManifestBytes : ManifestLimits.MaxGraphBytes;
            if (bytes.LongLength > max) p.Add($"{name} is {bytes.LongLength} bytes, more than {max}.");
        }
        long total = files.Sum(f => f.Bytes.LongLength);
        if (total > ManifestLimits.MaxPackageBytes) p.Add($"the package's files are {total} bytes in all, more than {ManifestLimits.MaxPackageBytes}.");
        return p;
    }

    // Messages quote names given by the user; one far beyond the limit is shown by its start.
    private static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";

    /// <summary>
    /// Class names must be unique (trimmed, ignoring case) but for ImageNet's own repeats in an ImageNet model: the
    /// Contract's rule (<see cref="ClassNameRepeats"/>), so a package written here names every class findable by name.
    /// </summary>
    public static void CheckUniqueNames(IReadOnlyList<string> names)
    {
        var refused = ClassNameRepeats.Refused(names);
        if (refused.Count > 0)
            throw new ArgumentException("Class names must be unique (ignoring case), or the later classes cannot be found by name: " + ClassNameRepeats.Describe(refused) + ".");
    }

    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>sha256 over the graphs' sha256 values, in order, joined by '\n'.</summary>
    public static string ContentHash(IEnumerable<GraphInfo> graphs) =>
        Sha256Hex(Encoding.UTF8.GetBytes(string.Join("\n", graphs.Select(g => g.Sha256))));

    /// <summary>Reads one file of a package folder or .zip.</summary>
    public static byte[] ReadFile(string packagePath, string file)
    {
        if (IsZip(packagePath))
        {
            using var zip = ZipFile.OpenRead(packagePath);
            var entry = zip.GetEntry(file) ?? throw new FileNotFoundException($"Package '{packagePath}' has no '{file}'.");
            using var s = entry.Open();
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            return ms.ToArray();
        }
        var p = Path.Combine(packagePath, file);
        return File.Exists(p) ? File.ReadAllBytes(p) : throw new FileNotFoundException($"Package '{packagePath}' has no '{file}'.", p);
    }

    /// <summary>Reads model.json and checks format, version, files and sha256s; errors name the file and the problem.</summary>
    public static ModelManifest ReadAndVerify(string packagePath)
    {
        var m = ModelManifest.FromJson(Encoding.UTF8.GetString(ReadFile(packagePath, ManifestFile)));
        if (m.Format != ModelManifest.FormatName) throw new InvalidDataException($"{ManifestFile}: unknown format '{m.Format}'.");
        if (m.FormatVersion > ModelManifest.CurrentFormatVersion)
            throw new InvalidDataException($"{ManifestFile}: formatVersion {m.FormatVersion} is newer than {ModelManifest.CurrentFormatVersion}.");
        foreach (var g in m.Graphs)
        {
            var actual = Sha256Hex(ReadFile(packagePath, g.File));
            if (actual != g.Sha256) throw new InvalidDataException($"{g.File}: sha256 {actual} does not match model.json ({g.Sha256}).");
        }
        if (m.Latent is { } l && m.Graphs.All(g => g.File != l.Decoder) && Sha256Hex(ReadFile(packagePath, l.Decoder)) != l.DecoderSha256)
            throw new InvalidDataException($"{l.Decoder}: sha256 does not match model.json.");
        if (ContentHash(m.Graphs) != m.ContentHash) throw new InvalidDataException($"{ManifestFile}: contentHash does not match the graphs.");
        return m;
    }
}
