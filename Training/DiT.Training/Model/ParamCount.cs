using System;
using System.Collections.Generic;
using System.Linq;

namespace DiT.Training.Model;

/// <summary>Parameter counts of a DiT by component, split into trainable weights and the fixed pos_embed buffer.</summary>
public sealed record ParamReport(DiTConfig Config, IReadOnlyList<(string Component, long Count)> Terms, long PosEmbed)
{
    /// <summary>Trainable parameters (everything except pos_embed).</summary>
    public long Trainable => Terms.Sum(t => t.Count);

    /// <summary>What PyTorch's sum(p.numel() for p in model.parameters()) prints for the official code, where
    /// pos_embed is an nn.Parameter with requires_grad=False.</summary>
    public long IncludingPosEmbed => Trainable + PosEmbed;
}

/// <summary>
/// Analytic parameter count following the official DiT module layout (all Linear layers carry biases, all
/// LayerNorms are elementwise_affine=False and so hold nothing):
/// x_embedder.proj Conv2d(C, D, k=s=p); t_embedder.mlp Linear(256,D), Linear(D,D); y_embedder.embedding_table
/// (num_classes + 1 if label dropout &gt; 0, else num_classes) x D; per block attn.qkv Linear(D,3D), attn.proj
/// Linear(D,D), mlp.fc1 Linear(D,H), mlp.fc2 Linear(H,D), adaLN_modulation Linear(D,6D);
/// final_layer.adaLN_modulation Linear(D,2D), final_layer.linear Linear(D, p²·out); pos_embed (1,N,D) fixed sin-cos.
/// <para>Derived: DiT-XL/2 at 256px (32x32x4 latent, learn_sigma, 1001-row label table) has 674,834,720 trainable
/// parameters; adding the 256x1152 = 294,912-entry pos_embed gives 675,129,632, the commonly quoted count, i.e. what
/// sum(p.numel() for p in model.parameters()) yields (pos_embed is an nn.Parameter, requires_grad=False). Both round to the paper's 675M.</para>
/// <para>Other block designs (assumptions, since the official repo ships only adaLN-Zero): adaLN regresses only
/// shift/scale, Linear(D,4D); in-context blocks have no adaLN_modulation; cross-attention blocks have no
/// adaLN_modulation and add q,k,v,out Linear(D,D) (4D²+4D). Both of those use affine LayerNorms (2D each: two per
/// in-context block, three per cross-attention block) and a final layer with a plain affine LayerNorm instead of
/// adaLN, so that the condition enters only through tokens or cross-attention, as the ablation intends.</para>
/// </summary>
public static class ParamCount
{
    /// <summary>Trainable parameters (pos_embed excluded).</summary>
    public static long Trainable(DiTConfig c) => Count(c).Trainable;

    public static ParamReport Count(DiTConfig c)
    {
        long d = c.HiddenSize, p = c.PatchSize, h = c.MlpHidden, depth = c.Depth;
        long classes = c.NumClasses + (c.ClassDropoutProb > 0 ? 1 : 0);
        var design = BlockDesign.For(c.Block);
        long chunks = design.ModulationChunks;
        long block = Linear(d, 3 * d) + Linear(d, d) + Linear(d, h) + Linear(h, d)
                     + (chunks > 0 ? Linear(d, chunks * d) : 0)
                     + (design.CrossAttends ? 4 * Linear(d, d) : 0)
                     + design.AffineNormsPerBlock * 2 * d;
        var terms = new List<(string, long)>
        {
            ("x_embedder.proj", p * p * c.InChannels * d + d),
            ("t_embedder.mlp", Linear(Gflops.FrequencyEmbeddingSize, d) + Linear(d, d)),
            ("y_embedder.embedding_table", classes * d),
            ("blocks", depth * block),
            design.AdaptiveFinalLayer
                ? ("final_layer.adaLN_modulation", Linear(d, BlockDesign.FinalModulationChunks * d))
                : ("final_layer.norm_final", 2 * d),
            ("final_layer.linear", Linear(d, p * p * c.OutChannels)),
        };
        return new ParamReport(c, terms, (long)c.NumPatches * d);
    }

    /// <summary>Weights plus bias of nn.Linear(inF, outF).</summary>
    public static long Linear(long inF, long outF) => checked(inF * outF + outF);

    /// <summary>Printable table for `dit info`.</summary>
    public static string Format(ParamReport r)
    {
        var lines = r.Terms.Select(t => FormattableString.Invariant($"  {t.Component,-30} {t.Count,15:N0}"))
            .Append(FormattableString.Invariant($"  {"trainable",-30} {r.Trainable,15:N0}"))
            .Append(FormattableString.Invariant($"  {"pos_embed (fixed buffer)",-30} {r.PosEmbed,15:N0}"));
        return string.Join(Environment.NewLine, lines);
    }
}
