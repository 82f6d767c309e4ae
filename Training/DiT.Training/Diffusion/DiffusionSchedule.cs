using System;
using System.Collections.Generic;

namespace DiTPlugin.Training.Diffusion;

/// <summary>
/// All per-timestep constants of a Gaussian diffusion, derived from its betas in float64 exactly as ADM does.
/// Exposed read-only because exporters and inference plugins need the very same numbers the trainer used.
/// </summary>
public sealed class DiffusionSchedule
{
    /// <summary>Number of steps T of this (possibly respaced) chain.</summary>
    public int NumTimesteps { get; }

    public IReadOnlyList<double> Betas { get; }
    public IReadOnlyList<double> Alphas { get; }
    public IReadOnlyList<double> AlphasCumprod { get; }
    /// <summary>alpha_bar_{t-1}, with alpha_bar_{-1} = 1.</summary>
    public IReadOnlyList<double> AlphasCumprodPrev { get; }
    /// <summary>alpha_bar_{t+1}, with alpha_bar_T = 0.</summary>
    public IReadOnlyList<double> AlphasCumprodNext { get; }
    public IReadOnlyList<double> SqrtAlphasCumprod { get; }
    public IReadOnlyList<double> SqrtOneMinusAlphasCumprod { get; }
    public IReadOnlyList<double> LogOneMinusAlphasCumprod { get; }
    /// <summary>sqrt(1/alpha_bar): the x_t coefficient when predicting x_0 from eps.</summary>
    public IReadOnlyList<double> SqrtRecipAlphasCumprod { get; }
    /// <summary>sqrt(1/alpha_bar - 1): the eps coefficient when predicting x_0 from eps.</summary>
    public IReadOnlyList<double> SqrtRecipm1AlphasCumprod { get; }
    /// <summary>Variance of q(x_{t-1} | x_t, x_0): beta_t (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t).</summary>
    public IReadOnlyList<double> PosteriorVariance { get; }
    /// <summary>
    /// log of the posterior variance with the t=0 entry (which is exactly 0, log = -inf) replaced by the t=1 entry,
    /// so it can serve as the lower end of the learned log-variance interpolation.
    /// </summary>
    public IReadOnlyList<double> PosteriorLogVarianceClipped { get; }
    /// <summary>x_0 coefficient of the posterior mean: beta_t sqrt(alpha_bar_{t-1}) / (1 - alpha_bar_t).</summary>
    public IReadOnlyList<double> PosteriorMeanCoef1 { get; }
    /// <summary>x_t coefficient of the posterior mean: (1 - alpha_bar_{t-1}) sqrt(alpha_t) / (1 - alpha_bar_t).</summary>
    public IReadOnlyList<double> PosteriorMeanCoef2 { get; }
    /// <summary>log(beta_t): the upper end of the learned log-variance interpolation.</summary>
    public IReadOnlyList<double> LogBetas { get; }

    public DiffusionSchedule(IReadOnlyList<double> betas)
    {
        int n = betas.Count;
        if (n < 1) throw new ArgumentException("At least one beta is needed.", nameof(betas));
        for (int i = 0; i < n; i++)
            if (!(betas[i] > 0 && betas[i] <= 1)) throw new ArgumentException($"beta[{i}]={betas[i]} is not in (0,1].", nameof(betas));
        NumTimesteps = n;

        var b = new double[n];
        var a = new double[n];
        var ac = new double[n];
        var acPrev = new double[n];
        var acNext = new double[n];
        var sqrtAc = new double[n];
        var sqrtOneMinusAc = new double[n];
        var logOneMinusAc = new double[n];
        var sqrtRecip = new double[n];
        var sqrtRecipm1 = new double[n];
        var pv = new double[n];
        var plv = new double[n];
        var c1 = new double[n];
        var c2 = new double[n];
        var logB = new double[n];

        double prod = 1.0;
        for (int i = 0; i < n; i++)
        {
            b[i] = betas[i];
            a[i] = 1.0 - b[i];
            acPrev[i] = prod;
            prod *= a[i];
            ac[i] = prod;
        }
        for (int i = 0; i < n; i++)
        {
            acNext[i] = i + 1 < n ? ac[i + 1] : 0.0;
            sqrtAc[i] = Math.Sqrt(ac[i]);
            sqrtOneMinusAc[i] = Math.Sqrt(1.0 - ac[i]);
            logOneMinusAc[i] = Math.Log(1.0 - ac[i]);
            sqrtRecip[i] = Math.Sqrt(1.0 / ac[i]);
            sqrtRecipm1[i] = Math.Sqrt(1.0 / ac[i] - 1.0);
            pv[i] = b[i] * (1.0 - acPrev[i]) / (1.0 - ac[i]);
            c1[i] = b[i] * Math.Sqrt(acPrev[i]) / (1.0 - ac[i]);
            c2[i] = (1.0 - acPrev[i]) * Math.Sqrt(a[i]) / (1.0 - ac[i]);
            logB[i] = Math.Log(b[i]);
        }
        // With a single step there is no t=1 entry to borrow; keep log(beta_0) rather than -inf.
        for (int i = 0; i < n; i++) plv[i] = Math.Log(i == 0 ? (n > 1 ? pv[1] : b[0]) : pv[i]);

        Betas = Array.AsReadOnly(b);
        Alphas = Array.AsReadOnly(a);
        AlphasCumprod = Array.AsReadOnly(ac);
        AlphasCumprodPrev = Array.AsReadOnly(acPrev);
        AlphasCumprodNext = Array.AsReadOnly(acNext);
        SqrtAlphasCumprod = Array.AsReadOnly(sqrtAc);
        SqrtOneMinusAlphasCumprod = Array.AsReadOnly(sqrtOneMinusAc);
        LogOneMinusAlphasCumprod = Array.AsReadOnly(logOneMinusAc);
        SqrtRecipAlphasCumprod = Array.AsReadOnly(sqrtRecip);
        SqrtRecipm1AlphasCumprod = Array.AsReadOnly(sqrtRecipm1);
        PosteriorVariance = Array.AsReadOnly(pv);
        PosteriorLogVarianceClipped = Array.AsReadOnly(plv);
        PosteriorMeanCoef1 = Array.AsReadOnly(c1);
        PosteriorMeanCoef2 = Array.AsReadOnly(c2);
        LogBetas = Array.AsReadOnly(logB);
    }

    /// <summary>Schedule for a named beta schedule ("linear" / "cosine") of <paramref name="numTimesteps"/> steps.</summary>
    public static DiffusionSchedule FromName(string name, int numTimesteps = 1000) => new(BetaSchedule.Get(name, numTimesteps));
}
