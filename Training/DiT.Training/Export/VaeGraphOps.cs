using System;
using System.Collections.Generic;
using System.IO;
using DiT.Training.Export.Onnx;
using DiT.Training.Vae;
using static TorchSharp.torch;

namespace DiT.Training.Export;

/// <summary>
/// The SD VAE's layers as ONNX nodes, shared by the decoder and encoder exporters: convolutions (optionally with
/// circular padding), GroupNorm in primitive ops, SiLU, the resnet and the mid block's single-head attention. Weights
/// are looked up by their diffusers keys (encoder.*, decoder.*, quant_conv, post_quant_conv); fp16 graphs keep the
/// numerically fragile parts (GroupNorm statistics, attention scores and softmax) in float32.
/// </summary>
internal sealed class VaeGraphOps
{
    private readonly VaeConfig cfg;
    private readonly IReadOnlyDictionary<string, Tensor> w;
    private readonly bool circular;
    private readonly OnnxType ct;                  // compute type
    private readonly Dictionary<(OnnxType, float), OnnxValue> scalars = new();

    public GraphBuilder G { get; }
    /// <summary>The compute type: float16 for fp16 graphs, else float32.</summary>
    public OnnxType Compute => ct;
    /// <summary>Parameters stored so far.</summary>
    public long Parameters { get; private set; }

    public VaeGraphOps(string graphName, VaeConfig config, IReadOnlyDictionary<string, Tensor> weights, bool fp16, bool circularPadding)
    {
        G = new GraphBuilder(graphName);
        cfg = config;
        w = weights;
        circular = circularPadding;
        ct = fp16 ? OnnxType.Float16 : OnnxType.Float;
    }

    private GraphBuilder g => G;

    private Tensor Weight(string key) => w.TryGetValue(key, out var t) ? t
        : throw new InvalidDataException($"The VAE weights have no '{key}'; do they belong to {cfg}?");

    private OnnxValue Param(string key, OnnxType type, Func<Tensor, Tensor>? view = null)
    {
        var t = Weight(key);
        Parameters += t.numel();
        return g.Initializer(key, view is null ? t : view(t), type);
    }

    public OnnxValue Scalar(float v, OnnxType type)
    {
        if (!scalars.TryGetValue((type, v), out var s))
            scalars[(type, v)] = s = g.Scalar(FormattableString.Invariant($"const_{v:R}_{type}"), v, type);
        return s;
    }

    /// <summary>
    /// The encoder's Downsample: zero padding of one row at the bottom and one column at the right, then a 3x3
    /// stride-2 convolution; ONNX Conv's asymmetric pads [top, left, bottom, right] = [0, 0, 1, 1] say exactly that.
    /// </summary>
    public OnnxValue Downsample(OnnxValue x, string prefix)
    {
        if (circular) throw new NotSupportedException("Circular padding is for decoders; the encoder's downsampling pads with zeros as trained.");
        return g.Conv(x, Param(prefix + ".weight", ct), Param(prefix + ".bias", ct), 2, new long[] { 0, 0, 1, 1 }, prefix);
    }

    public OnnxValue Conv(OnnxValue x, string prefix, int stride = 1)
    {
        var wt = Param(prefix + ".weight", ct);
        long k = wt.Dim(2), p = (k - 1) / 2;
        if (circular && p > 0)
            return g.Conv(g.CircularPad(x, p, prefix), wt, Param(prefix + ".bias", ct), stride, new long[] { 0, 0, 0, 0 }, prefix);
        return g.Conv(x, wt, Param(prefix + ".bias", ct), stride, new[] { p, p, p, p }, prefix);
    }

    /// <summary>nn.Linear on (B, N, C) as MatMul with the weight stored transposed ([in, out]) plus Add bias.</summary>
    private OnnxValue Linear(OnnxValue x, string prefix)
    {
        var mm = g.MatMul(x, Param(prefix + ".weight", ct, t => t.t()), prefix + ".matmul");
        return g.Add(mm, Param(prefix + ".bias", ct), prefix + ".out");
    }

    public OnnxValue SiLU(OnnxValue x, string hint) => g.Mul(x, g.Unary("Sigmoid", x, hint + ".sigmoid"), hint + ".silu");

