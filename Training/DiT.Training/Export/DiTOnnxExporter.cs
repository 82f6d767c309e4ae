using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiTPlugin.Contract.Package;
using DiT.Training.Export.Onnx;
using DiT.Training.Model;
using static TorchSharp.torch;

namespace DiT.Training.Export;

/// <summary>What to export: the static batch, how many eps channels guidance acts on, and the precision.</summary>
public sealed record DiTExportOptions
{
    /// <summary>The graph's static batch B (the graph runs 2B rows inside for guidance).</summary>
    public int Batch { get; init; } = 1;

    /// <summary>Guided eps channels; null = all C. 3 reproduces the paper's published FIDs on 4-channel latents.</summary>
    public int? GuidedChannels { get; init; }

    /// <summary>Store weights as float16 and compute in float16 (graph I/O stays float32).</summary>
    public bool Fp16 { get; init; }

    /// <summary>
    /// The unconditional half's labels come from the input y_uncond (<see cref="GraphTensors.YUncond"/>) instead of a
    /// constant null class, so a caller can guide away from a class (negative guidance). Packages with it are
    /// formatVersion 3; false writes the graphs older readers take.
    /// </summary>
    public bool UnconditionalLabelInput { get; init; } = true;

    /// <summary>
    /// The inputs y_mix and mix (<see cref="GraphTensors.YMix"/>): the conditional label embedding becomes
    /// (1 − mix)·E[y] + mix·E[y_mix]; mix 0 computes what a graph without them does, bit for bit. formatVersion 3.
    /// </summary>
    public bool ClassMixInput { get; init; } = true;

    /// <summary>Allow weights past 2 GB: the caller moves them to an external data file (<see cref="OnnxExternalData"/>).</summary>
    public bool ExternalData { get; init; }

    /// <summary>With <see cref="ExternalData"/>: large weights are written to this data file as they are made.</summary>
    public ExternalDataSink? Sink { get; init; }

    /// <summary>The guided channel count; a value outside 1..C is refused (it was silently clamped once, hiding typos).</summary>
    public int ResolveGuidedChannels(DiTConfig c) => GuidedChannels is int g && (g < 1 || g > c.InChannels)
        ? throw new ArgumentOutOfRangeException(nameof(GuidedChannels), $"Guided channels {g} is out of range: the model has {c.InChannels} channels, so valid values are 1..{c.InChannels}.")
        : GuidedChannels ?? c.InChannels;
}

/// <summary>
/// Builds the model package's DiT graph (docs/model-package.md) from a DiT's state_dict: opset 17, static shapes,
/// no tensor above rank 4 (DirectML-safe), classifier-free guidance inside. Inputs x [B,C,S,S], t [B] (the original
/// timestep), y [B] int64, cfg_scale [1]; outputs eps and v [B,C,S,S]. Every op mirrors the TorchSharp modules in
/// Model/ (the same op order where floating point cares), so the fp32 graph matches DiTModel.ForwardWithCfg to float
/// rounding.
/// </summary>
public static class DiTOnnxExporter
{
    /// <summary>The constant labels of the unconditional half in graphs without <see cref="DiTExportOptions.UnconditionalLabelInput"/>.</summary>
    public const string NullLabels = "null_labels";

    public const float LayerNormEps = 1e-6f;

    public static ModelProto Build(DiTConfig config, IReadOnlyDictionary<string, Tensor> weights, DiTExportOptions? options = null)
    {
        options ??= new DiTExportOptions();
        if (options.Batch < 1) throw new ArgumentOutOfRangeException(nameof(options), $"Batch must be >= 1, got {options.Batch}.");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return new Emitter(config.Validate(), weights, options).Build();
    }

    public static ModelProto Build(DiTModel model, DiTExportOptions? options = null)
    {
        var sd = model.state_dict();
        return Build(model.Config, sd, options);
    }

