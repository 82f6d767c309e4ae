using System;
using static TorchSharp.torch;

namespace DiT.Training.Diffusion;

/// <summary>The density helpers of ADM's losses (KL of diagonal Gaussians, discretised decoder likelihood).</summary>
public static class GaussianMath
{
    /// <summary>
    /// Elementwise KL(N(mean1, exp(logvar1)) || N(mean2, exp(logvar2))) in nats. Working from log-variances keeps
    /// it finite where a variance underflows (the posterior variance near t=0).
    /// </summary>
    public static Tensor NormalKl(Tensor mean1, Tensor logvar1, Tensor mean2, Tensor logvar2)
    {
        using var scope = NewDisposeScope();
        var diff = mean1 - mean2;
        var kl = 0.5 * (-1.0 + logvar2 - logvar1 + exp(logvar1 - logvar2) + diff * diff * exp(-logvar2));
        return kl.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ADM's fast approximation of the standard normal CDF, 0.5 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
    /// It is kept (rather than an exact erf) so the decoder term matches ADM/DiT checkpoints' training objective.
    /// </summary>
    public static Tensor ApproxStandardNormalCdf(Tensor x)
    {
        using var scope = NewDisposeScope();
        var cdf = 0.5 * (1.0 + tanh(Math.Sqrt(2.0 / Math.PI) * (x + 0.044715 * pow(x, 3))));
        return cdf.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Elementwise log-likelihood (nats) of data <paramref name="x"/>, uint8 pixels rescaled to [-1,1], under a
    /// Gaussian discretised into 255 bins of width 2/255. The two edge bins extend to -inf / +inf so that all the
    /// probability mass is assigned; ADM detects them with the thresholds -0.999 / 0.999.
    /// </summary>
    public static Tensor DiscretizedGaussianLogLikelihood(Tensor x, Tensor means, Tensor logScales)
    {
        if (!x.shape.AsSpan().SequenceEqual(means.shape) || !x.shape.AsSpan().SequenceEqual(logScales.shape))
            throw new ArgumentException("x, means and logScales must have the same shape.");
        using var scope = NewDisposeScope();
        var centered = x - means;
        var invStdv = exp(-logScales);
        var cdfPlus = ApproxStandardNormalCdf(invStdv * (centered + 1.0 / 255.0));
        var cdfMin = ApproxStandardNormalCdf(invStdv * (centered - 1.0 / 255.0));
        // Clamps keep log() finite when the model is very confident (an underflowing bin mass).
        var logCdfPlus = log(cdfPlus.clamp(min: 1e-12));
        var logOneMinusCdfMin = log((1.0 - cdfMin).clamp(min: 1e-12));
        var logCdfDelta = log((cdfPlus - cdfMin).clamp(min: 1e-12));
        var logProbs = where(x < -0.999, logCdfPlus, where(x > 0.999, logOneMinusCdfMin, logCdfDelta));
        return logProbs.MoveToOuterDisposeScope();
    }

    /// <summary>Mean over every dimension but the batch one: (B, ...) -> (B).</summary>
    public static Tensor MeanFlat(Tensor x)
    {
        if (x.dim() <= 1) return x.alias();
        var dims = new long[x.dim() - 1];
        for (int i = 0; i < dims.Length; i++) dims[i] = i + 1;
        return x.mean(dims);
    }
}
