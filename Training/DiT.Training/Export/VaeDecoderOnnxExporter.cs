using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using DiTPlugin.Contract.Package;
using DiT.Training.Export.Onnx;
using DiT.Training.Formats;
using DiT.Training.Vae;
using static TorchSharp.torch;

namespace DiT.Training.Export;

/// <summary>What to export: the static batch and latent side, the precision, and whether to clip the image.</summary>
public sealed record VaeExportOptions
{
    /// <summary>The graph's static batch B.</summary>
    public int Batch { get; init; } = 1;

    /// <summary>The latent side S (the image is S·f, f = 8 for SD); 32 gives 256x256 images.</summary>
    public int LatentSize { get; init; } = 32;

    /// <summary>Store weights as float16 and compute in float16 (graph I/O stays float32; GroupNorm statistics and softmax in float32).</summary>
    public bool Fp16 { get; init; }

    /// <summary>Clip the image to [-1, 1] as the package contract says; tests turn it off to compare raw values.</summary>
    public bool ClipOutput { get; init; } = true;

    /// <summary>
    /// Pad every convolution circularly (wrap-around) instead of with zeros: the decoder then works on the torus, so a
    /// latent that tiles decodes to an image that tiles (seamless textures). Same weights; the manifest lists the graph
    /// with padding "circular".
    /// </summary>
    public bool CircularPadding { get; init; }
}

/// <summary>An exported decoder graph and what a reader needs to know about it.</summary>
public sealed record VaeDecoderExport(ModelProto Model, long SizeBytes, OnnxValue Input, OnnxValue Output, Precision Precision,
    int NodeCount, long ParameterCount)
{
    public byte[] ToBytes() => DiTOnnxExporter.ToBytes(Model);
}

/// <summary>
/// Builds the model package's VAE decoder graph (docs/model-package.md): input <c>latent</c> float32 [B, C_lat, S, S],
/// already divided by the scaling factor → post_quant_conv → decoder → output <c>image</c> float32
/// [B, C_out, S·f, S·f] clipped to [-1, 1] (for SD: [B,4,S,S] → [B,3,8S,8S]). Opset 17, default domain only, static
/// shapes, no tensor above rank 4 (DirectML). GroupNorm is spelled out in primitive ops (Reshape [B, G, -1],
/// ReduceMean, Sub, Mul, ReduceMean, Add eps, Sqrt, Div, Reshape back, affine) rather than opset 18's
/// GroupNormalization or an InstanceNormalization trick; attention is MatMul + Softmax; upsampling is Resize
/// (nearest, x2). The op order follows the TorchSharp modules in Vae/, so the fp32 graph matches
/// <see cref="AutoencoderKL.Decode"/> to float rounding.
/// </summary>
public static class VaeDecoderOnnxExporter
{
    public const string InputName = GraphTensors.Latent;
    public const string OutputName = GraphTensors.Image;

    public static VaeDecoderExport Build(VaeConfig config, IReadOnlyDictionary<string, Tensor> weights, VaeExportOptions? options = null)
    {
        options ??= new VaeExportOptions();
        if (options.Batch < 1) throw new ArgumentOutOfRangeException(nameof(options), $"Batch must be >= 1, got {options.Batch}.");
        if (options.LatentSize < 1) throw new ArgumentOutOfRangeException(nameof(options), $"LatentSize must be >= 1, got {options.LatentSize}.");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return new Emitter(config.Validate(), VaeStateDict.Normalize(weights), options).Build();
    }

    public static VaeDecoderExport Build(AutoencoderKL vae, VaeExportOptions? options = null) => Build(vae.Config, vae.state_dict(), options);

    /// <summary>Builds the graph and writes it to <paramref name="path"/> (atomically).</summary>
    public static VaeDecoderExport Export(AutoencoderKL vae, string path, VaeExportOptions? options = null)
    {
        var export = Build(vae, options);
        var bytes = export.ToBytes();
        AtomicFile.Write(path, s => s.Write(bytes));
        return export;
    }

    private sealed class Emitter
    {
        private readonly VaeConfig cfg;
        private readonly IReadOnlyDictionary<string, Tensor> w;
        private readonly VaeExportOptions o;
        private readonly GraphBuilder g = new("VaeDecoder");
        private readonly OnnxType ct;                  // compute type
        private readonly Dictionary<(OnnxType, float), OnnxValue> scalars = new();
        private long parameters;

        public Emitter(VaeConfig config, IReadOnlyDictionary<string, Tensor> weights, VaeExportOptions options)
        {
            cfg = config;
            w = weights;
            o = options;
            ct = options.Fp16 ? OnnxType.Float16 : OnnxType.Float;
        }

        private Tensor Weight(string key) => w.TryGetValue(key, out var t) ? t
            : throw new InvalidDataException($"The VAE weights have no '{key}'; do they belong to {cfg}?");

        private OnnxValue Param(string key, OnnxType type, Func<Tensor, Tensor>? view = null)
        {
            var t = Weight(key);
            parameters += t.numel();
            return g.Initializer(key, view is null ? t : view(t), type);
        }

        private OnnxValue Scalar(float v, OnnxType type)
        {
            if (!scalars.TryGetValue((type, v), out var s))
                scalars[(type, v)] = s = g.Scalar(FormattableString.Invariant($"const_{v:R}_{type}"), v, type);
            return s;
        }