    /// <summary>The serialised graph.</summary>
    public static byte[] ToBytes(ModelProto model)
    {
        using var ms = new MemoryStream();
        using (var cos = new Google.Protobuf.CodedOutputStream(ms, leaveOpen: true)) { model.WriteTo(cos); }
        return ms.ToArray();
    }

    private sealed class Emitter
    {
        private readonly DiTConfig cfg;
        private readonly BlockDesign design;
        private readonly IReadOnlyDictionary<string, Tensor> w;
        private readonly GraphBuilder g = new("DiT");
        private readonly OnnxType ct;                  // compute type
        private readonly bool fp16;
        private readonly int batch;
        private readonly int guided;
        private readonly bool doubled;                 // cond + uncond halves (needs a null class)
        private readonly bool uncondInput;             // the uncond half's labels are the input y_uncond
        private readonly bool mixInput;                // the cond half's embedding mixes y with y_mix
        private readonly long n;                       // rows inside the graph
        private readonly int d;
        private readonly Dictionary<(OnnxType, float), OnnxValue> scalars = new();
        private OnnxValue? lnOnes, lnZeros;

        public Emitter(DiTConfig config, IReadOnlyDictionary<string, Tensor> weights, DiTExportOptions o)
        {
            cfg = config;
            design = BlockDesign.For(config.Block);
            w = weights;
            fp16 = o.Fp16;
            g.ExternalData = o.ExternalData;
            g.Sink = o.Sink;
            ct = fp16 ? OnnxType.Float16 : OnnxType.Float;
            batch = o.Batch;
            guided = o.ResolveGuidedChannels(config);
            doubled = config.ClassDropoutProb > 0;
            uncondInput = doubled && o.UnconditionalLabelInput;
            mixInput = o.ClassMixInput;
            n = doubled ? 2L * batch : batch;
            d = config.HiddenSize;
        }

        private Tensor Weight(string key) => w.TryGetValue(key, out var t) ? t
            : throw new InvalidDataException($"The weights have no '{key}' (block design {cfg.Block}); do they belong to this config?");

        private OnnxValue Scalar(float v, OnnxType type)
        {
            if (!scalars.TryGetValue((type, v), out var s))
                scalars[(type, v)] = s = g.Scalar(FormattableString.Invariant($"const_{v:R}_{type}"), v, type);
            return s;
        }

        /// <summary>nn.Linear as MatMul with the weight stored transposed ([in, out]) plus Add bias.</summary>
        private OnnxValue Linear(OnnxValue x, string prefix)
        {
            var wt = g.Initializer(prefix + ".weight_t", Weight(prefix + ".weight").t(), ct);
            var b = g.Initializer(prefix + ".bias", Weight(prefix + ".bias"), ct);
            var mm = g.MatMul(x, wt, prefix + ".matmul");
            return g.Add(mm, b, prefix + ".out");
        }

        private OnnxValue SiLU(OnnxValue x, string hint) => g.Mul(x, g.Unary("Sigmoid", x, hint + ".sigmoid"), hint + ".silu");

        /// <summary>LayerNorm over the last axis, eps 1e-6; in fp16 graphs computed in float32 between Casts.</summary>
        private OnnxValue LayerNorm(OnnxValue x, string? affinePrefix, string hint)
        {
            OnnxValue scale, bias;
            if (affinePrefix is null)
            {
                lnOnes ??= g.Constant("ln_ones", Enumerable.Repeat(1f, d).ToArray(), new long[] { d });
                lnZeros ??= g.Constant("ln_zeros", new float[d], new long[] { d });
                (scale, bias) = (lnOnes, lnZeros);
            }
            else
            {
                scale = g.Initializer(affinePrefix + ".weight", Weight(affinePrefix + ".weight"), OnnxType.Float);
                bias = g.Initializer(affinePrefix + ".bias", Weight(affinePrefix + ".bias"), OnnxType.Float);
            }
            var x32 = g.Cast(x, OnnxType.Float, hint + ".to_fp32");
            var y = g.LayerNorm(x32, scale, bias, LayerNormEps, hint);
            return g.Cast(y, ct, hint + ".to_compute");
        }

