using System;
using System.Collections.Generic;
using System.Globalization;
using DiT.Training.Export;
using DiT.Training.Export.Onnx;
using DiTPlugin.Contract.Package;
using static TorchSharp.torch;

namespace DiT.Training.Upscale;

/// <summary>
/// The model package's upscaler graph (docs/model-package.md, "The upscaler graph"): input <c>image</c> float32
/// [1, C, H, W] in [-1, 1] → output <c>upscaled</c> float32 [1, C, f·H, f·W] clipped to [-1, 1]. Each 3x3
/// convolution pads circularly (Slice + Concat, opset 17), pixel shuffle is DepthToSpace in CRD mode, and the skip is
/// Resize nearest; so the graph keeps the DirectML rules (opset 17, default domain, static shapes, rank ≤ 4).
/// </summary>
public static class UpscalerOnnxExporter
{
    public const string InputName = GraphTensors.Image;
    public const string OutputName = GraphTensors.Upscaled;

    public static byte[] Build(UpscalerModel model, int height, int width)
    {
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), "The input size must be positive.");
        var c = model.Config;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var w = model.state_dict();
        var g = new GraphBuilder("Upscaler");
        OnnxValue Conv(OnnxValue x, string prefix) =>
            g.Conv(g.CircularPad(x, 1, prefix), g.Initializer(prefix + ".weight", w[prefix + ".weight"], OnnxType.Float),
                g.Initializer(prefix + ".bias", w[prefix + ".bias"], OnnxType.Float), 1, new long[] { 0, 0, 0, 0 }, prefix);

        var image = g.Input(InputName, OnnxType.Float, 1, c.Channels, height, width);
        var features = Conv(image, "head");
        var h = features;
        for (int i = 0; i < c.Blocks; i++)
        {
            var r = Conv(g.Unary("Relu", Conv(h, $"body.{i}.conv1"), $"body.{i}.act"), $"body.{i}.conv2");
            h = g.Add(h, r, $"body.{i}.residual");
        }
        h = g.Add(h, features, "body.skip");
        var detail = g.DepthToSpace(Conv(h, "tail"), c.Factor, "pixel_shuffle", mode: "CRD");
        var coarse = g.ResizeNearest(image, c.Factor, "nearest");
        var sum = g.Add(coarse, detail, "upscaled_raw");
        var clipped = g.Clip(sum, g.Scalar("minus_one", -1f, OnnxType.Float), g.Scalar("one", 1f, OnnxType.Float), "upscaled_clipped");
        g.Output(clipped, OutputName);
        var m = g.ToModel($"Seam-aware {c.Factor}x upscaler ({c.Features} features, {c.Blocks} residual blocks, circular padding): " +
                          $"image {c.Channels}x{height}x{width} in [-1, 1] -> {c.Channels}x{height * c.Factor}x{width * c.Factor}. See docs/model-package.md.");
        void Meta(string key, string value) => m.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        Meta("ditplugin.format", $"{PackageFormat.Name}/{PackageFormat.UpscalerVersion}");
        Meta("ditplugin.role", GraphRoles.Upscaler);
        Meta("ditplugin.factor", c.Factor.ToString(CultureInfo.InvariantCulture));
        return DiTOnnxExporter.ToBytes(m);
    }
}
