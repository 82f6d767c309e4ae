namespace DiTPlugin
{
    /// <summary>The denoising sampler a generation uses.</summary>
    public enum SamplerKind
    {
        /// <summary>Ancestral DDPM with the model's learned-range variance (stochastic).</summary>
        Ddpm,
        /// <summary>DDIM (eta 0: deterministic after the initial noise).</summary>
        Ddim,
        /// <summary>DPM-Solver++(2M): second-order multistep in data prediction (deterministic, few steps).</summary>
        DpmSolverPlusPlus2M,
    }
}
