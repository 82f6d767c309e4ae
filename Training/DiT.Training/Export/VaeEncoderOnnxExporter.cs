using System;
using System.Collections.Generic;
using System.Globalization;
using DiTPlugin.Contract.Package;
using DiT.Training.Export.Onnx;
using DiT.Training.Formats;
using DiT.Training.Vae;
using static TorchSharp.torch;

namespace DiT.Training.Export;

/// <summary>An exported encoder graph and what a reader needs to know about it.</summary>
public sealed record VaeEncoderExport(ModelProto Model, OnnxValue Input, OnnxValue Output, Precision Precision, long ParameterCount)
{
    public byte[] ToBytes() => DiTOnnxExporter.ToBytes(Model);
}

/// <summary>
/// Builds the model package's VAE encoder graph (docs/model-package.md), which lets the Plugin start from an existing
/// texture in a latent model (variations, inpainting, seam repair): input <c>image</c> float32 [B, C_in, S·f, S·f] in
/// [-1, 1] → encoder → quant_conv → the posterior's mean, output <c>latent</c> float32 [B, C_lat, S, S], not yet
/// multiplied by the scaling factor (the decoder's input space, so decode(encode(x)) is the VAE's reconstruction).
/// The mean and not a sample: an edit should start from the texture, not from a draw around it. Same rules as the
/// decoder graph (opset 17, default domain, static shapes, rank ≤ 4); zero padding only, as the encoder was trained.
/// </summary>
public static class VaeEncoderOnnxExporter
{
    public const string InputName = GraphTensors.Image;
    public const string OutputName = GraphTensors.Latent;

    /// <summary><paramref name="options"/>: Batch, LatentSize and Fp16 (ClipOutput does not apply; CircularPadding is refused).</summary>
    public static VaeEncoderExport Build(VaeConfig config, IReadOnlyDictionary<string, Tensor> weights, VaeExportOptions? options = null)
    {
        options = (options ?? new VaeExportOptions()).Checked();
        if (options.CircularPadding) throw new ArgumentException("The VAE encoder is exported with zero padding only, as it was trained.", nameof(options));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return Emit(config.Validate(), VaeStateDict.Normalize(weights), options);
    }

    public static VaeEncoderExport Build(AutoencoderKL vae, VaeExportOptions? options = null) => Build(vae.Config, vae.state_dict(), options);

    private static VaeEncoderExport Emit(VaeConfig cfg, IReadOnlyDictionary<string, Tensor> weights, VaeExportOptions o)
    {
        var ops = new VaeGraphOps("VaeEncoder", cfg, weights, o.Fp16, circularPadding: false);
        var g = ops.G;
        int s = o.LatentSize, f = cfg.DownsampleFactor, blocks = cfg.BlockOutChannels.Count;
        var image = g.Input(InputName, OnnxType.Float, o.Batch, cfg.InChannels, (long)s * f, (long)s * f);

        var h = ops.Conv(g.Cast(image, ops.Compute, "image_compute"), "encoder.conv_in");
        for (int i = 0; i < blocks; i++)
        {
            for (int j = 0; j < cfg.LayersPerBlock; j++) h = ops.Resnet(h, $"encoder.down_blocks.{i}.resnets.{j}");
            if (i < blocks - 1) h = ops.Downsample(h, $"encoder.down_blocks.{i}.downsamplers.0.conv");
        }
        h = ops.MidBlock(h, "encoder.mid_block");
        h = ops.SiLU(ops.GroupNorm(h, "encoder.conv_norm_out"), "encoder.act_out");
        h = ops.Conv(h, "encoder.conv_out");
        var moments = ops.Conv(h, "quant_conv");                                          // [B, 2·C_lat, S, S]: mean, then log-variance
        var mean = g.Cast(g.Slice(moments, 1, 0, cfg.LatentChannels, "posterior_mean"), OnnxType.Float, "latent_fp32");
        if (mean.Dim(2) != s) throw new InvalidOperationException($"Encoder output {mean} is not {s} latent pixels wide.");
        var output = g.Output(mean, OutputName);

        var precision = o.Fp16 ? Precision.Fp16 : Precision.Fp32;
        var model = g.ToModel($"AutoencoderKL encoder (encoder + quant_conv, posterior mean), blocks [{string.Join(", ", cfg.BlockOutChannels)}], " +
                              $"image {cfg.InChannels}x{s * f}x{s * f} in [-1, 1] -> latent {cfg.LatentChannels}x{s}x{s} " +
                              $"(not multiplied by the scaling factor) ({precision.ToJson()}). See docs/model-package.md.");
        void Meta(string key, string value) => model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        Meta("ditplugin.format", $"{PackageFormat.Name}/{PackageFormat.VaeEncoderVersion}");
        Meta("ditplugin.role", GraphRoles.VaeEncoder);
        Meta("ditplugin.precision", precision.ToJson());
        Meta("ditplugin.latentScale", cfg.ScalingFactor.ToString("R", CultureInfo.InvariantCulture));
        Meta("ditplugin.downsample", f.ToString(CultureInfo.InvariantCulture));
        return new VaeEncoderExport(model, image, output, precision, ops.Parameters);
    }
}
