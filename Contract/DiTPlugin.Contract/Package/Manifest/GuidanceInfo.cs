namespace DiTPlugin.Contract.Package
{
    /// <summary>guidance: how the DiT graph applies classifier-free guidance.</summary>
    public sealed record GuidanceInfo
    {
        /// <summary>
        /// The eps channels guidance acts on: all for trained models, 3 of 4 for packages of the official DiT weights
        /// (as their forward_with_cfg does).
        /// </summary>
        public int GuidedChannels { get; init; }
    }
}
