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

    /// <summary>These options, after checking the sizes both VAE exporters need.</summary>
    internal VaeExportOptions Checked()
    {
        if (Batch < 1) throw new ArgumentOutOfRangeException(nameof(Batch), $"Batch must be >= 1, got {Batch}.");
        if (LatentSize < 1) throw new ArgumentOutOfRangeException(nameof(LatentSize), $"LatentSize must be >= 1, got {LatentSize}.");
        return this;
    }
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
        options = (options ?? new VaeExportOptions()).Checked();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return Emit(config.Validate(), VaeStateDict.Normalize(weights), options);
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

    private static VaeDecoderExport Emit(VaeConfig cfg, IReadOnlyDictionary<string, Tensor> weights, VaeExportOptions o)
    {
        var ops = new VaeGraphOps("VaeDecoder", cfg, weights, o.Fp16, o.CircularPadding);
        var g = ops.G;
        int s = o.LatentSize, f = cfg.DownsampleFactor, blocks = cfg.BlockOutChannels.Count;
        var latent = g.Input(InputName, OnnxType.Float, o.Batch, cfg.LatentChannels, s, s);

        var h = ops.Conv(g.Cast(latent, ops.Compute, "latent_compute"), "post_quant_conv");
        h = ops.Conv(h, "decoder.conv_in");
        h = ops.MidBlock(h, "decoder.mid_block");
        for (int i = 0; i < blocks; i++)
        {
            for (int j = 0; j <= cfg.LayersPerBlock; j++) h = ops.Resnet(h, $"decoder.up_blocks.{i}.resnets.{j}");
            if (i < blocks - 1)
                h = ops.Conv(g.ResizeNearest(h, 2, $"decoder.up_blocks.{i}.upsamplers.0.nearest"), $"decoder.up_blocks.{i}.upsamplers.0.conv");
        }
        h = ops.SiLU(ops.GroupNorm(h, "decoder.conv_norm_out"), "decoder.act_out");
        h = ops.Conv(h, "decoder.conv_out");
        var image = g.Cast(h, OnnxType.Float, "image_fp32");
        if (o.ClipOutput) image = g.Clip(image, ops.Scalar(-1f, OnnxType.Float), ops.Scalar(1f, OnnxType.Float), "image_clipped");
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
        return new VaeDecoderExport(model, model.CalculateSize(), latent, output, precision, model.Graph.Node.Count, ops.Parameters);
    }
}
