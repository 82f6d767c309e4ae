using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace DiT.Training.Model;

/// <summary>
/// Recovers a <see cref="DiTConfig"/> from the tensor shapes of an official-layout DiT state dict, so that
/// `dit import` works on any DiT checkpoint (S/B/L/XL, patch 2/4/8, 256 or 512) without being told which.
/// Shapes fix everything but the head count, which only changes how the qkv projection is split: it comes from
/// the paper's table (hidden 384/768/1024/1152 → 6/12/16/16 heads) or must be given.
/// </summary>
public static class DiTConfigInference
{
    /// <summary>Hints the shapes cannot give; null means "infer".</summary>
    public sealed record Hints
    {
        public int? NumHeads { get; init; }
        /// <summary>When equal to the label table's rows, the model has no null class (trained without label dropout).</summary>
        public int? NumClasses { get; init; }
        public BlockType? Block { get; init; }
    }

    public static DiTConfig Infer(IReadOnlyDictionary<string, long[]> shapes, Hints? hints = null)
    {
        hints ??= new Hints();
        long[] Shape(string key, int rank) =>
            shapes.TryGetValue(key, out var s)
                ? s.Length == rank ? s : throw new InvalidDataException($"'{key}' has shape ({string.Join("x", s)}); a DiT has rank {rank} there.")
                : throw new InvalidDataException(
                    $"'{key}' is missing, so this is not an official-layout DiT state dict (keys seen: {Sample(shapes.Keys)}).");

        var patch = Shape("x_embedder.proj.weight", 4);            // (D, C, p, p)
        int hidden = Dim(patch[0], "x_embedder.proj.weight"), inChannels = Dim(patch[1], "x_embedder.proj.weight"), p = Dim(patch[2], "x_embedder.proj.weight");
        if (patch[3] != p) throw new InvalidDataException($"x_embedder.proj.weight has a non-square kernel {patch[2]}x{patch[3]}.");

        var pos = Shape("pos_embed", 3);                            // (1, T, D)
        if (pos[1] > DiTConfig.MaxTokens)
            throw new InvalidDataException($"pos_embed has {pos[1]} tokens; a DiT has at most {DiTConfig.MaxTokens}.");
        int grid = (int)Math.Round(Math.Sqrt(pos[1]));
        if (grid < 1 || grid * grid != pos[1]) throw new InvalidDataException($"pos_embed has {pos[1]} tokens, not a square grid.");

        // At most 9 digits: a block index must parse as an int, and nothing near 10^9 blocks is a DiT anyway.
        var blockIds = shapes.Keys.Select(k => Regex.Match(k, @"^blocks\.(\d{1,9})\.")).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().OrderBy(i => i).ToList();
        if (blockIds.Count == 0) throw new InvalidDataException("The state dict has no 'blocks.N.*' keys.");
        if (blockIds[^1] != blockIds.Count - 1)
            throw new InvalidDataException($"Block indices are not 0..{blockIds.Count - 1}: missing {string.Join(", ", Enumerable.Range(0, blockIds[^1] + 1).Except(blockIds).Take(10))}{(blockIds[^1] + 1 - blockIds.Count > 10 ? ", …" : "")}.");

        int mlpHidden = Dim(Shape("blocks.0.mlp.fc1.weight", 2)[0], "blocks.0.mlp.fc1.weight");
        int outPerToken = Dim(Shape("final_layer.linear.weight", 2)[0], "final_layer.linear.weight");
        long pp = (long)p * p;                                      // long: p comes from the file and may be huge
        if (outPerToken % pp != 0) throw new InvalidDataException($"final_layer.linear.weight has {outPerToken} rows, not a multiple of p*p = {pp}.");
        int outChannels = (int)(outPerToken / pp);
        bool learnSigma = outChannels == 2L * inChannels;
        if (!learnSigma && outChannels != inChannels)
            throw new InvalidDataException($"The final layer predicts {outChannels} channels for {inChannels} input channels; a DiT predicts C or 2C.");

        int tableRows = Dim(Shape("y_embedder.embedding_table.weight", 2)[0], "y_embedder.embedding_table.weight");
        // The official models train with label dropout 0.1 and so carry one extra (null) row.
        int numClasses = hints.NumClasses ?? tableRows - 1;
        if (numClasses != tableRows && numClasses != tableRows - 1)
            throw new InvalidDataException($"The label table has {tableRows} rows, which fits {tableRows - 1} classes (+ null) or {tableRows}, not {numClasses}.");

        var block = hints.Block ?? InferBlock(shapes, hidden);
        int heads = hints.NumHeads ?? DefaultHeads(hidden)
            ?? throw new InvalidDataException($"Hidden size {hidden} is not one of the paper's (384, 768, 1024, 1152), so the head count cannot be inferred; give it (--num-heads).");

        var config = new DiTConfig
        {
            Depth = blockIds.Count, HiddenSize = hidden, NumHeads = heads, PatchSize = p, InputSize = (int)Math.Min((long)grid * p, int.MaxValue),
            InChannels = inChannels, NumClasses = numClasses, MlpRatio = (double)mlpHidden / hidden, LearnSigma = learnSigma,
            ClassDropoutProb = numClasses == tableRows ? 0 : 0.1, Block = block,
        };
        // The shapes came from a file: a config they describe that cannot (or should not) be built is bad data.
        try { return config.Validate(); }
        catch (ArgumentException e) { throw new InvalidDataException($"The tensor shapes describe a DiT that cannot be built: {e.Message}", e); }
    }

