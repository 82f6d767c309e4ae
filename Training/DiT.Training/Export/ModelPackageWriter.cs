using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using DiTPlugin.Contract.Classes;
using DiTPlugin.Contract.Package;
using DiT.Training.Formats;
using DiT.Training.Model;
using DiT.Training.Trainer;
using static TorchSharp.torch;

namespace DiT.Training.Export;

/// <summary>Everything a model package holds besides the weights' graph structure.</summary>
public sealed record ModelPackageRequest
{
    public required DiTConfig Config { get; init; }
    /// <summary>The DiT state_dict to export (the EMA weights of a checkpoint).</summary>
    public required IReadOnlyDictionary<string, Tensor> Weights { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public LicenseInfo License { get; init; } = new() { Id = "unspecified", Text = "", Attribution = "" };
    public IReadOnlyDictionary<string, int> Synonyms { get; init; } = new Dictionary<string, int>();
    public ScheduleKind ScheduleKind { get; init; } = ScheduleKind.Linear;
    public int Timesteps { get; init; } = 1000;
    public int Batch { get; init; } = 1;
    public int? GuidedChannels { get; init; }
    /// <summary>DiT graphs with the y_uncond input (negative guidance; formatVersion 3). False: the graphs older readers take.</summary>
    public bool UnconditionalLabelInput { get; init; } = true;
    /// <summary>DiT graphs with the y_mix and mix inputs (class mixing; formatVersion 3). False: the graphs older readers take.</summary>
    public bool ClassMixInput { get; init; } = true;
    /// <summary>sampling.clipDenoised; null = the package's space default (pixel: clip, latent: don't).</summary>
    public bool? ClipDenoised { get; init; }
    /// <summary>sampling.sampler: the sampler spec the Plugin uses by default ("dpm25"); null: the reader's default.</summary>
    public string? DefaultSampler { get; init; }
    /// <summary>sampling.cfgScale: the guidance scale the Plugin uses by default; null: the reader's default (4).</summary>
    public double? DefaultCfgScale { get; init; }
    public bool IncludeFp32 { get; init; } = true;
    public bool IncludeFp16 { get; init; }
    /// <summary>Also write dit_int8.onnx (Int8.Int8GraphRewriter over the fp32 graph); the package then has formatVersion 2.</summary>
    public bool IncludeInt8 { get; init; }
    /// <summary>How the int8 graph is made; null = Int8Options defaults.</summary>
    public Int8.Int8Options? Int8 { get; init; }
    /// <summary>
    /// DiT graphs' weights in an external data file beside the graph (dit.onnx.data): true always, false never,
    /// null (the default) when a graph's weights exceed one protobuf file's 2 GB (fp32 DiT-XL/2). Folder packages only.
    /// </summary>
    public bool? ExternalData { get; init; }
    public ColorSpace ColorSpace { get; init; } = ColorSpace.Srgb;
    /// <summary>For latent models: an existing VAE decoder ONNX file (latent/scale → RGB), copied as vae_decoder.onnx.</summary>
    public string? VaeDecoderPath { get; init; }
    /// <summary>For latent models: decoder graphs built here (e.g. by VaeDecoderOnnxExporter), at most one per precision.</summary>
    public IReadOnlyList<VaeDecoderGraph> VaeDecoders { get; init; } = Array.Empty<VaeDecoderGraph>();
    /// <summary>
    /// For latent models: VAE encoder graphs (VaeEncoderOnnxExporter, batch 1), at most one per precision. With one the
    /// Plugin can start from an existing texture (variations, inpainting, seam repair); the package is then formatVersion 4.
    /// </summary>
    public IReadOnlyList<VaeEncoderGraph> VaeEncoders { get; init; } = Array.Empty<VaeEncoderGraph>();
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
        ScheduleKind = ScheduleKinds.Parse(ckpt.Options.Schedule),
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
public sealed record VaeDecoderGraph(byte[] Onnx, Precision Precision, int? TileSize = null, bool Circular = false);

/// <summary>A VAE encoder ONNX graph for a package (batch 1, whole textures).</summary>
public sealed record VaeEncoderGraph(byte[] Onnx, Precision Precision);

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
        var files = Build(r, out var manifest, out var data);
        try { return Write(outPath, files, manifest, data); }
        finally { foreach (var d in data) d.Sink?.Dispose(); }   // removes data files never moved into a package
    }