        /// <summary>GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), in torch's op order.</summary>
        private OnnxValue Gelu(OnnxValue x, string hint)
        {
            var x2 = g.Mul(x, x, hint + ".x2");
            var x3 = g.Mul(x2, x, hint + ".x3");
            var kx3 = g.Mul(x3, Scalar(0.044715f, ct), hint + ".kx3");
            var inner = g.Add(x, kx3, hint + ".inner");
            var scaled = g.Mul(inner, Scalar((float)(Math.Sqrt(2.0) * (2.0 / Math.Sqrt(Math.PI)) * 0.5), ct), hint + ".beta");
            var th = g.Unary("Tanh", scaled, hint + ".tanh");
            var onep = g.Add(th, Scalar(1f, ct), hint + ".onep");
            var half = g.Mul(x, Scalar(0.5f, ct), hint + ".half");
            return g.Mul(half, onep, hint);
        }

        private OnnxValue Mlp(OnnxValue x, string prefix)
        {
            var h = Linear(x, prefix + ".fc1");
            var a = Gelu(h, prefix + ".gelu");
            return Linear(a, prefix + ".fc2");
        }

        /// <summary>(N, L, D) → (N, H, L, hd).</summary>
        private OnnxValue Heads(OnnxValue x, string hint)
        {
            int h = cfg.NumHeads;
            var r = g.Reshape(x, new[] { x.Dim(0), x.Dim(1), h, d / h }, hint + ".split_heads");
            return g.Transpose(r, new long[] { 0, 2, 1, 3 }, hint + ".heads");
        }

        /// <summary>softmax(q k^T / sqrt(hd)) v on (N,H,L,hd) heads, merged back to (N, L, D).</summary>
        private OnnxValue Attend(OnnxValue q, OnnxValue k, OnnxValue v, string hint)
        {
            int hd = d / cfg.NumHeads;
            var qs = g.Mul(q, Scalar((float)(1.0 / Math.Sqrt(hd)), ct), hint + ".q_scaled");
            var kt = g.Transpose(k, new long[] { 0, 1, 3, 2 }, hint + ".k_t");
            var scores = g.MatMul(qs, kt, hint + ".scores");
            var s32 = g.Cast(scores, OnnxType.Float, hint + ".scores_fp32");
            var p32 = g.Softmax(s32, hint + ".softmax");
            var p = g.Cast(p32, ct, hint + ".probs");
            var o = g.MatMul(p, v, hint + ".context");
            var ot = g.Transpose(o, new long[] { 0, 2, 1, 3 }, hint + ".merge_t");
            return g.Reshape(ot, new[] { ot.Dim(0), ot.Dim(1), (long)d }, hint + ".merged");
        }

        private OnnxValue SelfAttention(OnnxValue x, string prefix)
        {
            var qkv = Linear(x, prefix + ".qkv");                            // channels ordered (3, H, hd)
            var parts = g.Split(qkv, -1, 3, prefix + ".qkv_split");
            var o = Attend(Heads(parts[0], prefix + ".q"), Heads(parts[1], prefix + ".k"), Heads(parts[2], prefix + ".v"), prefix);
            return Linear(o, prefix + ".proj");
        }

        private OnnxValue CrossAttention(OnnxValue x, OnnxValue context, string prefix)
        {
            var q = Heads(Linear(x, prefix + ".q"), prefix + ".q");
            var kv = g.Split(Linear(context, prefix + ".kv"), -1, 2, prefix + ".kv_split");   // channels (2, H, hd)
            var o = Attend(q, Heads(kv[0], prefix + ".k"), Heads(kv[1], prefix + ".v"), prefix);
            return Linear(o, prefix + ".proj");
        }