    /// <summary>
    /// A dimension as an int. Shapes are int64 in files; a plain cast would wrap 2^32 + 64 to 64 and build a model
    /// that silently disagrees with the file, so anything outside 1..int.MaxValue is refused here.
    /// </summary>
    private static int Dim(long value, string key) =>
        value is >= 1 and <= int.MaxValue ? (int)value
            : throw new InvalidDataException($"'{key}' has a dimension of {value}; DiT dimensions are in 1..{int.MaxValue}.");

    /// <summary>The paper's head count for a hidden size (Table 1), or null for a non-standard width.</summary>
    public static int? DefaultHeads(int hidden) =>
        DiTConfig.Sizes.Values.Where(s => s.Hidden == hidden).Select(s => (int?)s.Heads).FirstOrDefault();

    /// <summary>
    /// Each block design leaves a distinct fingerprint in blocks.0's keys, read off the block table: a cross_attn
    /// layer, or adaLN_modulation rows = chunks × hidden, or neither (the design that conditions through tokens).
    /// </summary>
    private static BlockType InferBlock(IReadOnlyDictionary<string, long[]> shapes, int hidden)
    {
        if (shapes.Keys.Any(k => k.StartsWith("blocks.0.cross_attn.", StringComparison.Ordinal)))
            return BlockDesign.All.Single(d => d.CrossAttends).Block;
        if (shapes.TryGetValue("blocks.0.adaLN_modulation.1.weight", out var mod))
        {
            var adaptive = BlockDesign.All.Where(d => d.ModulationChunks > 0).ToList();
            return adaptive.FirstOrDefault(d => mod[0] == (long)d.ModulationChunks * hidden)?.Block
                ?? throw new InvalidDataException($"blocks.0.adaLN_modulation.1.weight has {mod[0]} rows; " + string.Join(", ",
                    adaptive.Select(d => $"{d.Block} has {d.ModulationChunks}D = {(long)d.ModulationChunks * hidden}")) + ".");
        }
        return BlockDesign.All.Single(d => !d.CrossAttends && d.ModulationChunks == 0).Block;
    }

    private static string Sample(IEnumerable<string> keys)
    {
        var list = keys.Take(8).ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list) + (keys.Skip(8).Any() ? ", …" : "");
    }
}
