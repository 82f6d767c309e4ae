using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Contract.Package;
using DiTPlugin.Contract.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Diffusion;

/// <summary>
/// ADM's Gaussian diffusion as DiT configures it: eps prediction, MSE loss on eps plus (with learned sigma) the
/// variational bound term, and either a learned-range or a fixed variance. A respaced chain is the same class with
/// fewer betas and a map back to the original timesteps (see <see cref="SpacedDiffusion"/>); the model is always
/// called with ORIGINAL timesteps, while every method here takes indices into this chain.
/// </summary>
public partial class GaussianDiffusion : IDisposable
{
    private readonly ScheduleBuffer _sqrtAlphasCumprod, _sqrtOneMinusAlphasCumprod, _sqrtRecipAlphasCumprod,
        _sqrtRecipm1AlphasCumprod, _posteriorVariance, _posteriorLogVarianceClipped, _posteriorMeanCoef1,
        _posteriorMeanCoef2, _logBetas, _alphasCumprod, _alphasCumprodPrev, _fixedLargeVariance, _fixedLargeLogVariance;
    private readonly int[] _timestepMap;
    private Tensor? _timestepMapTensor;
    private readonly object _mapLock = new();

    /// <summary>All float64 schedule arrays of this chain.</summary>
    public DiffusionSchedule Schedule { get; }
    public ModelVarianceType VarianceType { get; }
    /// <summary>Number of steps of this chain (1000 for DiT training, fewer when respaced).</summary>
    public int NumTimesteps => Schedule.NumTimesteps;
    /// <summary>Original timestep for each index of this chain (identity when not respaced).</summary>
    public IReadOnlyList<int> TimestepMap { get; }

    /// <param name="betas">Betas of this chain, float64.</param>
    /// <param name="varianceType">How the reverse variance is obtained.</param>
    /// <param name="timestepMap">Original timestep of each index, or null for the identity.</param>
    public GaussianDiffusion(IReadOnlyList<double> betas, ModelVarianceType varianceType = ModelVarianceType.LearnedRange,
        IReadOnlyList<int>? timestepMap = null)
    {
        Schedule = new DiffusionSchedule(betas);
        VarianceType = varianceType;
        int n = Schedule.NumTimesteps;
        _timestepMap = timestepMap is null ? Enumerable.Range(0, n).ToArray() : timestepMap.ToArray();
        if (_timestepMap.Length != n) throw new ArgumentException("timestepMap must have one entry per beta.", nameof(timestepMap));
        TimestepMap = Array.AsReadOnly(_timestepMap);

        var s = Schedule;
        _sqrtAlphasCumprod = new(s.SqrtAlphasCumprod);
        _sqrtOneMinusAlphasCumprod = new(s.SqrtOneMinusAlphasCumprod);
        _sqrtRecipAlphasCumprod = new(s.SqrtRecipAlphasCumprod);
        _sqrtRecipm1AlphasCumprod = new(s.SqrtRecipm1AlphasCumprod);
        _posteriorVariance = new(s.PosteriorVariance);
        _posteriorLogVarianceClipped = new(s.PosteriorLogVarianceClipped);
        _posteriorMeanCoef1 = new(s.PosteriorMeanCoef1);
        _posteriorMeanCoef2 = new(s.PosteriorMeanCoef2);
        _logBetas = new(s.LogBetas);
        _alphasCumprod = new(s.AlphasCumprod);
        _alphasCumprodPrev = new(s.AlphasCumprodPrev);
        // Fixed-large uses beta_t, except at t=0 where beta~_1 replaces beta_0: it gives a better decoder
        // log-likelihood (ADM) while keeping the variance on the scale of the neighbouring steps.
        var large = new double[n];
        for (int i = 0; i < n; i++) large[i] = i == 0 && n > 1 ? s.PosteriorVariance[1] : s.Betas[i];
        _fixedLargeVariance = new(large);
        _fixedLargeLogVariance = new(large.Select(v => Math.Log(v)).ToArray());
    }