    private static ModelManifest Write(string outPath, List<(string Name, byte[] Bytes)> files, ModelManifest manifest, List<OnnxExternalData.Split> data)
    {
        if (IsZip(outPath) && data.Count > 0)
            throw new ArgumentException($"'{outPath}': graphs with external data ({string.Join(", ", data.Select(d => d.DataFile))}) are read by ONNX Runtime " +
                                        "from files beside them, so such a package is a folder, not a .zip.");
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
        else WriteFolder(outPath, files, data);
        return manifest;
    }

    /// <summary>
    /// Builds the package in a sibling folder, then swaps it in: the old package (if any) is renamed aside, the new one
    /// renamed into place, the old one deleted. A failure (a full disk, a kill) before the swap leaves only a hidden
    /// temporary folder, which the next export removes; the target keeps its previous, complete package.
    /// </summary>
    private static void WriteFolder(string outPath, List<(string Name, byte[] Bytes)> files, IReadOnlyList<OnnxExternalData.Split> data)
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
            foreach (var d in data)
            {
                if (d.Sink != null) { d.Sink.MoveTo(Path.Combine(temp, d.DataFile)); continue; }
                using (var f = new FileStream(Path.Combine(temp, d.DataFile), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
                {
                    d.WriteData(f);
                    f.Flush(flushToDisk: true);
                }
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
        var files = Build(r, out manifest, out var data);
        foreach (var d in data) d.Sink?.Dispose();
        if (data.Count > 0)
            throw new InvalidOperationException("Graphs with external data are written by ModelPackageWriter.Write to a folder (their data exceeds one array).");
        return files;
    }

    /// <summary>As above, with the external data files of the graphs that have one (written beside them by Write).</summary>
    private static List<(string Name, byte[] Bytes)> Build(ModelPackageRequest r, out ModelManifest manifest, out List<OnnxExternalData.Split> data)
    {
        var cfg = r.Config.Validate();
        if (!r.IncludeFp32 && !r.IncludeFp16) throw new ArgumentException("A package needs at least one DiT graph (fp32 or fp16).");
        if (r.ClassNames.Count != 0 && r.ClassNames.Count != cfg.NumClasses)
            throw new ArgumentException($"{r.ClassNames.Count} class names for a model with {cfg.NumClasses} classes.");
        CheckUniqueNames(r.ClassNames);
        if (r.VaeDecoderPath is not null && !File.Exists(r.VaeDecoderPath))
            throw new FileNotFoundException($"VAE decoder '{r.VaeDecoderPath}' does not exist.", r.VaeDecoderPath);
        // Before the graphs are built, which takes minutes for large models: the manifest they will get, by the rules
        // readers apply.
        if (LimitProblems(r, cfg) is { Count: > 0 } problems)
            throw new ArgumentException($"Package '{Shorten(r.Name)}' would be refused by readers: {string.Join(" ", problems)}");
        // Broken weights would export without complaint and fail only when the game generates: refuse them here, and
        // with fp16 also anything float16 cannot hold (WeightCheck explains the limits).
        var shapeProblems = DiTShapes.Problems(cfg, r.Weights.ToDictionary(kv => kv.Key, kv => kv.Value.shape));
        if (shapeProblems.Count > 0) throw new InvalidDataException($"Package '{r.Name}': the weights do not fit the config: {string.Join(" ", shapeProblems)}");
        WeightCheck.ThrowIfInvalid(r.Weights, $"Package '{r.Name}'", fp16: r.IncludeFp16);

        var splits = new Dictionary<string, OnnxExternalData.Split>();
        try { return Assemble(r, cfg, splits, out manifest, out data); }
        catch
        {
            foreach (var d in splits.Values) d.Sink?.Dispose();   // data files written to the temp folder so far
            throw;
        }
    }

    private static List<(string Name, byte[] Bytes)> Assemble(ModelPackageRequest r, DiTConfig cfg, Dictionary<string, OnnxExternalData.Split> splits,
        out ModelManifest manifest, out List<OnnxExternalData.Split> data)
    {
        var files = new List<(string, byte[])>();
        var graphs = new List<GraphInfo>();
        foreach (var (entry, make) in Plan(r, cfg, splits))
        {
            var bytes = make();
            files.Add((entry.File, bytes));
            graphs.Add(entry with { Sha256 = Sha256Hex(bytes), DataSha256 = splits.TryGetValue(entry.File, out var split) ? split.DataSha256 : null });
        }
        data = splits.Values.ToList();
        long packageBytes = files.Sum(f => ((byte[])f.Item2).LongLength) + data.Sum(d => d.DataLength);
        if (packageBytes > ManifestLimits.MaxPackageBytes)
            throw new ArgumentException($"Package '{Shorten(r.Name)}' would be refused by readers: its graphs and data files are {packageBytes} bytes, more than {ManifestLimits.MaxPackageBytes}.");
        manifest = Manifest(r, cfg, graphs);
        var json = Encoding.UTF8.GetBytes(manifest.ToJson());
        files.Add((ManifestFile, json));
        if (SizeProblems(files) is { Count: > 0 } sizes)
            throw new ArgumentException($"Package '{Shorten(r.Name)}' would be refused by readers: {string.Join(" ", sizes)}");
        // What is written must read back, through the reader every package meets, as what was meant.
        if (ModelManifest.Parse(json) != manifest)
            throw new InvalidOperationException($"{ManifestFile} of package '{Shorten(r.Name)}' does not read back as written.");
        return files;
    }

    /// <summary>
    /// The graphs a request makes, in package order (DiT fp32, DiT fp16, DiT int8, then the decoders: zero-padded before
    /// circular, fp32 before fp16), each with its manifest entry (sha256 still unknown) and how to make its bytes.
    /// </summary>
    private static List<(GraphInfo Entry, Func<byte[]> Make)> Plan(ModelPackageRequest r, DiTConfig cfg, Dictionary<string, OnnxExternalData.Split>? splits = null)
    {
        var options = new DiTExportOptions { Batch = r.Batch, GuidedChannels = r.GuidedChannels, UnconditionalLabelInput = r.UnconditionalLabelInput, ClassMixInput = r.ClassMixInput };
        var plan = new List<(GraphInfo, Func<byte[]>)>();
        GraphInfo Entry(GraphRole role, Precision precision, string file, int? tileSize = null, Padding padding = Padding.Zeros) => new()
        {
            Role = role, File = file, Precision = precision, Batch = r.Batch, Opset = PackageFormat.Opset, TileSize = tileSize, Padding = padding,
        };
        foreach (var precision in new[] { Precision.Fp32, Precision.Fp16 })
        {
            if (!(precision == Precision.Fp16 ? r.IncludeFp16 : r.IncludeFp32)) continue;
            bool external = r.ExternalData ?? ExternalDataPlan.Needed(r.Weights, precision);
            var exportOptions = options with { Fp16 = precision == Precision.Fp16, ExternalData = external };
            string file = PackageFiles.DiTGraph(precision);
            if (!external)
            {
                plan.Add((Entry(GraphRole.DiT, precision, file),
                    () => DiTOnnxExporter.ToBytes(DiTOnnxExporter.Build(cfg, r.Weights, exportOptions))));
                continue;
            }
            string dataFile = ExternalDataPlan.DataFileOf(file);
            plan.Add((Entry(GraphRole.DiT, precision, file) with { DataFile = dataFile }, () =>
            {
                // Weights go to the data file as the graph is built, so the export holds one copy of them (the caller's).
                var sink = new ExternalDataSink(dataFile);
                try
                {
                    var split = OnnxExternalData.Finish(DiTOnnxExporter.Build(cfg, r.Weights, exportOptions with { Sink = sink }), sink);
                    if (splits != null) splits[file] = split;
                    else sink.Dispose();
                    return split.Graph;
                }
                catch { sink.Dispose(); throw; }
            }));
        }
        // The fp32 graph the rewrite starts from only lives in memory, so it may pass protobuf's 2 GB (fp32 XL/2): only
        // the int8 graph, about half its size, is serialised. Its weights go to a data file of its own only when asked
        // (--external-data true): at XL/2 that lowered the peak after load (0.67 GB against 1.87 GB) but raised the peak
        // while generating (2.34 GB against 2.18 GB), so inline is the default (docs/performance.md).
        if (r.IncludeInt8)
        {
            string file = PackageFiles.DiTInt8;
            var Int8Graph = () => Int8.Int8GraphRewriter.Quantize(DiTOnnxExporter.Build(cfg, r.Weights, options with { ExternalData = true }), r.Int8);
            if (r.ExternalData != true)
                plan.Add((Entry(GraphRole.DiT, Precision.Int8, file), () => DiTOnnxExporter.ToBytes(Int8Graph())));
            else
            {
                string dataFile = ExternalDataPlan.DataFileOf(file);
                plan.Add((Entry(GraphRole.DiT, Precision.Int8, file) with { DataFile = dataFile }, () =>
                {
                    var split = OnnxExternalData.Externalize(Int8Graph(), dataFile);
                    if (splits != null) splits[file] = split;
                    return split.Graph;
                }));
            }
        }

        var decoders = r.VaeDecoders.Select(d => (Graph: d, Make: (Func<byte[]>)(() => d.Onnx))).ToList();
        if (r.VaeDecoderPath is { } path)
            decoders.Insert(0, (new VaeDecoderGraph(Array.Empty<byte>(), Precision.Fp32), () => File.ReadAllBytes(path)));
        if (decoders.Count == 0)
        {
            if (r.VaeEncoders.Count > 0) throw new ArgumentException("A VAE encoder belongs in a latent package: give the VAE decoder too.");
            return plan;
        }
        var graphs = decoders.Select(d => d.Graph).ToList();
        if (graphs.GroupBy(d => (d.Precision, d.Circular)).Any(g => g.Count() > 1) || graphs.Any(d => !Enum.IsDefined(d.Precision)))
            throw new ArgumentException("VAE decoders must be at most one fp32 and one fp16 graph (each also once with circular padding), got " +
                                        string.Join(", ", graphs.Select(d => (Enum.IsDefined(d.Precision) ? d.Precision.ToJson() : $"precision {(int)d.Precision}") + (d.Circular ? " circular" : ""))) + ".");
        if (!graphs.Any(d => !d.Circular)) throw new ArgumentException("A circular-padding VAE decoder needs the ordinary (zero-padded) decoder beside it.");
        foreach (var d in graphs.Where(d => d.Circular && d.TileSize is int t && t < cfg.InputSize))
            throw new ArgumentException($"A circular-padding VAE decoder decodes whole latents: tile size {d.TileSize} is below the latent side {cfg.InputSize}.");
        foreach (var d in graphs.Where(d => d.TileSize is int t && (t < 1 || t > cfg.InputSize)))
            throw new ArgumentException($"VAE decoder tile size {d.TileSize} must be in 1..{cfg.InputSize} (the latent side).");
        // Zero-padded fp32 first: latent.decoder names it, and it is what readers fall back to.
        foreach (var (d, make) in decoders.OrderBy(d => d.Graph.Circular ? 1 : 0).ThenBy(d => d.Graph.Precision == Precision.Fp32 ? 0 : 1))
        {
            var padding = d.Circular ? Padding.Circular : Padding.Zeros;
            plan.Add((Entry(GraphRole.VaeDecoder, d.Precision, PackageFiles.DecoderGraph(d.Precision, padding), d.TileSize, padding), make));
        }
        if (r.VaeEncoders.GroupBy(e => e.Precision).Any(g => g.Count() > 1) || r.VaeEncoders.Any(e => e.Precision == Precision.Int8 || !Enum.IsDefined(e.Precision)))
            throw new ArgumentException("VAE encoders must be at most one fp32 and one fp16 graph, got " + string.Join(", ", r.VaeEncoders.Select(e => (int)e.Precision)) + ".");
        foreach (var e in r.VaeEncoders.OrderBy(e => e.Precision == Precision.Fp32 ? 0 : 1))
            plan.Add((Entry(GraphRole.VaeEncoder, e.Precision, PackageFiles.EncoderGraph(e.Precision)) with { Batch = 1 }, () => e.Onnx));
        return plan;
    }

    /// <summary>Whether the DiT graphs take y_uncond: asked for, and the model has a null class (so it guides at all).</summary>
    private static bool UncondInput(ModelPackageRequest r, DiTConfig cfg) => r.UnconditionalLabelInput && cfg.ClassDropoutProb > 0;

    /// <summary>model.json for a request and its graphs (with their sha256, or placeholders before they are built).</summary>
    private static ModelManifest Manifest(ModelPackageRequest r, DiTConfig cfg, IReadOnlyList<GraphInfo> graphs)
    {
        var decoder = graphs.FirstOrDefault(g => g.Role == GraphRole.VaeDecoder);
        var latent = decoder is null ? null : new LatentInfo
        {
            Scale = r.LatentScale, Downsample = r.LatentDownsample, Decoder = decoder.File, DecoderSha256 = decoder.Sha256, TileOverlap = r.TileOverlap,
        };
        int outSize = latent is null ? cfg.InputSize : cfg.InputSize * r.LatentDownsample;
        var names = r.ClassNames.Count == cfg.NumClasses ? r.ClassNames.ToList()
            : Enumerable.Range(0, cfg.NumClasses).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return new ModelManifest
        {
            Format = ModelManifest.FormatName,
            FormatVersion = PackageFormat.VersionFor(graphs.Select(g => g.Precision), graphs.Any(g => g.DataFile != null), UncondInput(r, cfg) || r.ClassMixInput,
                vaeEncoder: graphs.Any(g => g.Role == GraphRole.VaeEncoder)),
            Name = r.Name,
            Description = r.Description,
            License = r.License,
            Architecture = new ArchitectureInfo
            {
                Family = "DiT", Depth = cfg.Depth, HiddenSize = cfg.HiddenSize, NumHeads = cfg.NumHeads, PatchSize = cfg.PatchSize,
                MlpRatio = cfg.MlpRatio, Block = cfg.Block.ToString(), LearnSigma = cfg.LearnSigma,
            },
            Input = new InputInfo { Size = cfg.InputSize, Channels = cfg.InChannels, Space = latent is null ? InputSpace.Pixel : InputSpace.Latent },
            Output = new OutputInfo
            {
                Width = outSize, Height = outSize, Channels = latent is null ? cfg.InChannels : DecodedChannels, ColorSpace = r.ColorSpace,
            },
            Latent = latent,
            Classes = new ClassesInfo { Count = cfg.NumClasses, NullClass = cfg.ClassDropoutProb > 0 ? cfg.NumClasses : null, Names = names, Synonyms = r.Synonyms },
            Schedule = new ScheduleInfo { Kind = r.ScheduleKind, Timesteps = r.Timesteps },
            Guidance = new GuidanceInfo
            {
                GuidedChannels = new DiTExportOptions { GuidedChannels = r.GuidedChannels }.ResolveGuidedChannels(cfg),
                UnconditionalLabelInput = UncondInput(r, cfg) ? true : null,
                ClassMixInput = r.ClassMixInput ? true : null,
            },
            Sampling = new SamplingInfo
            {
                ClipDenoised = r.ClipDenoised ?? SamplingConvention.DefaultClip(latentSpace: latent is not null),
                // Canonical spelling ("DPM25" → "dpm25"); a spec the schedule cannot take is refused here by name.
                Sampler = r.DefaultSampler is null ? null : DiTPlugin.Contract.Sampling.SamplerSpec.Parse(r.DefaultSampler, r.Timesteps).ToString(),
                CfgScale = r.DefaultCfgScale,
            },
            Graphs = graphs,
            ContentHash = ModelManifest.ContentHashOf(graphs),
            Training = new TrainingInfo { Steps = r.TrainingSteps, Dataset = r.Dataset, FinalLoss = r.FinalLoss },
        };
    }

    /// <summary>
    /// What readers would refuse in the package a request makes (docs/model-package.md, "Limits and rules for
    /// readers"): its manifest, with stand-ins for the graphs' sha256, checked by the rules the Plugin reads it with
    /// (<see cref="ModelManifest.Problems"/>), before any graph is built. Empty when readers would take it.
    /// </summary>
    public static IReadOnlyList<string> LimitProblems(ModelPackageRequest r, DiTConfig cfg)
    {
        string unknown = new('0', 64);
        var graphs = Plan(r, cfg).Select(p => p.Entry with { Sha256 = unknown, DataSha256 = p.Entry.DataFile is null ? null : unknown }).ToList();
        return Manifest(r, cfg, graphs).Problems();
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

    /// <summary>
    /// A package folder's graph parsed, after checking its bytes against the sha256 model.json gives (the rewrites of
    /// `dit quantize` and `dit upgrade` start from it). model.json was validated: the file is a plain path inside.
    /// </summary>
    public static Onnx.ModelProto ReadVerifiedGraph(string folder, GraphInfo graph)
    {
        var bytes = File.ReadAllBytes(Path.Combine(folder, graph.File));
        if (Sha256Hex(bytes) != graph.Sha256.ToLowerInvariant())
            throw new InvalidDataException($"{graph.File} does not match its sha256 in {PackageFiles.Manifest}.");
        return Onnx.ModelProto.Parser.ParseFrom(bytes);
    }

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

    /// <summary>
    /// Reads model.json by the rules readers apply (<see cref="ModelManifest.Parse(byte[])"/>,
    /// throwing <see cref="PackageFormatException"/>) and checks every file's sha256 and the contentHash; errors name
    /// the file and the problem.
    /// </summary>
    public static ModelManifest ReadAndVerify(string packagePath)
    {
        var m = ModelManifest.Parse(ReadFile(packagePath, ManifestFile));
        foreach (var g in m.Graphs)
        {
            var actual = Sha256Hex(ReadFile(packagePath, g.File));
            if (!actual.Equals(g.Sha256, StringComparison.OrdinalIgnoreCase)) throw new InvalidDataException($"{g.File}: sha256 {actual} does not match model.json ({g.Sha256}).");
            if (g.DataFile is { } data)
            {
                if (IsZip(packagePath)) throw new InvalidDataException($"{g.File}: has the external data file {data}, which a .zip package cannot carry.");
                var dataSha = ExternalDataPlan.Sha256OfFile(Path.Combine(packagePath, data));
                if (!dataSha.Equals(g.DataSha256, StringComparison.OrdinalIgnoreCase)) throw new InvalidDataException($"{data}: sha256 {dataSha} does not match model.json ({g.DataSha256}).");
            }
        }
        if (m.Latent is { } l && m.Graphs.All(g => g.File != l.Decoder) && !Sha256Hex(ReadFile(packagePath, l.Decoder)).Equals(l.DecoderSha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{l.Decoder}: sha256 does not match model.json.");
        if (!m.ComputeContentHash().Equals(m.ContentHash, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{ManifestFile}: contentHash does not match the graphs.");
        return m;
    }
}