        /// <summary>adaLN_modulation(c) as k (N, 1, D) chunks.</summary>
        private OnnxValue[] Modulation(OnnxValue siluC, string prefix, int k)
        {
            var m = Linear(siluC, prefix + ".adaLN_modulation.1");            // (N, k*D)
            var m3 = g.Reshape(m, new[] { n, 1, (long)k * d }, prefix + ".mod3");
            return g.Split(m3, -1, k, prefix + ".mod");
        }

        private OnnxValue Modulate(OnnxValue x, OnnxValue shift, OnnxValue scale, string hint)
        {
            var s1 = g.Add(scale, Scalar(1f, ct), hint + ".scale1");
            var xs = g.Mul(x, s1, hint + ".scaled");
            return g.Add(xs, shift, hint);
        }

        private OnnxValue Gated(OnnxValue x, OnnxValue gate, OnnxValue y, string hint) =>
            g.Add(x, g.Mul(gate, y, hint + ".gated"), hint);

        /// <summary>
        /// One block's graph. Like Model/Blocks, the graph is written per design (the switch); the counts come from
        /// the block table so they agree with the model and the shape checks.
        /// </summary>
        private OnnxValue Block(int i, OnnxValue x, OnnxValue siluC, OnnxValue cond)
        {
            string p = $"blocks.{i}";
            switch (design.Block)
            {
                case BlockType.AdaLNZero:
                {
                    var m = Modulation(siluC, p, design.ModulationChunks);   // shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp
                    var h1 = Modulate(LayerNorm(x, null, p + ".norm1"), m[0], m[1], p + ".mod1");
                    var x1 = Gated(x, m[2], SelfAttention(h1, p + ".attn"), p + ".res1");
                    var h2 = Modulate(LayerNorm(x1, null, p + ".norm2"), m[3], m[4], p + ".mod2");
                    return Gated(x1, m[5], Mlp(h2, p + ".mlp"), p + ".res2");
                }
                case BlockType.AdaLN:
                {
                    var m = Modulation(siluC, p, design.ModulationChunks);   // shift_msa, scale_msa, shift_mlp, scale_mlp
                    var h1 = Modulate(LayerNorm(x, null, p + ".norm1"), m[0], m[1], p + ".mod1");
                    var x1 = g.Add(x, SelfAttention(h1, p + ".attn"), p + ".res1");
                    var h2 = Modulate(LayerNorm(x1, null, p + ".norm2"), m[2], m[3], p + ".mod2");
                    return g.Add(x1, Mlp(h2, p + ".mlp"), p + ".res2");
                }
                case BlockType.CrossAttention:
                {
                    var x1 = g.Add(x, SelfAttention(LayerNorm(x, p + ".norm1", p + ".norm1"), p + ".attn"), p + ".res1");
                    var x2 = g.Add(x1, CrossAttention(LayerNorm(x1, p + ".norm2", p + ".norm2"), cond, p + ".cross_attn"), p + ".res2");
                    return g.Add(x2, Mlp(LayerNorm(x2, p + ".norm3", p + ".norm3"), p + ".mlp"), p + ".res3");
                }
                case BlockType.InContext:
                {
                    var x1 = g.Add(x, SelfAttention(LayerNorm(x, p + ".norm1", p + ".norm1"), p + ".attn"), p + ".res1");
                    return g.Add(x1, Mlp(LayerNorm(x1, p + ".norm2", p + ".norm2"), p + ".mlp"), p + ".res2");
                }
                default: throw new ArgumentOutOfRangeException(nameof(cfg.Block), $"Unknown block type {cfg.Block}.");
            }
        }

