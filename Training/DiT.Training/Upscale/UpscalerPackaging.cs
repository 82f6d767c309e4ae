using System;
using DiT.Training.Export;
using DiTPlugin.Contract.Package;

namespace DiT.Training.Upscale;

/// <summary>Putting an upscaler into a package: its graph at the package's output size, as a new graph with role upscaler (formatVersion 5).</summary>
public static class UpscalerPackaging
{
    /// <summary>The manifest entry (sha256 still to fill) and graph bytes of <paramref name="model"/> for <paramref name="manifest"/>'s images.</summary>
    public static (GraphInfo Entry, byte[] Bytes) Graph(UpscalerModel model, ModelManifest manifest)
    {
        if (model.Config.Channels != manifest.Output.Channels)
            throw new ArgumentException($"The upscaler is for {model.Config.Channels}-channel images; the package makes {manifest.Output.Channels}-channel ones.");
        var bytes = UpscalerOnnxExporter.Build(model, manifest.Output.Height, manifest.Output.Width);
        var entry = new GraphInfo
        {
            Role = GraphRole.Upscaler, File = PackageFiles.Upscaler, Precision = Precision.Fp32, Batch = 1, Opset = PackageFormat.Opset, Factor = model.Config.Factor,
        };
        return (entry, bytes);
    }

    /// <summary>`dit upgrade --upscaler`: adds the upscaler to a package folder that has none.</summary>
    public static ModelManifest AddTo(string folder, UpscalerModel model)
    {
        var manifest = PackageAmendment.ReadManifest(folder);
        if (manifest.UpscalerGraph() is not null) throw new ArgumentException($"{folder} has an upscaler already.");
        var (entry, bytes) = Graph(model, manifest);
        return PackageAmendment.AddGraph(folder, manifest, entry, bytes, PackageFormat.UpscalerVersion);
    }
}
