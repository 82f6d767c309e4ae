namespace DiTPlugin.Contract.Sampling
{
    /// <summary>The samplers a <see cref="SamplerSpec"/> names.</summary>
    public enum SamplerFamily
    {
        /// <summary>Ancestral DDPM.</summary>
        Ddpm,
        /// <summary>DDIM with η = 0.</summary>
        Ddim,
        /// <summary>DPM-Solver++(2M).</summary>
        DpmSolver,
    }
}