    /// <summary>The most diffusion steps a schedule may have (the model-package readers' limit too).</summary>
    public const int MaxTimesteps = 100_000;

    /// <summary>
    /// The diffusion DiT builds with create_diffusion: "linear" schedule over <paramref name="steps"/>, respaced by
    /// <paramref name="respacing"/> ("" = no respacing, "250", "10,10,5", "ddim50"; see <see cref="Respacing"/>).
    /// Without learned sigma the variance is fixed-large unless <paramref name="sigmaSmall"/> (DiT's defaults).
    /// </summary>
    public static GaussianDiffusion Create(string respacing = "", string schedule = ScheduleKinds.Linear, int steps = 1000,
        bool learnSigma = true, bool sigmaSmall = false)
    {
        var betas = BetaSchedules.Get(schedule, steps);
        var varType = learnSigma ? ModelVarianceType.LearnedRange
            : sigmaSmall ? ModelVarianceType.FixedSmall : ModelVarianceType.FixedLarge;
        if (string.IsNullOrEmpty(respacing)) respacing = steps.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new SpacedDiffusion(Respacing.SpaceTimesteps(steps, respacing), betas, varType);
    }

    /// <summary>Index tensor mapping this chain's indices to original timesteps (int64, on the requested device).</summary>
    protected Tensor MapTimesteps(Tensor t)
    {
        lock (_mapLock)
        {
            if (_timestepMapTensor is null)
            {
                _timestepMapTensor = tensor(_timestepMap.Select(v => (long)v).ToArray(), dtype: ScalarType.Int64);
                _timestepMapTensor.DetachFromDisposeScope();
            }
        }
        using var scope = NewDisposeScope();
        var idx = t.to(ScalarType.Int64).reshape(-1);
        // Tensor.to returns the same object when nothing changes, so the cached CPU map is used as is.
        var map = idx.device.type == DeviceType.CPU ? _timestepMapTensor : _timestepMapTensor.to(idx.device);
        return map.index_select(0, idx).MoveToOuterDisposeScope();
    }

    /// <summary>Calls the model with the original timesteps of chain indices <paramref name="t"/>.</summary>
    protected Tensor CallModel(DenoiseFn model, Tensor x, Tensor t)
    {
        using var orig = MapTimesteps(t);
        return model(x, orig);
    }

    /// <summary>
    /// Samples x_t ~ q(x_t | x_0) = N(sqrt(alpha_bar_t) x_0, (1 - alpha_bar_t) I) with the given <paramref name="noise"/>.
    /// </summary>
    public Tensor QSample(Tensor xStart, Tensor t, Tensor noise)
    {
        if (!xStart.shape.AsSpan().SequenceEqual(noise.shape)) throw new ArgumentException("noise must have x0's shape.");
        using var scope = NewDisposeScope();
        var res = _sqrtAlphasCumprod.Extract(t, xStart) * xStart + _sqrtOneMinusAlphasCumprod.Extract(t, xStart) * noise;
        return res.MoveToOuterDisposeScope();
    }

    /// <summary>Mean, variance and clipped log-variance of the diffusion posterior q(x_{t-1} | x_t, x_0).</summary>
    public PosteriorMeanVariance QPosteriorMeanVariance(Tensor xStart, Tensor xT, Tensor t)
    {
        using var scope = NewDisposeScope();
        var mean = _posteriorMeanCoef1.Extract(t, xT) * xStart + _posteriorMeanCoef2.Extract(t, xT) * xT;
        var variance = _posteriorVariance.Extract(t, xT);
        var logVar = _posteriorLogVarianceClipped.Extract(t, xT);
        return new PosteriorMeanVariance(mean.MoveToOuterDisposeScope(), variance.MoveToOuterDisposeScope(),
            logVar.MoveToOuterDisposeScope());
    }

