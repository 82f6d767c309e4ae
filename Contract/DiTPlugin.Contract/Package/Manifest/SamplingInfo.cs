namespace DiTPlugin.Contract.Package
{
    /// <summary>sampling: how the package is sampled (writers always write it; older packages lack it).</summary>
    public sealed record SamplingInfo
    {
        /// <summary>
        /// Clamp the predicted x₀ to [−1, 1] at every step (ADM's clip_denoised). Null: the default of input.space
        /// (<see cref="PackageFormat.DefaultClipDenoised(InputSpace)"/>); <see cref="ModelManifest.ClipDenoised"/> resolves it.
        /// </summary>
        public bool? ClipDenoised { get; init; }

        /// <summary>
        /// The sampler and step count the package's trainer chose by measurement, as a sampler spec ("dpm25", "ddim50",
        /// "ddpm250"; <see cref="Sampling.SamplerSpec"/> without DDPM section lists). Null: the reader's own default
        /// (<see cref="PackageFormat.DefaultSampler"/>). Readers that predate the field ignore it, which only changes a
        /// default: a recipe records the sampler it ran.
        /// </summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public string? Sampler { get; init; }

        /// <summary>The default classifier-free guidance scale (≥ 0); null: <see cref="PackageFormat.DefaultCfgScale"/>.</summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public double? CfgScale { get; init; }
    }
}
