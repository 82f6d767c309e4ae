using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using DiTPlugin.Training.Formats;
using DiTPlugin.Training.Model;
using static TorchSharp.torch;

namespace DiTPlugin.Training.Trainer;

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
    public static void Save(string path, DiT? model, DiT ema, TorchSharp.Modules.OptimizerHelper? optimizer, long step, TrainOptions options,
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

    /// <summary>Reads and validates a checkpoint; errors name the file and what is wrong with it.</summary>
    public static Checkpoint Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        SafetensorsFile file;
        try { file = Safetensors.Load(path); }
        catch (InvalidDataException e) { throw new InvalidDataException($"Checkpoint '{path}' is corrupt or truncated: {e.Message}", e); }
        using (file)
        {
            string Meta(string key) => file.Metadata.TryGetValue(key, out var v) ? v
                : throw new InvalidDataException($"Checkpoint '{path}' has no '{key}' metadata; is it a DiTPlugin checkpoint ({Format})?");
            if (Meta("format") != Format)
                throw new InvalidDataException($"Checkpoint '{path}' has format '{Meta("format")}', expected '{Format}'.");
            var config = JsonSerializer.Deserialize<DiTConfig>(Meta("config"))!.Validate();
            Dictionary<string, Tensor> Prefixed(string prefix) => file.Ordered
                .Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value.clone());
            var ckpt = new Checkpoint
            {
                Source = path,
                Config = config,
                Step = long.Parse(Meta("step"), System.Globalization.CultureInfo.InvariantCulture),
                Options = JsonSerializer.Deserialize<TrainOptions>(Meta("options"))!,
                ClassNames = JsonSerializer.Deserialize<List<string>>(Meta("class_names"))!,
                Model = Prefixed("model."),
                Ema = Prefixed("ema."),
                OptimizerState = file.Tensors.TryGetValue("optimizer", out var o) ? o.data<byte>().ToArray() : null,
                TorchRngState = file.Tensors.TryGetValue("rng.torch", out var r) ? r.clone() : null,
                Provenance = file.Metadata.TryGetValue("provenance", out var p) ? JsonSerializer.Deserialize<Provenance>(p) : null,
                Sampling = file.Metadata.TryGetValue("sampling", out var sm) ? JsonSerializer.Deserialize<SamplingConvention>(sm) : null,
            };
            if (ckpt.Ema.Count == 0) throw new InvalidDataException($"Checkpoint '{path}' holds no EMA weights.");
            return ckpt;
        }
    }

    /// <summary>Copies weights into a model built from the same config; lists missing, unexpected and mis-shaped keys.</summary>
    public static void LoadInto(DiT model, IReadOnlyDictionary<string, Tensor> weights, string what) =>
        StateDictLoader.Load(model, weights, what);

    /// <summary>
    /// A DiT of this checkpoint's config holding its EMA weights (the ones to sample and export), or with
    /// <paramref name="ema"/> false the raw training weights, which weights-only checkpoints do not have.
    /// </summary>
    public DiT CreateModel(bool ema = true)
    {
        if (!ema && Model.Count == 0)
            throw new InvalidDataException($"Checkpoint '{Source}' holds EMA weights only; use the EMA weights.");
        var model = new DiT(Config);
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
        optimizer.load_state_dict(r);
    }

    public void Dispose()
    {
        foreach (var t in Model.Values) t.Dispose();
        foreach (var t in Ema.Values) t.Dispose();
        TorchRngState?.Dispose();
    }
}
