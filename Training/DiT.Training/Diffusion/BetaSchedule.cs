using System;

namespace DiTPlugin.Training.Diffusion;

/// <summary>
/// The noise schedules of ADM (Nichol &amp; Dhariwal 2021), as DiT uses them. Everything is float64 because the
/// derived quantities (1 - alphas_cumprod near t=0, the posterior variance at t=1, ...) lose most of their
/// digits in float32; tensors are only cast to the model's dtype at the moment they are indexed by t.
/// </summary>
public static class BetaSchedule
{
    /// <summary>Cosine schedule offset s (Improved DDPM, eq. 17): keeps beta_0 from being vanishingly small.</summary>
    public const double CosineOffset = 0.008;

    /// <summary>Betas of the cosine schedule are clipped here so the end of the chain stays well defined.</summary>
    public const double CosineMaxBeta = 0.999;

    /// <summary>Betas of the named schedule ("linear" or "cosine") for <paramref name="numTimesteps"/> steps.</summary>
    public static double[] Get(string name, int numTimesteps = 1000)
    {
        return name switch
        {
            "linear" => Linear(numTimesteps),
            "cosine" => Cosine(numTimesteps),
            _ => throw new ArgumentException($"Unknown beta schedule '{name}' (expected 'linear' or 'cosine').", nameof(name)),
        };
    }

    /// <summary>
    /// DDPM's linear schedule as ADM generalises it: the 1e-4..0.02 range is defined for T=1000, and is scaled by
    /// 1000/T so that other chain lengths destroy the signal by roughly the same amount.
    /// </summary>
    public static double[] Linear(int numTimesteps = 1000)
    {
        if (numTimesteps < 1) throw new ArgumentOutOfRangeException(nameof(numTimesteps));
        double scale = 1000.0 / numTimesteps;
        double start = scale * 0.0001, end = scale * 0.02;
        var betas = new double[numTimesteps];
        if (numTimesteps == 1) { betas[0] = start; return betas; }
        // Same arithmetic as numpy.linspace (start + i*step, last element pinned to end) so values match bit for bit.
        double step = (end - start) / (numTimesteps - 1);
        for (int i = 0; i < numTimesteps; i++) betas[i] = start + i * step;
        betas[numTimesteps - 1] = end;
        return betas;
    }

    /// <summary>
    /// The cosine schedule: alpha_bar(t) = f(t)/f(0) with f(t) = cos(((t/T + s)/(1 + s)) * pi/2)^2, discretised as
    /// beta_i = 1 - alpha_bar((i+1)/T)/alpha_bar(i/T) and clipped at 0.999 (the last betas would otherwise reach 1).
    /// </summary>
    public static double[] Cosine(int numTimesteps = 1000)
    {
        if (numTimesteps < 1) throw new ArgumentOutOfRangeException(nameof(numTimesteps));
        var betas = new double[numTimesteps];
        for (int i = 0; i < numTimesteps; i++)
        {
            double t1 = (double)i / numTimesteps, t2 = (double)(i + 1) / numTimesteps;
            betas[i] = Math.Min(1.0 - CosineAlphaBar(t2) / CosineAlphaBar(t1), CosineMaxBeta);
        }
        return betas;
    }

    /// <summary>The unnormalised f(t) of the cosine schedule, t in [0,1]; the ratio f(t)/f(0) is alpha_bar.</summary>
    public static double CosineAlphaBar(double t)
    {
        double c = Math.Cos((t + CosineOffset) / (1 + CosineOffset) * Math.PI / 2);
        return c * c;
    }
}