    /// <summary>
    /// GroupNorm(G, C, eps) in primitive ops, always in float32: the fp16 graph casts around it because fp16
    /// variance overflows in the SD VAE's 512-channel blocks (a squared deviation passes float16's max of
    /// 65504 once an activation is ~256 away from its group mean, and the mean of squares over C/G·H·W values
    /// is then inf, so every normalised value collapses to 0). PyTorch's fp16 GroupNorm accumulates in float32
    /// as well. The affine is applied in float32 too, then the result is cast back to the compute type.
    /// </summary>
    public OnnxValue GroupNorm(OnnxValue x, string prefix)
    {
        long b = x.Dim(0), c = x.Dim(1), h = x.Dim(2), wd = x.Dim(3), groups = cfg.NormGroups;
        var x32 = g.Cast(x, OnnxType.Float, prefix + ".to_fp32");
        var grouped = g.Reshape(x32, new[] { b, groups, c / groups * h * wd }, prefix + ".grouped");
        var mean = g.ReduceMean(grouped, new long[] { 2 }, prefix + ".mean");
        var dev = g.Sub(grouped, mean, prefix + ".dev");
        var variance = g.ReduceMean(g.Mul(dev, dev, prefix + ".dev2"), new long[] { 2 }, prefix + ".var");
        var std = g.Unary("Sqrt", g.Add(variance, Scalar((float)cfg.NormEps, OnnxType.Float), prefix + ".var_eps"), prefix + ".std");
        var normed = g.Reshape(g.Div(dev, std, prefix + ".normed"), new[] { b, c, h, wd }, prefix + ".ungrouped");
        var gamma = Param(prefix + ".weight", OnnxType.Float, t => t.reshape(c, 1, 1));
        var beta = Param(prefix + ".bias", OnnxType.Float, t => t.reshape(c, 1, 1));
        var y = g.Add(g.Mul(normed, gamma, prefix + ".scaled"), beta, prefix + ".affine");
        return g.Cast(y, ct, prefix + ".to_compute");
    }

    public OnnxValue Resnet(OnnxValue x, string prefix)
    {
        var h = Conv(SiLU(GroupNorm(x, prefix + ".norm1"), prefix + ".act1"), prefix + ".conv1");
        h = Conv(SiLU(GroupNorm(h, prefix + ".norm2"), prefix + ".act2"), prefix + ".conv2");
        var skip = w.ContainsKey(prefix + ".conv_shortcut.weight") ? Conv(x, prefix + ".conv_shortcut") : x;
        return g.Add(skip, h, prefix + ".out");
    }

    /// <summary>
    /// Single-head self-attention over the H·W positions (head dim C) plus the input. In the fp16 graph the
    /// scores q·kᵀ/√C and the softmax are computed in float32 (q and k cast up): with C = 512 and unnormalised
    /// projections the logits can leave float16's range, and softmax needs the precision; p·v goes back to fp16.
    /// </summary>
    private OnnxValue Attention(OnnxValue x, string prefix)
    {
        long b = x.Dim(0), c = x.Dim(1), h = x.Dim(2), wd = x.Dim(3), n = h * wd;
        var norm = GroupNorm(x, prefix + ".group_norm");
        var tokens = g.Transpose(g.Reshape(norm, new[] { b, c, n }, prefix + ".flat"), new long[] { 0, 2, 1 }, prefix + ".tokens");   // (B, N, C)
        var q = Linear(tokens, prefix + ".to_q");
        var k = Linear(tokens, prefix + ".to_k");
        var v = Linear(tokens, prefix + ".to_v");
        var q32 = g.Cast(q, OnnxType.Float, prefix + ".q_fp32");
        var k32 = g.Cast(k, OnnxType.Float, prefix + ".k_fp32");
        var qs = g.Mul(q32, Scalar((float)(1.0 / Math.Sqrt(c)), OnnxType.Float), prefix + ".q_scaled");
        var scores = g.MatMul(qs, g.Transpose(k32, new long[] { 0, 2, 1 }, prefix + ".k_t"), prefix + ".scores");   // (B, N, N)
        var probs = g.Cast(g.Softmax(scores, prefix + ".softmax"), ct, prefix + ".probs");
        var ctx = g.MatMul(probs, v, prefix + ".context");                                                           // (B, N, C)
        var outp = Linear(ctx, prefix + ".to_out.0");
        var map = g.Reshape(g.Transpose(outp, new long[] { 0, 2, 1 }, prefix + ".channels_first"), new[] { b, c, h, wd }, prefix + ".map");
        return g.Add(map, x, prefix + ".residual");
    }

    public OnnxValue MidBlock(OnnxValue x, string prefix)
    {
        var h = Resnet(x, prefix + ".resnets.0");
        h = Attention(h, prefix + ".attentions.0");
        return Resnet(h, prefix + ".resnets.1");
    }
}
