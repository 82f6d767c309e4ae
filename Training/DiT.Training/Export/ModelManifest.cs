using System.Collections.Generic;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using DiTPlugin.Contract.Package;

namespace DiTPlugin.Training.Export;

/// <summary>model.json of a model package (docs/model-package.md, format 1), serialised camelCase.</summary>
public sealed record ModelManifest
{
    public const string FormatName = PackageFormat.Name;
    public const int CurrentFormatVersion = PackageFormat.Version;

    public string Format { get; init; } = FormatName;
    public int FormatVersion { get; init; } = CurrentFormatVersion;
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public required LicenseInfo License { get; init; }
    public required ArchitectureInfo Architecture { get; init; }
    public required InputInfo Input { get; init; }
    public required OutputInfo Output { get; init; }
    public LatentInfo? Latent { get; init; }
    public required ClassesInfo Classes { get; init; }
    public required ScheduleInfo Schedule { get; init; }
    public required GuidanceInfo Guidance { get; init; }
    /// <summary>Always written; null only when reading packages made before the field existed (the space's default applies).</summary>
    public SamplingInfo? Sampling { get; init; }
    public required IReadOnlyList<GraphInfo> Graphs { get; init; }
    public required string ContentHash { get; init; }
    public TrainingInfo? Training { get; init; }

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static ModelManifest FromJson(string json) =>
        JsonSerializer.Deserialize<ModelManifest>(json, JsonOptions) ?? throw new JsonException("model.json is empty (null).");
}

public sealed record LicenseInfo(string Id, bool CommercialUse, string Text, string Attribution);

public sealed record ArchitectureInfo(string Family, int Depth, int HiddenSize, int NumHeads, int PatchSize, double MlpRatio,
    string Block, bool LearnSigma);

/// <summary><c>space</c> is one of <see cref="InputSpaces"/>.</summary>
public sealed record InputInfo(int Size, int Channels, string Space);

/// <summary><c>colorSpace</c> is one of <see cref="ColorSpaces"/>.</summary>
public sealed record OutputInfo(int Width, int Height, int Channels, string ColorSpace);

/// <summary><c>tileOverlap</c>: latent pixels shared by neighbouring tiles of a tile decoder (null: tile/4).</summary>
public sealed record LatentInfo(double Scale, int Downsample, string Decoder, string DecoderSha256,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TileOverlap = null);

/// <summary><c>nullClass</c> = <c>count</c>; null only for models trained without label dropout (no null class).</summary>
public sealed record ClassesInfo(int Count, int? NullClass, IReadOnlyList<string> Names, IReadOnlyDictionary<string, int> Synonyms);

/// <summary><c>kind</c> is one of <see cref="ScheduleKinds"/>; explicit <c>betas</c> win when present.</summary>
public sealed record ScheduleInfo(string Kind, int Timesteps, IReadOnlyList<double>? Betas);

public sealed record GuidanceInfo(int GuidedChannels);

/// <summary><c>clipDenoised</c>: clamp the predicted x₀ to [−1, 1] at each step (by default <see cref="PackageFormat.DefaultClipDenoised(InputSpace)"/>: pixel models clip, latent ones do not).</summary>
public sealed record SamplingInfo(bool ClipDenoised);

/// <summary>
/// <c>role</c> one of <see cref="GraphRoles"/>; <c>precision</c> one of <see cref="Precisions"/>; <c>padding</c> one of
/// <see cref="Paddings"/> (written only when not the default zeros); <c>tileSize</c> only for decoders that take
/// latent tiles smaller than the model input.
/// </summary>
public sealed record GraphInfo(string Role, string File, string Precision, int Batch, int Opset, string Sha256,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TileSize = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Padding = null);

public sealed record TrainingInfo(long Steps, string? Dataset, double? FinalLoss);
