using System;
using System.Collections.Generic;
using System.Linq;

namespace DiT.Training.Model;

/// <summary>
/// What one of the paper's block designs (Fig. 3, Sec. 3.2) adds to a plain pre-norm ViT block, as data. The model,
/// its shape/cost/parameter counters, config inference and the ONNX exporter all read this one table, so a design's
/// counts cannot drift apart between them. Model/Blocks has two block classes that read it: AdaLNBlock (the modulated
/// designs) and PreNormBlock (the token-conditioned ones).
/// </summary>
/// <param name="Block">The design this row describes.</param>
/// <param name="ModulationChunks">D-sized vectors each block regresses from c (adaLN_modulation Linear(D, k·D)):
/// adaLN-Zero shift/scale/gate ×2 = 6, adaLN shift/scale ×2 = 4, none for the token-conditioned designs.</param>
/// <param name="AppendedTokens">Condition tokens appended to the patch sequence before the blocks and dropped before
/// the final layer (in-context: t and y).</param>
/// <param name="CrossAttends">Whether each block has a cross-attention layer over the condition sequence [t, y].</param>
/// <param name="AffineNormsPerBlock">Block LayerNorms with a learned affine (the adaLN designs modulate theirs
/// instead, so they hold no parameters).</param>
/// <param name="ZeroInit">Modules whose weight and bias start at zero; "*" stands for any block index.</param>
public sealed record BlockDesign(
    BlockType Block, int ModulationChunks, int AppendedTokens, bool CrossAttends, int AffineNormsPerBlock,
    IReadOnlyList<string> ZeroInit)
{
    /// <summary>Length of the condition sequence [t_emb, y_emb] that cross-attention attends to and in-context appends.</summary>
    public const int ConditionTokens = 2;

    /// <summary>Shift and scale of the final LayerNorm, regressed from c by the adaLN designs.</summary>
    public const int FinalModulationChunks = 2;

    /// <summary>
    /// The final layer is modulated exactly when the blocks are: the token-conditioned designs keep the condition out
    /// of everything but tokens / cross-attention, as the ablation intends, so theirs is a plain affine LayerNorm.
    /// </summary>
    public bool AdaptiveFinalLayer => ModulationChunks > 0;

    /// <summary>Whether each residual branch is scaled by a regressed gate α (adaLN-Zero's shift, scale, gate per branch).</summary>
    public bool GatedResiduals => ModulationChunks == 6;

    /// <summary>Whether anything reads the condition as the token sequence [t_emb, y_emb] (cross-attention or in-context),
    /// rather than only as the vector c = t_emb + y_emb.</summary>
    public bool ReadsConditionTokens => CrossAttends || AppendedTokens > 0;

    // The output projection starts at zero in every design (official initialize_weights), so a fresh model predicts 0.
    private const string FinalLinear = "final_layer.linear";

    /// <summary>Every design, in enum order.</summary>
    public static IReadOnlyList<BlockDesign> All { get; } = new[]
    {
        // Zeroing the regression makes every gate 0, so each block starts as the identity (the "-Zero").
        new BlockDesign(BlockType.AdaLNZero, 6, 0, false, 0,
            new[] { "blocks.*.adaLN_modulation.1", "final_layer.adaLN_modulation.1", FinalLinear }),
        // No gates to zero: its regression keeps the xavier init, and so (unlike adaLN-Zero) does the final layer's.
        new BlockDesign(BlockType.AdaLN, 4, 0, false, 0, new[] { FinalLinear }),
        new BlockDesign(BlockType.CrossAttention, 0, 0, true, 3, new[] { FinalLinear }),
        new BlockDesign(BlockType.InContext, 0, ConditionTokens, false, 2, new[] { FinalLinear }),
    };

    public static BlockDesign For(BlockType block) =>
        All.FirstOrDefault(d => d.Block == block)
        ?? throw new ArgumentOutOfRangeException(nameof(block), $"Unknown block type {block}.");

    /// <summary>Whether the parameter <paramref name="name"/> (a state_dict key such as
    /// blocks.3.adaLN_modulation.1.weight) belongs to a module in <see cref="ZeroInit"/>.</summary>
    public bool IsZeroInit(string name)
    {
        int dot = name.LastIndexOf('.');
        if (dot < 0) return false;
        var module = name[..dot].Split('.');
        return ZeroInit.Any(pattern =>
        {
            var parts = pattern.Split('.');
            if (parts.Length != module.Length) return false;
            for (int i = 0; i < parts.Length; i++)
                if (parts[i] != "*" ? parts[i] != module[i] : !module[i].All(char.IsAsciiDigit)) return false;
            return true;
        });
    }
}
