namespace DiTPlugin.Contract.Package
{
    /// <summary>
    /// The names of the graphs' inputs and outputs (docs/model-package.md): the exporter gives them, the Plugin binds
    /// by them, so a renamed tensor is a format change made here.
    /// </summary>
    public static class GraphTensors
    {
        /// <summary>DiT input x_t, float32 [B, C, S, S].</summary>
        public const string X = "x";
        /// <summary>DiT input timestep t, float32 [B].</summary>
        public const string T = "t";
        /// <summary>DiT input class id y, int64 [B] (the null class for unconditional).</summary>
        public const string Y = "y";
        /// <summary>
        /// DiT input, the labels of guidance's unconditional half, int64 [B]: the null class for classifier-free guidance,
        /// another class B for guidance away from it (ε_B + s·(ε_y − ε_B)). Only in the DiT graphs of packages with
        /// guidance.unconditionalLabelInput (formatVersion 3); older graphs hold the null class as a constant.
        /// </summary>
        public const string YUncond = "y_uncond";
        /// <summary>
        /// DiT input, a second class per image, int64 [B], mixed into the conditional label embedding with weight
        /// <see cref="Mix"/> (class mixing). Only with guidance.classMixInput (formatVersion 3).
        /// </summary>
        public const string YMix = "y_mix";
        /// <summary>DiT input, float32 [B] in [0, 1]: the conditional label embedding is (1 − w)·E[y] + w·E[y_mix]; 0 is y alone.</summary>
        public const string Mix = "mix";
        /// <summary>DiT input guidance scale, float32 [1].</summary>
        public const string CfgScale = "cfg_scale";
        /// <summary>DiT output, the guided noise prediction, float32 [B, C, S, S].</summary>
        public const string Eps = "eps";
        /// <summary>DiT output, the learned-variance interpolation value, float32 [B, C, S, S].</summary>
        public const string V = "v";
        /// <summary>VAE decoder input, latents already divided by latent.scale, float32 [B, C, t, t].</summary>
        public const string Latent = "latent";
        /// <summary>VAE decoder output, the image in [−1, 1], float32 [B, channels, t·f, t·f].</summary>
        public const string Image = "image";
        /// <summary>Upscaler output, the image f times larger in [−1, 1], float32 [1, channels, f·H, f·W] (its input is <see cref="Image"/>).</summary>
        public const string Upscaled = "upscaled";
    }
}
