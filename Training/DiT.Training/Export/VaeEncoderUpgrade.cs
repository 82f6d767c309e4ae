using System;
using System.IO;
using System.Linq;
using DiT.Training.Vae;
using DiTPlugin.Contract.Package;

namespace DiT.Training.Export;

/// <summary>
/// `dit upgrade --vae`: gives a latent package exported before formatVersion 4 its VAE encoder (vae_encoder.onnx), so
/// the Plugin can start from textures, without the DiT checkpoint. The VAE must be the one the package decodes with:
/// its decoder, exported as the package's fp32 decoder was, must have the same sha256. model.json changes only where it
/// must (<see cref="PackageAmendment"/>).
/// </summary>
public static class VaeEncoderUpgrade
{
    public static ModelManifest Apply(string folder, AutoencoderKL vae, string vaeName)
    {
        var manifest = PackageAmendment.ReadManifest(folder);
        if (manifest.Input.Space != InputSpace.Latent || manifest.Latent is null)
            throw new ArgumentException($"{folder} is a pixel-space package: it starts from textures without a VAE encoder.");
        if (manifest.Graphs.Any(g => g.Role == GraphRole.VaeEncoder))
            throw new ArgumentException($"{folder} has a VAE encoder already.");
        if (vae.Config.LatentChannels != manifest.Input.Channels || vae.Config.DownsampleFactor != manifest.Latent.Downsample)
            throw new ArgumentException($"The VAE {vaeName} has {vae.Config.LatentChannels} latent channels and downsamples {vae.Config.DownsampleFactor}x; " +
                                        $"the package's latents have {manifest.Input.Channels} channels and downsample {manifest.Latent.Downsample}x.");
        CheckSameDecoder(folder, manifest, vae, vaeName);

        var encoder = VaeEncoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = manifest.Input.Size }).ToBytes();
        var entry = new GraphInfo { Role = GraphRole.VaeEncoder, File = PackageFiles.Encoder, Precision = Precision.Fp32, Batch = 1, Opset = PackageFormat.Opset };
        return PackageAmendment.AddGraph(folder, manifest, entry, encoder, PackageFormat.VaeEncoderVersion);
    }

    /// <summary>
    /// The package's fp32 zero-padded decoder must be this VAE's decoder exported the same way (batch, tile side);
    /// an encoder of another VAE would give latents the decoder and the DiT do not know.
    /// </summary>
    private static void CheckSameDecoder(string folder, ModelManifest manifest, AutoencoderKL vae, string vaeName)
    {
        var decoder = manifest.DecoderGraphs(false).FirstOrDefault(g => g.Precision == Precision.Fp32)
            ?? throw new ArgumentException($"{folder} has no fp32 VAE decoder to check the VAE {vaeName} against.");
        var rebuilt = VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { Batch = decoder.Batch, LatentSize = decoder.TileSize ?? manifest.Input.Size }).ToBytes();
        string sha = ModelPackageWriter.Sha256Hex(rebuilt);
        if (!string.Equals(sha, decoder.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"The VAE {vaeName} is not the one package {folder} decodes with: its decoder exports to sha256 {sha[..16]}…, " +
                                           $"the package's {decoder.File} is {decoder.Sha256[..16]}…. Give the VAE weights the package was exported with.");
    }
}
