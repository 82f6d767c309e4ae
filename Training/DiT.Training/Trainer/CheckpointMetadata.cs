using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using DiTPlugin.Contract.Package;
using DiT.Training.Model;

namespace DiT.Training.Trainer;

/// <summary>
/// The metadata of a checkpoint file, parsed and validated field by field before any tensor is read or model built:
/// format, config (with <see cref="DiTConfig.Validate"/>'s upper bounds), step, options, class_names, and the optional
/// provenance and sampling. Every problem is an <see cref="InvalidDataException"/> naming the file, the field and
/// what is valid, so a hand-edited or damaged checkpoint fails with one clear line instead of a crash deep inside
/// sampling (or an attempt to allocate terabytes).
/// </summary>
public sealed record CheckpointMetadata(DiTConfig Config, long Step, TrainOptions Options, IReadOnlyList<string> ClassNames,
    Provenance? Provenance, SamplingConvention? Sampling)
{
    /// <summary>Most timesteps a noise schedule may have. DiT uses 1000; the schedule arrays are O(T).</summary>
    public const int MaxDiffusionSteps = DiT.Training.Diffusion.GaussianDiffusion.MaxTimesteps;

    /// <summary>
    /// Strict reading: a JSON null for a non-nullable field, a missing record constructor argument and a key given
    /// twice are errors (the last would otherwise silently win). Fields a reader does not know are ignored, so files
    /// written by a newer version still load.
    /// </summary>
    private static readonly JsonSerializerOptions Strict = new()
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        AllowDuplicateProperties = false,
    };

    public static CheckpointMetadata Read(IReadOnlyDictionary<string, string> meta, string path)
    {
        // Inner messages (JsonException, Validate) end with their own full stop.
        InvalidDataException Bad(string field, string problem, Exception? inner = null) =>
            new($"Checkpoint '{path}': metadata '{field}' {problem.TrimEnd('.')}.", inner);

        string Required(string key) => meta.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"Checkpoint '{path}' has no '{key}' metadata; a {Checkpoint.Format} file always has it (damaged or hand-made file?).");

        T Json<T>(string key, string expected) where T : class
        {
            string text = Required(key);
            T? value;
            try { value = JsonSerializer.Deserialize<T>(text, Strict); }
            catch (JsonException e) { throw Bad(key, $"is not {expected}: {e.Message}", e); }
            return value ?? throw Bad(key, $"is null; expected {expected}");
        }

        var config = Json<DiTConfig>("config", "a JSON object of the model config (Depth, HiddenSize, NumHeads, PatchSize, InputSize, ...)");
        try { config.Validate(); }
        catch (ArgumentException e) { throw Bad("config", $"describes no buildable DiT: {e.Message}", e); }

        string stepText = Required("step");
        if (!long.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out long step))
            throw Bad("step", $"is '{Clip(stepText)}'; expected a non-negative integer (the training step)");

        var options = Json<TrainOptions>("options", "a JSON object of training options");
        if (!ScheduleKinds.IsValid(options.Schedule))
            throw Bad("options", $"has Schedule '{Clip(options.Schedule)}'; valid: {string.Join(", ", ScheduleKinds.All)}");
        if (options.DiffusionSteps is < 1 or > MaxDiffusionSteps)
            throw Bad("options", $"has DiffusionSteps {options.DiffusionSteps}; valid: 1..{MaxDiffusionSteps}");
        if (OptionsProblem(options) is { } problem) throw Bad("options", problem);

        var names = Json<List<string>>("class_names", "a JSON array of class-name strings");
        int nullAt = names.IndexOf(null!);
        if (nullAt >= 0) throw Bad("class_names", $"has null at index {nullAt}; every class name is a string");
        if (names.Count > config.NumClasses)
            throw Bad("class_names", $"lists {names.Count} names but the config has {config.NumClasses} classes (at most that many names)");

        Provenance? provenance = null;
        if (meta.ContainsKey("provenance"))
            provenance = Json<Provenance>("provenance", "a JSON object with LicenseId, CommercialUse, LicenseText, Attribution and Source (or absent)");

        SamplingConvention? sampling = null;
        if (meta.ContainsKey("sampling"))
        {
            sampling = Json<SamplingConvention>("sampling", "a JSON object with LatentSpace, GuidedChannels and ClipDenoised (or absent)");
            if (sampling.GuidedChannels is int g && (g < 1 || g > config.InChannels))
                throw Bad("sampling", $"has GuidedChannels {g}; valid: 1..{config.InChannels} (the model's input channels) or null for all");
        }
        return new CheckpointMetadata(config, step, options, names, provenance, sampling);
    }

    /// <summary>
    /// The ranges a resumed run relies on (a BatchSize of 0 or a LogEvery of 0 would fail mid-training, an EmaDecay
    /// above 1 would diverge). JSON numbers are always finite, so only the ranges need checking.
    /// </summary>
    private static string? OptionsProblem(TrainOptions o) =>
        o.Steps < 0 ? $"has Steps {o.Steps}; valid: >= 0"
        : o.BatchSize < 1 ? $"has BatchSize {o.BatchSize}; valid: >= 1"
        : o.LearningRate < 0 ? $"has LearningRate {o.LearningRate}; valid: >= 0"
        : o.WeightDecay < 0 ? $"has WeightDecay {o.WeightDecay}; valid: >= 0"
        : o.EmaDecay is < 0 or > 1 ? $"has EmaDecay {o.EmaDecay}; valid: 0..1"
        : o.LogEvery < 1 ? $"has LogEvery {o.LogEvery}; valid: >= 1"
        : o.CheckpointEvery < 0 || o.SampleEvery < 0 ? $"has CheckpointEvery {o.CheckpointEvery}, SampleEvery {o.SampleEvery}; valid: >= 0 (0 = never)"
        : o.SampleRows < 0 ? $"has SampleRows {o.SampleRows}; valid: >= 0"
        : o.Threads < 0 ? $"has Threads {o.Threads}; valid: >= 0 (0 = the default)"
        : !(o.BucketMegabytes > 0) ? $"has BucketMegabytes {o.BucketMegabytes}; valid: > 0"
        : null;

    /// <summary>Metadata text quoted in a message, cut so that a huge hostile value cannot flood the console.</summary>
    private static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
