using System;
using static TorchSharp.torch;

namespace DiT.Training.Diffusion;

/// <summary>q(x_{t-1} | x_t, x_0): mean, variance and clipped log-variance, each broadcastable to x.</summary>
public sealed record PosteriorMeanVariance(Tensor Mean, Tensor Variance, Tensor LogVarianceClipped) : IDisposable
{
    public void Dispose() { Mean.Dispose(); Variance.Dispose(); LogVarianceClipped.Dispose(); }
}

/// <summary>p(x_{t-1} | x_t) as the model defines it, with the model's x_0 and eps predictions.</summary>
public sealed record PMeanVarianceResult(Tensor Mean, Tensor Variance, Tensor LogVariance, Tensor PredXStart, Tensor Eps) : IDisposable
{
    public void Dispose() { Mean.Dispose(); Variance.Dispose(); LogVariance.Dispose(); PredXStart.Dispose(); Eps.Dispose(); }

    /// <summary>Moves every tensor out of the current dispose scope (for methods that build the result in a scope).</summary>
    internal PMeanVarianceResult MoveToOuterDisposeScope()
    {
        Mean.MoveToOuterDisposeScope(); Variance.MoveToOuterDisposeScope(); LogVariance.MoveToOuterDisposeScope();
        PredXStart.MoveToOuterDisposeScope(); Eps.MoveToOuterDisposeScope();
        return this;
    }
}

/// <summary>
/// Per-sample (B) training terms: Loss = Mse + Vb (the hybrid objective of Improved DDPM / DiT). Vb is zero when
/// the variance is fixed, since it would then carry no gradient.
/// </summary>
public sealed record TrainingLossTerms(Tensor Loss, Tensor Mse, Tensor Vb) : IDisposable
{
    public void Dispose() { Loss.Dispose(); Mse.Dispose(); Vb.Dispose(); }
}

/// <summary>How the reverse-process variance is obtained.</summary>
public enum ModelVarianceType
{
    /// <summary>Model outputs [eps, v] (2C channels); log-variance interpolates log(beta_t) and the clipped posterior log-variance.</summary>
    LearnedRange,
    /// <summary>Model outputs eps only; variance is the posterior variance beta~_t (the lower bound).</summary>
    FixedSmall,
    /// <summary>Model outputs eps only; variance is beta_t (with beta~_1 at t=0; the upper bound). DiT's default without learned sigma.</summary>
    FixedLarge,
}