    /// <summary>x_0 = sqrt(1/alpha_bar) x_t - sqrt(1/alpha_bar - 1) eps.</summary>
    public Tensor PredictXStartFromEps(Tensor xT, Tensor t, Tensor eps)
    {
        using var scope = NewDisposeScope();
        var res = _sqrtRecipAlphasCumprod.Extract(t, xT) * xT - _sqrtRecipm1AlphasCumprod.Extract(t, xT) * eps;
        return res.MoveToOuterDisposeScope();
    }

    /// <summary>eps = (sqrt(1/alpha_bar) x_t - x_0) / sqrt(1/alpha_bar - 1) (the inverse of <see cref="PredictXStartFromEps"/>).</summary>
    public Tensor PredictEpsFromXStart(Tensor xT, Tensor t, Tensor predXStart)
    {
        using var scope = NewDisposeScope();
        var res = (_sqrtRecipAlphasCumprod.Extract(t, xT) * xT - predXStart) / _sqrtRecipm1AlphasCumprod.Extract(t, xT);
        return res.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// p(x_{t-1} | x_t): calls the model, splits eps and v, turns v into a log-variance (learned range) or takes the
    /// fixed one, predicts x_0 (clipped to [-1,1] when <paramref name="clipDenoised"/>) and returns the posterior
    /// mean given that x_0. <paramref name="t"/> holds indices into this chain.
    /// </summary>
    public PMeanVarianceResult PMeanVariance(DenoiseFn model, Tensor x, Tensor t, bool clipDenoised = true)
    {
        using var scope = NewDisposeScope();
        var output = CallModel(model, x, t);
        return PMeanVarianceFromOutput(output, x, t, clipDenoised).MoveToOuterDisposeScope();
    }

    private PMeanVarianceResult PMeanVarianceFromOutput(Tensor output, Tensor x, Tensor t, bool clipDenoised)
    {
        using var scope = NewDisposeScope();
        long c = x.shape[1];
        Tensor eps, variance, logVariance;
        if (VarianceType == ModelVarianceType.LearnedRange)
        {
            if (output.shape[1] != 2 * c)
                throw new ArgumentException($"Learned sigma needs 2C={2 * c} output channels, the model gave {output.shape[1]}.");
            eps = output.narrow(1, 0, c);
            var v = output.narrow(1, c, c);
            // v in [-1,1] interpolates in log space between beta~_t (lower bound) and beta_t (upper bound).
            var minLog = _posteriorLogVarianceClipped.Extract(t, x);
            var maxLog = _logBetas.Extract(t, x);
            var frac = (v + 1.0) / 2.0;
            logVariance = frac * maxLog + (1.0 - frac) * minLog;
            variance = exp(logVariance);
        }
        else
        {
            if (output.shape[1] != c)
                throw new ArgumentException($"Fixed variance needs C={c} output channels, the model gave {output.shape[1]}.");
            // An alias, so the result is owned by this scope even though the model's output is not.
            eps = output.alias();
            bool small = VarianceType == ModelVarianceType.FixedSmall;
            variance = (small ? _posteriorVariance : _fixedLargeVariance).Extract(t, x).expand_as(x);
            logVariance = (small ? _posteriorLogVarianceClipped : _fixedLargeLogVariance).Extract(t, x).expand_as(x);
        }
        var predXStart = PredictXStartFromEps(x, t, eps);
        if (clipDenoised) predXStart = predXStart.clamp(-1.0, 1.0);
        // Tensors made here are owned by this scope; the posterior's variance terms are simply left to it.
        var mean = QPosteriorMeanVariance(predXStart, x, t).Mean;
        return new PMeanVarianceResult(mean, variance, logVariance, predXStart, eps).MoveToOuterDisposeScope();
    }

    /// <summary>Uniform chain indices in [0, T), int64 (B).</summary>
    public Tensor SampleTimesteps(long batch, Generator? generator = null, Device? device = null)
    {
        var t = randint(0, NumTimesteps, new[] { batch }, dtype: ScalarType.Int64, generator: generator);
        return device is null || device.type == DeviceType.CPU ? t : t.to(device);
    }

    /// <summary>
    /// The DiT training terms for x_0, chain indices t (B) and noise: Mse = mean_flat((eps - eps_pred)^2); with
    /// learned sigma Vb is the VLB term L_t in bits, computed on [eps_pred.detach(), v] so that it trains only the
    /// variance (the mean is trained by Mse alone, as in Improved DDPM's L_hybrid); Loss = Mse + Vb.
    /// </summary>
    public TrainingLossTerms TrainingLosses(DenoiseFn model, Tensor xStart, Tensor t, Tensor? noise = null, Generator? generator = null)
    {
        using var scope = NewDisposeScope();
        noise ??= randn(xStart.shape, dtype: xStart.dtype, generator: generator).to(xStart.device);
        var xT = QSample(xStart, t, noise);
        var output = CallModel(model, xT, t);
        long c = xStart.shape[1];
        Tensor vb;
        Tensor epsPred;
        if (VarianceType == ModelVarianceType.LearnedRange)
        {
            if (output.shape[1] != 2 * c)
                throw new ArgumentException($"Learned sigma needs 2C={2 * c} output channels, the model gave {output.shape[1]}.");
            epsPred = output.narrow(1, 0, c);
            // Stop-gradient on the mean: the VLB should only shape the variance (Nichol & Dhariwal, sec. 3.1).
            var frozen = cat(new[] { epsPred.detach(), output.narrow(1, c, c) }, 1);
            vb = VbTermsBpd(frozen, xStart, xT, t, clipDenoised: false);
        }
        else
        {
            if (output.shape[1] != c)
                throw new ArgumentException($"Fixed variance needs C={c} output channels, the model gave {output.shape[1]}.");
            epsPred = output;
            vb = zeros(new[] { xStart.shape[0] }, dtype: xStart.dtype, device: xStart.device);
        }
        var diff = noise - epsPred;
        var mse = GaussianMath.MeanFlat(diff * diff);
        var loss = mse + vb;
        return new TrainingLossTerms(loss.MoveToOuterDisposeScope(), mse.MoveToOuterDisposeScope(), vb.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// One term of the variational bound in bits per dimension, per sample: for t &gt; 0 the KL between the true
    /// posterior and p(x_{t-1}|x_t), for t = 0 the decoder's negative discretised log-likelihood of x_0.
    /// <paramref name="modelOutput"/> is the raw model output for x_t (eps or [eps, v]).
    /// </summary>
    public Tensor VbTermsBpd(Tensor modelOutput, Tensor xStart, Tensor xT, Tensor t, bool clipDenoised = false)
    {
        using var scope = NewDisposeScope();
        var truePost = QPosteriorMeanVariance(xStart, xT, t);
        var p = PMeanVarianceFromOutput(modelOutput, xT, t, clipDenoised);
        var kl = GaussianMath.NormalKl(truePost.Mean, truePost.LogVarianceClipped, p.Mean, p.LogVariance);
        kl = GaussianMath.MeanFlat(kl) / Math.Log(2.0);
        var nll = -GaussianMath.DiscretizedGaussianLogLikelihood(xStart, p.Mean, 0.5 * p.LogVariance);
        nll = GaussianMath.MeanFlat(nll) / Math.Log(2.0);
        var isFirst = t.reshape(-1).to(xStart.device) == 0;
        var res = where(isFirst, nll, kl);
        return res.MoveToOuterDisposeScope();
    }

    public virtual void Dispose()
    {
        foreach (var b in new[] { _sqrtAlphasCumprod, _sqrtOneMinusAlphasCumprod, _sqrtRecipAlphasCumprod,
                     _sqrtRecipm1AlphasCumprod, _posteriorVariance, _posteriorLogVarianceClipped, _posteriorMeanCoef1,
                     _posteriorMeanCoef2, _logBetas, _alphasCumprod, _alphasCumprodPrev, _fixedLargeVariance, _fixedLargeLogVariance })
            b.Dispose();
        _timestepMapTensor?.Dispose();
        GC.SuppressFinalize(this);
    }
}