        private OnnxValue Conv(OnnxValue x, string prefix, int stride = 1)
        {
            var wt = Param(prefix + ".weight", ct);
            long k = wt.Dim(2), p = (k - 1) / 2;
            if (o.CircularPadding && p > 0)
                return g.Conv(WrapPad(x, p, prefix), wt, Param(prefix + ".bias", ct), stride, new long[] { 0, 0, 0, 0 }, prefix);
            return g.Conv(x, wt, Param(prefix + ".bias", ct), stride, new[] { p, p, p, p }, prefix);
        }

        /// <summary>
        /// Circular padding by p on H and W as Slice + Concat: opset 17 Pad has no "wrap" mode (it came in opset 19),
        /// and DirectML wants opset ≤ 17. Rows first, then columns, so the corners come from the opposite corner.
        /// </summary>
        private OnnxValue WrapPad(OnnxValue x, long p, string prefix)
        {
            for (int axis = 2; axis <= 3; axis++)
            {
                long n = x.Dim(axis);
                if (p > n) throw new InvalidOperationException($"{prefix}: circular padding {p} exceeds the side {n}.");
                var head = g.Slice(x, axis, n - p, n, $"{prefix}.wrap{axis}_head");
                var tail = g.Slice(x, axis, 0, p, $"{prefix}.wrap{axis}_tail");
                x = g.Concat(new[] { head, x, tail }, axis, $"{prefix}.wrap{axis}");
            }
            return x;
        }

        /// <summary>nn.Linear on (B, N, C) as MatMul with the weight stored transposed ([in, out]) plus Add bias.</summary>
        private OnnxValue Linear(OnnxValue x, string prefix)
        {
            var mm = g.MatMul(x, Param(prefix + ".weight", ct, t => t.t()), prefix + ".matmul");
            return g.Add(mm, Param(prefix + ".bias", ct), prefix + ".out");
        }

        private OnnxValue SiLU(OnnxValue x, string hint) => g.Mul(x, g.Unary("Sigmoid", x, hint + ".sigmoid"), hint + ".silu");

        /// <summary>
        /// GroupNorm(G, C, eps) in primitive ops, always in float32: the fp16 graph casts around it because fp16
        /// variance overflows in the SD VAE's 512-channel blocks (a squared deviation passes float16's max of
        /// 65504 once an activation is ~256 away from its group mean, and the mean of squares over C/G·H·W values
        /// is then inf, so every normalised value collapses to 0). PyTorch's fp16 GroupNorm accumulates in float32
        /// as well. The affine is applied in float32 too, then the result is cast back to the compute type.
        /// </summary>
        private OnnxValue GroupNorm(OnnxValue x, string prefix)
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

        private OnnxValue Resnet(OnnxValue x, string prefix)
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

        private OnnxValue MidBlock(OnnxValue x, string prefix)
        {
            var h = Resnet(x, prefix + ".resnets.0");
            h = Attention(h, prefix + ".attentions.0");
            return Resnet(h, prefix + ".resnets.1");
        }

        public VaeDecoderExport Build()
        {
            int s = o.LatentSize, f = cfg.DownsampleFactor, blocks = cfg.BlockOutChannels.Count;
            var latent = g.Input(InputName, OnnxType.Float, o.Batch, cfg.LatentChannels, s, s);

            var h = Conv(g.Cast(latent, ct, "latent_compute"), "post_quant_conv");
            h = Conv(h, "decoder.conv_in");
            h = MidBlock(h, "decoder.mid_block");
            for (int i = 0; i < blocks; i++)
            {
                for (int j = 0; j <= cfg.LayersPerBlock; j++) h = Resnet(h, $"decoder.up_blocks.{i}.resnets.{j}");
                if (i < blocks - 1)
                    h = Conv(g.ResizeNearest(h, 2, $"decoder.up_blocks.{i}.upsamplers.0.nearest"), $"decoder.up_blocks.{i}.upsamplers.0.conv");
            }
            h = SiLU(GroupNorm(h, "decoder.conv_norm_out"), "decoder.act_out");
            h = Conv(h, "decoder.conv_out");
            var image = g.Cast(h, OnnxType.Float, "image_fp32");
            if (o.ClipOutput) image = g.Clip(image, Scalar(-1f, OnnxType.Float), Scalar(1f, OnnxType.Float), "image_clipped");
            if (image.Dim(2) != (long)s * f) throw new InvalidOperationException($"Decoder output {image} is not {s * f} pixels wide.");
            var output = g.Output(image, OutputName);

            var precision = o.Fp16 ? Precision.Fp16 : Precision.Fp32;
            var model = g.ToModel($"AutoencoderKL decoder (post_quant_conv + decoder), blocks [{string.Join(", ", cfg.BlockOutChannels)}], " +
                                  $"latent {cfg.LatentChannels}x{s}x{s} (already divided by the scaling factor) -> image " +
                                  $"{cfg.OutChannels}x{s * f}x{s * f}{(o.ClipOutput ? " in [-1, 1]" : " (not clipped)")} ({precision.ToJson()}). " +
                                  "See docs/model-package.md.");
            void Meta(string key, string value) => model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
            Meta("ditplugin.format", $"{PackageFormat.Name}/{PackageFormat.Version}");
            Meta("ditplugin.role", GraphRoles.VaeDecoder);
            Meta("ditplugin.precision", precision.ToJson());
            Meta("ditplugin.padding", (o.CircularPadding ? Padding.Circular : Padding.Zeros).ToJson());
            Meta("ditplugin.latentScale", cfg.ScalingFactor.ToString("R", CultureInfo.InvariantCulture));
            Meta("ditplugin.downsample", f.ToString(CultureInfo.InvariantCulture));
            return new VaeDecoderExport(model, model.CalculateSize(), latent, output, precision, model.Graph.Node.Count, parameters);
        }
    }
}
