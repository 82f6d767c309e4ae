using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Contract.Schedules;

namespace DiT.Training.Diffusion;

/// <summary>
/// A diffusion that keeps only some timesteps of a base chain (ADM's SpacedDiffusion). Its betas are recomputed so
/// that its alpha_bar at each kept step equals the base alpha_bar there: beta_i = 1 - abar_{k_i} / abar_{k_{i-1}}.
/// The model still sees the original timesteps k_i through <see cref="GaussianDiffusion.TimestepMap"/>.
/// </summary>
public sealed class SpacedDiffusion : GaussianDiffusion
{
    /// <summary>The kept original timesteps, ascending.</summary>
    public IReadOnlyList<int> UseTimesteps { get; }
    /// <summary>Length of the base chain.</summary>
    public int OriginalNumTimesteps { get; }

    public SpacedDiffusion(IReadOnlyCollection<int> useTimesteps, IReadOnlyList<double> baseBetas,
        ModelVarianceType varianceType = ModelVarianceType.LearnedRange)
        : this(Prepare(useTimesteps, baseBetas), varianceType, baseBetas.Count) { }

    private SpacedDiffusion((double[] Betas, int[] Map) p, ModelVarianceType varianceType, int originalSteps)
        : base(p.Betas, varianceType, p.Map)
    {
        UseTimesteps = Array.AsReadOnly(p.Map);
        OriginalNumTimesteps = originalSteps;
    }

    private static (double[] Betas, int[] Map) Prepare(IReadOnlyCollection<int> useTimesteps, IReadOnlyList<double> baseBetas)
    {
        // ADM takes a set of kept steps: order and repeats do not matter here; the Contract wants them ascending.
        var map = new SortedSet<int>(useTimesteps).ToArray();
        return (DiffusionSchedule.RespacedBetas(baseBetas, map), map);
    }
}
