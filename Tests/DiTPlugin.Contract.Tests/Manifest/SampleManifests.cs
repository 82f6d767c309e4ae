using System.Collections.Generic;
using System.Text.Json.Nodes;
using DiTPlugin.Contract.Package;

namespace DiTPlugin.Contract.Tests.Manifest;

/// <summary>
/// Valid manifests built in code: a latent one with every section and optional field set, and a plain pixel one.
/// Records are immutable, so tests share them and change copies (<c>with</c>).
/// </summary>
internal static class SampleManifests
{
    public static ModelManifest Latent { get; } = BuildLatent();
    public static ModelManifest Pixel { get; } = BuildPixel();

    /// <summary>A distinct valid sha256 per <paramref name="n"/>.</summary>
    public static string Sha(int n) => n.ToString("x2") + new string('0', 62);

    private static ModelManifest BuildLatent()
    {
        GraphInfo Graph(GraphRole role, string file, Precision precision, int sha, int? tile = null, Padding padding = Padding.Zeros) => new()
        {
            Role = role, File = file, Precision = precision, Batch = 2, Opset = PackageFormat.Opset, Sha256 = Sha(sha), TileSize = tile, Padding = padding,
        };
        var graphs = new[]
        {
            Graph(GraphRole.DiT, PackageFiles.DiT, Precision.Fp32, 1),
            Graph(GraphRole.DiT, PackageFiles.DiTFp16, Precision.Fp16, 2),
            Graph(GraphRole.VaeDecoder, PackageFiles.Decoder, Precision.Fp32, 3, tile: 4),
            Graph(GraphRole.VaeDecoder, PackageFiles.DecoderFp16, Precision.Fp16, 4),
            Graph(GraphRole.VaeDecoder, PackageFiles.CircularDecoder, Precision.Fp32, 5, padding: Padding.Circular),
        };
        return new ModelManifest
        {
            Format = ModelManifest.FormatName,
            FormatVersion = PackageFormat.Version,   // no int8 graph: what writers write
            Name = "every-section",
            Description = "a latent model with every optional field",
            License = new LicenseInfo { Id = "CC-BY-NC-4.0", CommercialUse = false, Text = "licence text", Attribution = "someone" },
            Architecture = new ArchitectureInfo
            {
                Family = "DiT", Depth = 2, HiddenSize = 64, NumHeads = 4, PatchSize = 2, MlpRatio = 4.5, Block = "AdaLNZero", LearnSigma = false,
            },
            Input = new InputInfo { Size = 8, Channels = 4, Space = InputSpace.Latent },
            Output = new OutputInfo { Width = 64, Height = 64, Channels = 3, ColorSpace = ColorSpace.Linear },
            Latent = new LatentInfo { Scale = 0.18215, Downsample = 8, Decoder = PackageFiles.Decoder, DecoderSha256 = Sha(3), TileOverlap = 1 },
            Classes = new ClassesInfo
            {
                Count = 3, NullClass = 3, Names = new[] { "stone", "", "brick" }, Synonyms = new Dictionary<string, int> { ["rock"] = 0, ["wall"] = 2 },
            },
            Schedule = new ScheduleInfo { Kind = ScheduleKind.Cosine, Timesteps = 4, Betas = new[] { 0.1, 0.2, 0.3, 0.4 } },
            Guidance = new GuidanceInfo { GuidedChannels = 3 },
            Sampling = new SamplingInfo { ClipDenoised = true },
            Graphs = graphs,
            ContentHash = ModelManifest.ContentHashOf(graphs),
            Training = new TrainingInfo { Steps = 42, Dataset = "textures", FinalLoss = 0.125 },
        };
    }

    private static ModelManifest BuildPixel()
    {
        var graphs = new[] { new GraphInfo { Role = GraphRole.DiT, File = PackageFiles.DiT, Opset = PackageFormat.Opset, Sha256 = Sha(1) } };
        return new ModelManifest
        {
            Format = ModelManifest.FormatName,
            FormatVersion = PackageFormat.Version,   // no int8 graph: what writers write
            Name = "pixel",
            License = new LicenseInfo { Id = "MIT", CommercialUse = true },
            Input = new InputInfo { Size = 8, Channels = 1 },
            Output = new OutputInfo { Width = 8, Height = 8, Channels = 1 },
            Classes = new ClassesInfo { Count = 2, NullClass = 2, Names = new[] { "light", "dark" } },
            Schedule = new ScheduleInfo { Timesteps = 1000 },
            Guidance = new GuidanceInfo { GuidedChannels = 1 },
            Graphs = graphs,
            ContentHash = ModelManifest.ContentHashOf(graphs),
        };
    }

    /// <summary>The manifest's JSON as a tree, to change one field the typed records cannot hold (an unknown word).</summary>
    public static JsonObject Json(ModelManifest m) => JsonNode.Parse(m.ToJson())!.AsObject();
}
