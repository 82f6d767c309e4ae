using System;
using System.Collections.Generic;
using System.Linq;

namespace DiT.Training.Model;

/// <summary>One named part of the forward-pass cost, in multiply-accumulates (= the paper's "flops").</summary>
public sealed record FlopsTerm(string Component, long Macs)
{
    public double Gflops => Macs / 1e9;
}

/// <summary>Per-component forward cost of one image (batch 1) and its total.</summary>
public sealed record FlopsReport(DiTConfig Config, IReadOnlyList<FlopsTerm> Terms)
{
    public long TotalMacs => Terms.Sum(t => t.Macs);
    public double Gflops => TotalMacs / 1e9;
}

/// <summary>
/// Analytic forward-pass cost of a DiT, counted the way the paper's Table 4 / Fig. 3 numbers are counted:
/// one "flop" per multiply-accumulate (fvcore style), for a single image without classifier-free guidance.
/// <para>Counted (T = tokens seen by the blocks, N = patch tokens, D = hidden, H = MLP hidden, L = 2 condition tokens):</para>
/// <list type="bullet">
/// <item>patch-embedding conv (k = s = p): N·p²·C·D;</item>
/// <item>timestep MLP Linear(256,D), Linear(D,D): 256·D + D² (the sinusoid and the label-table lookup are free);</item>
/// <item>per block: qkv 3·T·D², QKᵀ T²·D, AV T²·D, proj T·D², MLP 2·T·D·H;</item>
/// <item>per block adaLN regression: D·6D (adaLN-Zero) or D·4D (adaLN; no gates); none for in-context / cross-attention;</item>
/// <item>cross-attention (per block): q N·D², k,v 2·L·D², scores N·L·D, AV N·L·D, out N·D²;</item>
/// <item>LayerNorms: one flop per normalised element (2 per block, 3 with cross-attention, plus the final one);</item>
/// <item>final layer: adaLN Linear(D,2D) D·2D and Linear(D, p²·out) N·D·p²·out (condition tokens of in-context are dropped first).</item>
/// </list>
/// Why the LayerNorm term: without it the counter lands 0.015-0.02% under the paper for B/2, L/2 and XL/2; with it those
/// three match to the printed digits (23.01, 80.71, 118.64), so the paper's tool evidently charged ~1 per element there.
/// Biases, softmax, GELU/SiLU, modulate, residual adds and the position-embedding add are free, as in fvcore.
/// The final layer keeps its adaLN modulation only in the adaLN designs (<see cref="BlockDesign.AdaptiveFinalLayer"/>).
/// </summary>
public static class Gflops
{
    /// <summary>Sinusoidal timestep features fed to the t_embedder MLP (official DiT: 256).</summary>
    public const int FrequencyEmbeddingSize = 256;

    /// <summary>Length of the condition sequence [t_emb, y_emb] used by cross-attention and in-context blocks.</summary>
    public const int ConditionTokens = BlockDesign.ConditionTokens;

    /// <summary>Total Gflops (MACs / 1e9) of one forward pass.</summary>
    public static double Of(DiTConfig c) => Count(c).Gflops;

    /// <summary>Per-component breakdown; terms that are zero for the chosen block design are omitted.</summary>
    public static FlopsReport Count(DiTConfig c)
    {
        long d = c.HiddenSize, n = c.NumPatches, p = c.PatchSize, depth = c.Depth, h = c.MlpHidden;
        var design = BlockDesign.For(c.Block);
        long t = n + design.AppendedTokens;
        const long l = ConditionTokens;
        var terms = new List<FlopsTerm>
        {
            new("x_embedder (patch conv)", n * p * p * c.InChannels * d),
            new("t_embedder (MLP)", FrequencyEmbeddingSize * d + d * d),
            new("blocks.attn.qkv", depth * t * 3 * d * d),
            new("blocks.attn QK^T", depth * t * t * d),
            new("blocks.attn AV", depth * t * t * d),
            new("blocks.attn.proj", depth * t * d * d),
            new("blocks.mlp (fc1+fc2)", depth * t * 2 * d * h),
        };
        if (design.ModulationChunks > 0)
            terms.Add(new("blocks.adaLN_modulation", depth * d * design.ModulationChunks * d));
        if (design.CrossAttends)
        {
            terms.Add(new("blocks.cross_attn q/out proj", depth * 2 * n * d * d));
            terms.Add(new("blocks.cross_attn k/v proj", depth * 2 * l * d * d));
            terms.Add(new("blocks.cross_attn QK^T+AV", depth * 2 * n * l * d));
        }
        // Only the adaLN designs modulate the final LayerNorm; the others use a plain affine one (no MACs counted).
        if (design.AdaptiveFinalLayer)
            terms.Add(new("final_layer.adaLN_modulation", d * BlockDesign.FinalModulationChunks * d));
        terms.Add(new("final_layer.linear", n * d * p * p * c.OutChannels));
        return new FlopsReport(c, terms);
    }

    /// <summary>Printable table for `dit info`.</summary>
    public static string Format(FlopsReport r)
    {
        var lines = r.Terms.Select(x => FormattableString.Invariant($"  {x.Component,-30} {x.Gflops,10:F4} Gflops"));
        return string.Join(Environment.NewLine, lines.Append(FormattableString.Invariant($"  {"total",-30} {r.Gflops,10:F2} Gflops")));
    }
}
