using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiT.Training.Formats;
using DiT.Training.Model;
using DiT.Training.Trainer;
using static TorchSharp.torch;

namespace DiT.Training.Import;

/// <summary>
/// Turns an official-layout DiT state dict (facebookresearch/DiT's DiT-XL-2-256x256.pt, a train.py checkpoint's
/// "ema", or any DiT trained elsewhere under the same names) into our DiT. The config comes from the tensor shapes,
/// or from a named config (--model), in which case every key that does not fit is listed by name.
/// </summary>
public static class DiTImporter
{
    public sealed record Options
    {
        /// <summary>"DiT-XL/2" etc.: build this config (input size from pos_embed) and check every key against it.</summary>
        public string? ModelName { get; init; }
        public DiTConfigInference.Hints Hints { get; init; } = new();
    }

    /// <summary>The config the weights describe (named or inferred).</summary>
    public static DiTConfig ResolveConfig(IReadOnlyDictionary<string, Tensor> weights, Options? options = null)
    {
        options ??= new Options();
        var shapes = weights.ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        if (options.ModelName is null) return DiTConfigInference.Infer(shapes, options.Hints);

        // Named: only the data-dependent sizes come from the file; everything else is the name's, so that a file of
        // another size fails below with the offending keys rather than being silently reinterpreted.
        var named = DiTConfig.FromName(options.ModelName);
        int inputSize = named.InputSize, inChannels = named.InChannels, classes = named.NumClasses;
        // Sizes read from the file are only taken when plausible; otherwise the name's stand and the shape check in
        // Import lists the offending keys (a wrapped int cast would instead build some other model).
        if (shapes.TryGetValue("pos_embed", out var pos) && pos.Length == 3 && pos[1] is >= 1 and <= DiTConfig.MaxTokens)
        {
            int grid = (int)Math.Round(Math.Sqrt(pos[1]));
            if (grid * grid == pos[1]) inputSize = grid * named.PatchSize;
        }
        if (shapes.TryGetValue("x_embedder.proj.weight", out var w) && w.Length == 4 && w[1] is >= 1 and <= DiTConfig.MaxInChannels)
            inChannels = (int)w[1];
        if (shapes.TryGetValue("y_embedder.embedding_table.weight", out var table) && table.Length == 2 && table[0] is >= 2 and <= DiTConfig.MaxNumClasses + 1)
            classes = options.Hints.NumClasses ?? (int)table[0] - 1;
        return DiTConfig.FromName(options.ModelName, inputSize, inChannels, classes) with
        {
            NumHeads = options.Hints.NumHeads ?? named.NumHeads,
            Block = options.Hints.Block ?? named.Block,
        };
    }

    /// <summary>
    /// A DiT holding <paramref name="weights"/>. Throws <see cref="InvalidDataException"/> naming <paramref name="source"/>
    /// when the shapes describe no buildable DiT, when any key is missing, unexpected or mis-shaped (all listed), or
    /// when a tensor is not usable as a weight (<see cref="WeightCheck"/>: integer dtype, NaN/Inf, |w| &gt; 1e4).
    /// All of this is decided from the given tensors before the model is allocated, so the model never costs more
    /// memory than the weights themselves.
    /// </summary>
    public static DiTModel Import(IReadOnlyDictionary<string, Tensor> weights, string source, Options? options = null)
    {
        DiTConfig config;
        try { config = ResolveConfig(weights, options).Validate(); }
        catch (InvalidDataException e) { throw new InvalidDataException($"DiT weights '{source}': {e.Message}", e); }
        // A named config with sizes taken from the file (or the user's hints) that does not validate.
        catch (ArgumentException e) { throw new ArgumentException($"DiT weights '{source}': {e.Message}", e); }
        string what = $"DiT weights '{source}' (as {Describe(config)})";
        var problems = DiTShapes.Problems(config, weights.ToDictionary(kv => kv.Key, kv => kv.Value.shape));
        if (problems.Count > 0) throw new InvalidDataException($"{what} does not fit the model: {string.Join(" ", problems)}");
        WeightCheck.ThrowIfInvalid(weights, what);
        var model = new DiTModel(config);
        try
        {
            StateDictLoader.Load(model, weights, what);
            model.eval();
            return model;
        }
        catch { model.Dispose(); throw; }
    }

    /// <summary>
    /// The sampling convention an imported checkpoint records: the official release's (4-channel latents: guidance on
    /// the first 3 eps channels, x₀ not clipped; see <see cref="SamplingConvention.Official"/>), with the user's overrides.
    /// </summary>
    public static SamplingConvention SamplingFor(DiTConfig config, int? guidedChannels = null, bool? clipDenoised = null)
    {
        var official = SamplingConvention.Official(config.InChannels);
        if (guidedChannels is int g && (g < 1 || g > config.InChannels))
            throw new ArgumentOutOfRangeException(nameof(guidedChannels), g, $"Guided channels must be in 1..{config.InChannels} (the model's input channels).");
        return official with
        {
            GuidedChannels = guidedChannels is int n ? (n == config.InChannels ? null : n) : official.GuidedChannels,
            ClipDenoised = clipDenoised ?? official.ClipDenoised,
        };
    }

    /// <summary>"DiT-XL/2, 32x32x4 input, 1000 classes, AdaLNZero" — the paper's name when the size is a standard one.</summary>
    public static string Describe(DiTConfig c)
    {
        var size = DiTConfig.Sizes.FirstOrDefault(kv => kv.Value == (c.Depth, c.HiddenSize, c.NumHeads)).Key;
        var name = size is null ? $"DiT depth {c.Depth} hidden {c.HiddenSize} heads {c.NumHeads} patch {c.PatchSize}" : $"DiT-{size}/{c.PatchSize}";
        return $"{name}, {c.InputSize}x{c.InputSize}x{c.InChannels} input, {c.NumClasses} classes, {c.Block}";
    }
}
