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

        /// <summary>
        /// True when the DiT graphs take the unconditional half's labels as the input y_uncond (negative-class guidance);
        /// needs formatVersion 3. Absent (null) in older packages, whose graphs hold the null class as a constant:
        /// `dit upgrade` turns that constant into the input.
        /// </summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public bool? UnconditionalLabelInput { get; init; }

        /// <summary>
        /// True when the DiT graphs take y_mix and mix (class mixing: the conditional label embedding interpolated
        /// between two classes); needs formatVersion 3. The label embedding is a table lookup, so mixing inside the
        /// graph keeps the table private to it: no embedding graph or table file is part of the format.
        /// </summary>
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public bool? ClassMixInput { get; init; }
    }
}
