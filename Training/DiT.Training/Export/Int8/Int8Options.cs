using System;
using System.Collections.Generic;
using System.Linq;

namespace DiT.Training.Export.Int8;

/// <summary>How the int8 graph multiplies a quantized linear layer (both quantize activations dynamically, per tensor).</summary>
public enum Int8Kernel
{
    /// <summary>ONNX standard ops: DynamicQuantizeLinear, MatMulInteger, Cast, then the scale multiply; bias stays an Add.</summary>
    Standard,
    /// <summary>com.microsoft DynamicQuantizeMatMul: one node per layer, per-channel b_scale [N], bias folded in.</summary>
    Microsoft,
}

/// <summary>The kinds of linear layer in a DiT graph, the unit in which layers are kept in float.</summary>
public enum LinearKind
{
    /// <summary>t_embedder.mlp.0 / .2 (one row per image: negligible work).</summary>
    TimestepEmbedder,
    /// <summary>adaLN_modulation.1 of every block and of the final layer (one row per image).</summary>
    Modulation,
    /// <summary>attn.qkv, and a cross-attention block's q and kv.</summary>
    Qkv,
    /// <summary>attn.proj (and cross_attn.proj).</summary>
    AttentionProjection,
    /// <summary>mlp.fc1.</summary>
    MlpIn,
    /// <summary>mlp.fc2.</summary>
    MlpOut,
    /// <summary>final_layer.linear (writes the model output directly).</summary>
    FinalLinear,
}

/// <summary>What <see cref="Int8GraphRewriter"/> quantizes and with which ops.</summary>
public sealed record Int8Options
{
    /// <summary>
    /// Standard: measured the same speed (ONNX Runtime fuses the standard ops into its DynamicQuantizeMatMul kernel at its
    /// default optimization level, the Plugin's), and the graph keeps to the default ONNX domain like every other
    /// package graph.
    /// </summary>
    public Int8Kernel Kernel { get; init; } = Int8Kernel.Standard;

    /// <summary>Layer kinds left in float32.</summary>
    public IReadOnlySet<LinearKind> KeepFloat { get; init; } = DefaultKeepFloat;

    /// <summary>
    /// Also quantize attention's activation-by-activation MatMuls (q·kᵀ and probabilities·v), both operands per tensor
    /// (uint8 x uint8). Off: see docs/model-package.md for the measurement.
    /// </summary>
    public bool QuantizeAttention { get; init; }

    /// <summary>
    /// Replace each tanh-GELU (and the fc1 bias before it) by one com.microsoft FastGelu node (<see cref="FastGeluFusion"/>).
    /// The int8 graph runs only on ONNX Runtime's CPU provider, which has that op.
    /// </summary>
    public bool FuseGelu { get; init; } = true;

    /// <summary>
    /// Store the weights of the linear layers left in float (<see cref="KeepFloat"/>: adaLN modulation, timestep
    /// embedder, final layer) as float16, each behind a Cast that ONNX Runtime folds at load: they still compute in
    /// float32, on weights rounded to 11 bits. The modulation layers are half of a small DiT's weights (6 of 12 MB at
    /// DiT 6x192), so this makes its int8 graph about a third smaller at no cost in speed.
    /// </summary>
    public bool StoreFloatWeightsAsFp16 { get; init; } = true;

    /// <summary>Layer name prefixes (e.g. "blocks.0.mlp.fc2") left in float32 besides <see cref="KeepFloat"/>.</summary>
    public IReadOnlySet<string> KeepFloatLayers { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// The per-row layers (embedder, modulation) and the output layer stay float. Measured on DiT-S/2, quantizing any
    /// of them alone saves at most 3% of the time, while the final layer alone gives the largest error of any kind
    /// (4.6e-2 relative, against 0.1-0.6e-2 for each other kind), and modulation's is as large as an MLP layer's while it
    /// saves nothing (docs/model-package.md).
    /// </summary>
    public static readonly IReadOnlySet<LinearKind> DefaultKeepFloat =
        new HashSet<LinearKind> { LinearKind.TimestepEmbedder, LinearKind.Modulation, LinearKind.FinalLinear };

    /// <summary>The kind of the linear layer whose weight prefix is <paramref name="layer"/>, or null for one this knows not.</summary>
    public static LinearKind? KindOf(string layer)
    {
        if (layer.StartsWith("t_embedder.", StringComparison.Ordinal)) return LinearKind.TimestepEmbedder;
        if (layer.EndsWith(".adaLN_modulation.1", StringComparison.Ordinal)) return LinearKind.Modulation;
        if (layer == "final_layer.linear") return LinearKind.FinalLinear;
        string last = layer.Split('.').Last();
        string parent = layer.Split('.').Reverse().Skip(1).FirstOrDefault() ?? "";
        return (parent, last) switch
        {
            ("attn" or "cross_attn", "qkv" or "q" or "kv") => LinearKind.Qkv,
            ("attn" or "cross_attn", "proj") => LinearKind.AttentionProjection,
            ("mlp", "fc1") => LinearKind.MlpIn,
            ("mlp", "fc2") => LinearKind.MlpOut,
            _ => null,
        };
    }

    public bool Quantizes(string layer) =>
        KindOf(layer) is LinearKind k && !KeepFloat.Contains(k) && !KeepFloatLayers.Contains(layer);
}