        public ModelProto Build()
        {
            int c = cfg.InChannels, s = cfg.InputSize, p = cfg.PatchSize, grid = cfg.GridSize, o = cfg.OutChannels;
            long tokens = cfg.NumPatches;

            var x = g.Input(GraphTensors.X, OnnxType.Float, batch, c, s, s);
            var t = g.Input(GraphTensors.T, OnnxType.Float, batch);
            var y = g.Input(GraphTensors.Y, OnnxType.Int64, batch);
            var cfgScale = g.Input(GraphTensors.CfgScale, OnnxType.Float, 1);
            var yUncond = uncondInput ? g.Input(GraphTensors.YUncond, OnnxType.Int64, batch) : null;
            var yMix = mixInput ? g.Input(GraphTensors.YMix, OnnxType.Int64, batch) : null;
            var mix = mixInput ? g.Input(GraphTensors.Mix, OnnxType.Float, batch) : null;

            // Timestep embedding: [cos, sin](t * freqs) in float32 (t up to ~1000 needs it), then the MLP.
            using var k = arange(TimestepEmbedder.FrequencySize / 2, dtype: float32);
            using var freqs = exp(k * (-Math.Log(10000) / (TimestepEmbedder.FrequencySize / 2))).unsqueeze(0);
            var freqsC = g.Initializer("t_embedder.freqs", freqs, OnnxType.Float);
            var args = g.Mul(g.Unsqueeze(t, 1, "t_col"), freqsC, "t_args");
            var feats = g.Concat(new[] { g.Unary("Cos", args, "t_cos"), g.Unary("Sin", args, "t_sin") }, -1, "t_freq");
            var t1 = Linear(g.Cast(feats, ct, "t_freq_compute"), "t_embedder.mlp.0");
            var tEmbB = Linear(SiLU(t1, "t_embedder.mlp.1"), "t_embedder.mlp.2");          // (B, D)
            var tEmb = doubled ? g.Concat(new[] { tEmbB, tEmbB }, 0, "t_emb") : tEmbB;     // (N, D)

            // Labels: [y, null] for the unconditional half, or [y, y_uncond] when the caller gives them.
            var table = g.Initializer("y_embedder.embedding_table.weight", Weight("y_embedder.embedding_table.weight"), ct);
            var uncond = !doubled ? null : yUncond ?? g.Int64s(NullLabels, Enumerable.Repeat((long)cfg.NumClasses, batch).ToArray());
            OnnxValue yEmb;                                                                  // (N, D)
            if (mix is null) yEmb = g.Gather(table, doubled ? g.Concat(new[] { y, uncond! }, 0, "labels") : y, "y_emb");
            else
            {
                // Class mixing, conditional half only: (1 − w)·E[y] + w·E[y_mix]. With w = 0 this is E[y] exactly.
                var w = g.Cast(g.Unsqueeze(mix, 1, "mix_col"), ct, "mix_compute");
                var keep = g.Sub(Scalar(1f, ct), w, "mix_keep");
                var mixed = g.Add(g.Mul(g.Gather(table, y, "y_emb_cond"), keep, "y_emb_kept"),
                                  g.Mul(g.Gather(table, yMix!, "y_emb_mix"), w, "y_emb_mixin"), "y_emb_mixed");
                yEmb = doubled ? g.Concat(new[] { mixed, g.Gather(table, uncond!, "y_emb_uncond") }, 0, "y_emb") : mixed;
            }
            var cVec = g.Add(tEmb, yEmb, "c");
            var siluC = SiLU(cVec, "c");
            var cond = g.Concat(new[] { g.Unsqueeze(tEmb, 1, "t_tok"), g.Unsqueeze(yEmb, 1, "y_tok") }, 1, "cond");   // (N, 2, D)

            // Patchify: Conv(k = stride = p) → (N, D, g, g) → (N, T, D) + pos_embed.
            var xx = doubled ? g.Concat(new[] { x, x }, 0, "x2") : x;
            var xc = g.Cast(xx, ct, "x_compute");
            var conv = g.PatchConv(xc, g.Initializer("x_embedder.proj.weight", Weight("x_embedder.proj.weight"), ct),
                g.Initializer("x_embedder.proj.bias", Weight("x_embedder.proj.bias"), ct), p, "x_embedder.proj");
            var flat = g.Reshape(conv, new[] { n, d, tokens }, "x_embedder.flat");
            var tok = g.Transpose(flat, new long[] { 0, 2, 1 }, "x_embedder.tokens");
            var pos = w.TryGetValue("pos_embed", out var pe) ? pe
                : tensor(PositionEmbedding.SinCos2D(d, grid), new long[] { 1, tokens, d });
            var h = g.Add(tok, g.Initializer("pos_embed", pos, ct), "tokens");

            if (design.AppendedTokens > 0) h = g.Concat(new[] { h, cond }, 1, "tokens_with_cond");
            for (int i = 0; i < cfg.Depth; i++) h = Block(i, h, siluC, cond);
            if (design.AppendedTokens > 0) h = g.Slice(h, 1, 0, tokens, "tokens_without_cond");

            // Final layer.
            OnnxValue fin;
            if (design.AdaptiveFinalLayer)
            {
                var m = Modulation(siluC, "final_layer", BlockDesign.FinalModulationChunks);   // shift, scale
                fin = Modulate(LayerNorm(h, null, "final_layer.norm_final"), m[0], m[1], "final_layer.mod");
            }
            else fin = LayerNorm(h, "final_layer.norm_final", "final_layer.norm_final");
            var patches = Linear(fin, "final_layer.linear");                                // (N, T, p*p*O), channels (pr, pc, c)

            // Unpatchify: (N, T, P) → (N, P, T) → (N, P, g, g) → DepthToSpace DCR → (N, O, S, S).
            var pt = g.Transpose(patches, new long[] { 0, 2, 1 }, "unpatchify.t");
            var grid4 = g.Reshape(pt, new[] { n, (long)p * p * o, grid, grid }, "unpatchify.grid");
            var img = g.Cast(g.DepthToSpace(grid4, p, "unpatchify"), OnnxType.Float, "model_out");

            // Guidance (float32): guided = uncond + s (cond - uncond) on the first `guided` channels.
            var condHalf = doubled ? g.Slice(img, 0, 0, batch, "cond_half") : img;
            OnnxValue eps;
            if (doubled)
            {
                var uncondHalf = g.Slice(img, 0, batch, 2L * batch, "uncond_half");
                var cg = g.Slice(condHalf, 1, 0, guided, "cond_guided");
                var ug = g.Slice(uncondHalf, 1, 0, guided, "uncond_guided");
                var diff = g.Mul(g.Sub(cg, ug, "cfg_diff"), cfgScale, "cfg_scaled");
                var guidedEps = g.Add(ug, diff, "guided");
                eps = guided < c ? g.Concat(new[] { guidedEps, g.Slice(condHalf, 1, guided, c, "cond_unguided") }, 1, "eps_all") : guidedEps;
            }
            else eps = g.Slice(condHalf, 1, 0, c, "cond_eps");
            var v = cfg.LearnSigma ? g.Slice(condHalf, 1, c, 2L * c, "cond_v")
                : g.Constant("v_zeros", new float[batch * c * s * s], new long[] { batch, c, s, s });

            g.Output(eps, GraphTensors.Eps);
            g.Output(v, GraphTensors.V);
            var model = g.ToModel($"DiT {cfg.Block} depth {cfg.Depth} hidden {d} heads {cfg.NumHeads} patch {p}, " +
                                  $"classifier-free guidance inside ({Precisions.Of(fp16)}). See docs/model-package.md.");
            void Meta(string key, string value) => model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
            Meta("ditplugin.format", $"{PackageFormat.Name}/{PackageFormat.Version}");
            Meta("ditplugin.block", cfg.Block.ToString());
            Meta("ditplugin.precision", Precisions.Of(fp16));
            Meta("ditplugin.guidedChannels", guided.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return model;
        }
    }
}
