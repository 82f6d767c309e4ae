namespace DiTPlugin.Contract.Package
{
    /// <summary>architecture: what the graphs were exported from (readers need only <see cref="LearnSigma"/>).</summary>
    public sealed record ArchitectureInfo
    {
        /// <summary>"DiT".</summary>
        public string? Family { get; init; }
        public int Depth { get; init; }
        public int HiddenSize { get; init; }
        public int NumHeads { get; init; }
        public int PatchSize { get; init; }
        public double MlpRatio { get; init; }
        /// <summary>The block design's name (AdaLNZero, CrossAttention, InContext, AdaLN).</summary>
        public string? Block { get; init; }
        /// <summary>Whether the graph's v output is the learned variance (true when absent, as every DiT learns it).</summary>
        public bool LearnSigma { get; init; } = true;
    }
}
