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
    }
}
