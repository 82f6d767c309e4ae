using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using DiT.Training.Formats;
using DiT.Training.Model;
using static TorchSharp.torch;

namespace DiT.Training.Trainer;

/// <summary>
/// A training checkpoint as one safetensors file: "model.*" and "ema.*" hold the two state dicts under the
/// official key names, "optimizer" the AdamW state (TorchSharp's serialisation, as bytes), "rng.torch" the global
/// generator; the metadata holds the config, step, seed, options and class names. Written atomically, so a
/// crash mid-save leaves the previous checkpoint intact.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    public const string Format = "ditplugin-checkpoint/1";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>The file this checkpoint was read from (for error messages).</summary>
    public string Source { get; init; } = "<memory>";
    public required DiTConfig Config { get; init; }
    public required long Step { get; init; }
    public required TrainOptions Options { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    public required Dictionary<string, Tensor> Model { get; init; }
    public required Dictionary<string, Tensor> Ema { get; init; }
    public byte[]? OptimizerState { get; init; }
    public Tensor? TorchRngState { get; init; }
    /// <summary>Licence and origin of imported weights; null for weights trained here (the trainer's choice).</summary>
    public Provenance? Provenance { get; init; }
    /// <summary>The sampling convention recorded at import (e.g. the official DiT's); null for trained checkpoints.</summary>
    public SamplingConvention? Sampling { get; init; }

    /// <summary>The recorded convention, else the one of how the model was trained (latent or pixel space, all channels guided).</summary>
    public SamplingConvention SamplingDefaults => Sampling ?? new SamplingConvention(Options.LatentSpace);

    /// <summary>
    /// Saves a full training checkpoint; with <paramref name="model"/> null, a weights-only one (EMA weights, no
    /// optimizer state) that samples but cannot resume training, a quarter of the size.
    /// </summary>
    public static void Save(string path, DiTModel? model, DiTModel ema, TorchSharp.Modules.OptimizerHelper? optimizer, long step, TrainOptions options,
        IReadOnlyList<string> classNames, Provenance? provenance = null, SamplingConvention? sampling = null)
    {
        var tensors = new Dictionary<string, Tensor>();
        if (model is not null) foreach (var (k, v) in model.state_dict()) tensors["model." + k] = v;
        foreach (var (k, v) in ema.state_dict()) tensors["ema." + k] = v;
        if (optimizer is not null)
        {
            using var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(w);
            tensors["optimizer"] = tensor(ms.ToArray(), dtype: uint8);
        }
        tensors["rng.torch"] = get_rng_state();
        var meta = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["config"] = JsonSerializer.Serialize(ema.Config, Json),
            ["step"] = step.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["options"] = JsonSerializer.Serialize(options, Json),
            ["class_names"] = JsonSerializer.Serialize(classNames, Json),
        };
        if (provenance is not null) meta["provenance"] = JsonSerializer.Serialize(provenance, Json);
        if (sampling is not null) meta["sampling"] = JsonSerializer.Serialize(sampling, Json);
        Safetensors.Save(path, tensors, meta);
    }

    /// <summary>
    /// Reads and validates a checkpoint; every error is an <see cref="InvalidDataException"/> (or
    /// <see cref="FileNotFoundException"/>) naming the file and what is wrong. In order, before anything large is
    /// allocated: the file is a safetensors file (a PyTorch file gets the `dit import` advice instead), every metadata
    /// field is valid and the config within bounds (<see cref="CheckpointMetadata"/>), and the header's "ema."/"model."
    /// tensors have exactly the config's names, shapes (<see cref="DiTShapes"/>) and a floating dtype. Only then are
    /// tensors read, so memory stays proportional to the file, and their values checked (<see cref="WeightCheck"/>).
    /// </summary>
    public static Checkpoint Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
            throw new InvalidDataException($"Checkpoint '{path}' is a folder; a checkpoint is one file written by dit train or dit import.");
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        RefuseOtherFormats(path);
        SafetensorsReader reader;
        try { reader = SafetensorsReader.Open(path); }
        catch (InvalidDataException e) { throw new InvalidDataException($"Checkpoint '{path}' is corrupt or truncated: {e.Message}", e); }
        using (reader)
        {
            var meta = reader.Header.Metadata;
            if (!meta.TryGetValue("format", out var format))
                throw new InvalidDataException(
                    $"'{path}' is a safetensors file but not a DiTPlugin checkpoint (no 'format' metadata; {Format} expected). " +
                    $"If it holds official-layout DiT weights, convert them first: {ImportAdvice(path)}");
            if (format != Format)
                throw new InvalidDataException($"Checkpoint '{path}' has format '{(format.Length <= 60 ? format : format[..60] + "…")}', expected '{Format}'.");
            var m = CheckpointMetadata.Read(meta, path);
            var ema = Entries(reader.Header, "ema.");
            var raw = Entries(reader.Header, "model.");
            if (ema.Count == 0) throw new InvalidDataException($"Checkpoint '{path}' holds no EMA weights (no 'ema.*' tensors).");
            CheckEntries(ema, m.Config, path, "ema");
            if (raw.Count > 0) CheckEntries(raw, m.Config, path, "model");
            var optimizer = ByteEntry(reader.Header, "optimizer", path);
            var rng = ByteEntry(reader.Header, "rng.torch", path);

            var ckpt = new Checkpoint
            {
                Source = path,
                Config = m.Config,
                Step = m.Step,
                Options = m.Options,
                ClassNames = m.ClassNames,
                Model = new Dictionary<string, Tensor>(),
                Ema = new Dictionary<string, Tensor>(),
                OptimizerState = optimizer is null ? null : reader.ReadBytes(optimizer),
                TorchRngState = rng is null ? null : reader.ReadTensor(rng),
                Provenance = m.Provenance,
                Sampling = m.Sampling,
            };
            try
            {
                foreach (var (k, e) in ema) ckpt.Ema[k] = reader.ReadTensor(e);
                foreach (var (k, e) in raw) ckpt.Model[k] = reader.ReadTensor(e);
                WeightCheck.ThrowIfInvalid(ckpt.Ema.Select(kv => new KeyValuePair<string, Tensor>("ema." + kv.Key, kv.Value)), $"Checkpoint '{path}'");
                WeightCheck.ThrowIfInvalid(ckpt.Model.Select(kv => new KeyValuePair<string, Tensor>("model." + kv.Key, kv.Value)), $"Checkpoint '{path}'");
            }
            catch
            {
                ckpt.Dispose();
                throw;
            }
            return ckpt;
        }
    }

    /// <summary>`dit sample`/`export` take checkpoints; a PyTorch file or a zip (a package?) gets advice, not "corrupt".</summary>
    private static void RefuseOtherFormats(string path)
    {
        if (StateDictFile.IsPyTorch(path))
            throw new InvalidDataException(
                $"'{path}' is a PyTorch file (torch.save / pickle), not a DiTPlugin checkpoint. Convert it first: {ImportAdvice(path)}, then use the .ckpt.");
        if (StateDictFile.Sniff(path) == StateDictFileKind.TorchZip)
            throw new InvalidDataException(
                $"'{path}' is a zip archive (a model package written by dit export?), not a DiTPlugin checkpoint (a safetensors file from dit train or dit import).");
    }

    private static string ImportAdvice(string path)
    {
        string stem = Path.GetFileNameWithoutExtension(path);
        string output = stem + ".ckpt";
        if (string.Equals(output, Path.GetFileName(path), StringComparison.OrdinalIgnoreCase)) output = stem + "-imported.ckpt";
        return $"dit import --dit {path} --out {output}";
    }

    private static Dictionary<string, SafetensorsEntry> Entries(SafetensorsHeader header, string prefix) =>
        header.Entries.Where(e => e.Name.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(e => e.Name[prefix.Length..], e => e, StringComparer.Ordinal);

    /// <summary>Names, shapes and dtypes from the header alone, before any tensor is read or model built.</summary>
    private static void CheckEntries(Dictionary<string, SafetensorsEntry> entries, DiTConfig config, string path, string which)
    {
        var problems = DiTShapes.Problems(config, entries.ToDictionary(kv => kv.Key, kv => kv.Value.Shape));
        if (problems.Count > 0)
            throw new InvalidDataException(
                $"Checkpoint '{path}': the '{which}.' weights do not fit its config ({Import.DiTImporter.Describe(config)}): {string.Join(" ", problems)}");
        var notFloat = entries.Where(kv => kv.Value.Dtype is not (SafetensorsDtype.F32 or SafetensorsDtype.F16 or SafetensorsDtype.BF16 or SafetensorsDtype.F64))
            .Select(kv => $"{which}.{kv.Key} ({kv.Value.Dtype})").ToList();
        if (notFloat.Count > 0)
            throw new InvalidDataException(
                $"Checkpoint '{path}': weights must be floating point (F32, F16, BF16, F64), but {string.Join(", ", notFloat.Take(8))}{(notFloat.Count > 8 ? ", …" : "")} are not.");
    }

    /// <summary>"optimizer" and "rng.torch" are byte blobs (U8, 1-D); anything else would crash when used.</summary>
    private static SafetensorsEntry? ByteEntry(SafetensorsHeader header, string name, string path)
    {
        if (!header.TryGet(name, out var e)) return null;
        if (e.Dtype != SafetensorsDtype.U8 || e.Shape.Length != 1)
            throw new InvalidDataException(
                $"Checkpoint '{path}': tensor '{name}' is {e.Dtype} of shape [{string.Join(", ", e.Shape)}]; it must be a 1-D U8 byte blob.");
        if (name == "rng.torch")
        {
            // set_rng_state refuses a state of another size with a native error; say it here, with the file's name.
            using var current = get_rng_state();
            if (e.Shape[0] != current.numel())
                throw new InvalidDataException(
                    $"Checkpoint '{path}': tensor 'rng.torch' holds {e.Shape[0]} bytes; a CPU generator state is {current.numel()}.");
        }
        return e;
    }

    /// <summary>Copies weights into a model built from the same config; lists missing, unexpected and mis-shaped keys.</summary>
    public static void LoadInto(DiTModel model, IReadOnlyDictionary<string, Tensor> weights, string what) =>
        StateDictLoader.Load(model, weights, what);

    /// <summary>
    /// A DiT of this checkpoint's config holding its EMA weights (the ones to sample and export), or with
    /// <paramref name="ema"/> false the raw training weights, which weights-only checkpoints do not have.
    /// </summary>
    public DiTModel CreateModel(bool ema = true)
    {
        if (!ema && Model.Count == 0)
            throw new InvalidDataException($"Checkpoint '{Source}' holds EMA weights only; use the EMA weights.");
        var model = new DiTModel(Config);
        try { LoadInto(model, ema ? Ema : Model, $"Checkpoint '{Source}' ({(ema ? "ema" : "model")})"); }
        catch { model.Dispose(); throw; }
        return model;
    }

    /// <summary>False for weights-only checkpoints (EMA weights alone), which sample but cannot resume training.</summary>
    public bool CanResume => Model.Count > 0 && OptimizerState is not null;

    public void RestoreOptimizer(TorchSharp.Modules.OptimizerHelper optimizer)
    {
        if (OptimizerState is null) throw new InvalidDataException("The checkpoint holds no optimizer state, so it cannot resume training.");
        using var ms = new MemoryStream(OptimizerState);
        using var r = new BinaryReader(ms);
        // The blob is TorchSharp's own serialisation; damaged bytes surface as whatever its reader trips over.
        try { optimizer.load_state_dict(r); }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or InvalidOperationException
                                      or FormatException or System.Runtime.InteropServices.ExternalException)
        {
            throw new InvalidDataException($"Checkpoint '{Source}': the optimizer state cannot be restored ({e.Message}); resume from another checkpoint.", e);
        }
    }

    public void Dispose()
    {
        foreach (var t in Model.Values) t.Dispose();
        foreach (var t in Ema.Values) t.Dispose();
        TorchRngState?.Dispose();
    }
}
