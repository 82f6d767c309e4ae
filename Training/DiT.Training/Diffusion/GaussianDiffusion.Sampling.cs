using System;
using System.Threading;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Diffusion;

/// <summary>Ancestral (DDPM) and DDIM sampling over this chain (respaced chains sample in fewer steps).</summary>
public partial class GaussianDiffusion
{
    /// <summary>
    /// Ancestral sampling: x_T ~ N(0, I), then x_{t-1} = mean + exp(log_var / 2) z for t = T-1 .. 0, with no noise
    /// at the last step (the sample is the decoder's mean).
    /// </summary>
    /// <param name="model">The network, called with original timesteps; guidance is bound into it by the caller.</param>
    /// <param name="shape">(B, C, H, W) of the samples.</param>
    /// <param name="generator">Source of the initial and per-step noise, for reproducible samples.</param>
    /// <param name="noise">x_T to start from instead of drawing it.</param>
    /// <param name="clipDenoised">Clip the predicted x_0 to [-1, 1] at each step: ADM's choice for pixels; pass false
    /// for VAE latents (the official DiT sample.py does), whose values lie well beyond ±1.</param>
    /// <param name="progress">Called after each step with (steps done, total steps).</param>
    /// <param name="device">Device to sample on (defaults to the noise's device, else CPU).</param>
    /// <param name="cancellationToken">Checked before each step.</param>
    /// <param name="hooks">Per-step noise instead of the generator's, and a per-step observer.</param>
    public Tensor PSampleLoop(DenoiseFn model, long[] shape, Generator? generator = null, Tensor? noise = null,
        bool clipDenoised = true, Action<int, int>? progress = null, Device? device = null,
        CancellationToken cancellationToken = default, SamplingHooks? hooks = null)
        => SampleLoop(model, shape, generator, noise, progress, device, cancellationToken, hooks,
            (x, t, index) =>
            {
                using var p = PMeanVariance(model, x, t, clipDenoised);
                if (index == 0) return p.Mean.alias();
                var z = StepNoise(index, x, generator, hooks);
                return p.Mean + exp(0.5 * p.LogVariance) * z;
            });

    /// <summary>
    /// DDIM sampling (Song et al. 2021): x_{t-1} = sqrt(abar_{t-1}) x0_pred + sqrt(1 - abar_{t-1} - sigma^2) eps + sigma z,
    /// sigma = eta sqrt((1 - abar_{t-1}) / (1 - abar_t)) sqrt(1 - abar_t / abar_{t-1}); eta = 0 is deterministic,
    /// eta = 1 matches DDPM's posterior variance. eps is re-derived from the (possibly clipped) x_0 prediction as
    /// ADM does, so clipping stays consistent with the update. No noise at the last step.
    /// </summary>
    public Tensor DdimSampleLoop(DenoiseFn model, long[] shape, double eta = 0.0, Generator? generator = null,
        Tensor? noise = null, bool clipDenoised = true, Action<int, int>? progress = null, Device? device = null,
        CancellationToken cancellationToken = default, SamplingHooks? hooks = null)
    {
        if (eta < 0) throw new ArgumentOutOfRangeException(nameof(eta));
        return SampleLoop(model, shape, generator, noise, progress, device, cancellationToken, hooks,
            (x, t, index) =>
            {
                using var p = PMeanVariance(model, x, t, clipDenoised);
                var eps = PredictEpsFromXStart(x, t, p.PredXStart);
                var abar = _alphasCumprod.Extract(t, x);
                var abarPrev = _alphasCumprodPrev.Extract(t, x);
                var sigma = eta * sqrt((1.0 - abarPrev) / (1.0 - abar)) * sqrt(1.0 - abar / abarPrev);
                var meanPred = p.PredXStart * sqrt(abarPrev) + sqrt(1.0 - abarPrev - sigma * sigma) * eps;
                if (index == 0 || eta == 0.0) return meanPred;
                return meanPred + sigma * StepNoise(index, x, generator, hooks);
            });
    }

    /// <summary>
    /// DPM-Solver++(2M) (Lu et al. 2022, Algorithm 2): a deterministic multistep second-order solver of the
    /// probability-flow ODE in data prediction, over this chain's ᾱ (respace it to 10–25 steps). With α = √ᾱ,
    /// σ = √(1 − ᾱ), λ = log(α/σ), h = λ_t − λ_s: x_t = (σ_t/σ_s) x_s + α_t (1 − e^{−h}) D, where D is the predicted
    /// x₀ at the first step and (1 + 1/2r) x₀(s) − (1/2r) x₀(s′), r = h_prev/h, after it. The last step (to ᾱ = 1)
    /// returns the predicted x₀. The same formula as the Plugin's sampler, so a package samples alike in both.
    /// x₀ is clipped only with <paramref name="clipDenoised"/> (the pixel-space convention).
    /// </summary>
    public Tensor DpmSolverSampleLoop(DenoiseFn model, long[] shape, Generator? generator = null, Tensor? noise = null,
        bool clipDenoised = true, Action<int, int>? progress = null, Device? device = null, CancellationToken cancellationToken = default,
        SamplingHooks? hooks = null)
    {
        Tensor? prevX0 = null, prevLambda = null;
        try
        {
            return SampleLoop(model, shape, generator, noise, progress, device, cancellationToken, hooks,
                (x, t, index) =>
                {
                    using var p = PMeanVariance(model, x, t, clipDenoised);
                    var x0 = p.PredXStart.alias();
                    var abarS = _alphasCumprod.Extract(t, x);
                    var lambdaS = 0.5 * (log(abarS) - log(1.0 - abarS));
                    Tensor next;
                    if (index == 0) next = x0.alias();
                    else
                    {
                        var abarT = _alphasCumprodPrev.Extract(t, x);
                        var h = 0.5 * (log(abarT) - log(1.0 - abarT)) - lambdaS;
                        var d = x0;
                        if (prevX0 is not null)
                        {
                            var r = (lambdaS - prevLambda!) / h;
                            d = (1.0 + 1.0 / (2.0 * r)) * x0 - 1.0 / (2.0 * r) * prevX0;
                        }
                        next = sqrt((1.0 - abarT) / (1.0 - abarS)) * x + sqrt(abarT) * (1.0 - exp(-h)) * d;
                    }
                    // The previous step's x₀ and λ outlive this step's dispose scope.
                    prevX0?.Dispose();
                    prevLambda?.Dispose();
                    prevX0 = x0.detach().clone().DetachFromDisposeScope();
                    prevLambda = lambdaS.clone().DetachFromDisposeScope();
                    return next;
                });
        }
        finally
        {
            prevX0?.Dispose();
            prevLambda?.Dispose();
        }
    }

    /// <summary>The noise of the ancestral step at chain index <paramref name="index"/>: the hook's, else a draw like x.</summary>
    private static Tensor StepNoise(int index, Tensor x, Generator? generator, SamplingHooks? hooks)
    {
        if (hooks?.StepNoise is not { } source) return Noise(x.shape, x, generator);
        var z = source(index, x.shape);
        if (!z.shape.AsSpan().SequenceEqual(x.shape))
            throw new ArgumentException($"StepNoise at chain index {index} has shape [{string.Join(", ", z.shape)}]; x has [{string.Join(", ", x.shape)}].");
        return z.to(x.dtype, x.device);
    }

    /// <summary>Standard normal noise like <paramref name="like"/>; drawn on the generator's device when one is given.</summary>
    private static Tensor Noise(long[] shape, Tensor like, Generator? generator)
    {
        if (generator is null) return randn(shape, dtype: like.dtype, device: like.device);
        // Drawn on the CPU (where the generator lives) then moved, so a seed gives the same samples on any device.
        var z = randn(shape, dtype: like.dtype, generator: generator);
        return like.device.type == DeviceType.CPU ? z : z.to(like.device);
    }

    /// <summary>The shared loop: no_grad, one dispose scope per step, cancellation and progress between steps.</summary>
    private Tensor SampleLoop(DenoiseFn model, long[] shape, Generator? generator, Tensor? noise,
        Action<int, int>? progress, Device? device, CancellationToken cancellationToken, SamplingHooks? hooks, Func<Tensor, Tensor, int, Tensor> step)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length < 2) throw new ArgumentException("shape must be (B, C, ...).", nameof(shape));
        cancellationToken.ThrowIfCancellationRequested();
        using var noGrad = no_grad();
        device ??= noise?.device ?? CPU;
        Tensor x;
        if (noise is not null)
        {
            if (!noise.shape.AsSpan().SequenceEqual(shape)) throw new ArgumentException("noise must have the requested shape.", nameof(noise));
            // A copy, so the caller's tensor is neither modified nor disposed by the loop.
            x = noise.to(device).clone();
        }
        else
        {
            using var like = empty(1, dtype: ScalarType.Float32, device: device);
            x = Noise(shape, like, generator);
        }
        x.DetachFromDisposeScope();
        int first = Math.Min(hooks?.StartIndex ?? NumTimesteps - 1, NumTimesteps - 1), total = first + 1;
        try
        {
            for (int i = first; i >= 0; i--)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using (var scope = NewDisposeScope())
                {
                    var t = full(new[] { shape[0] }, (long)i, dtype: ScalarType.Int64, device: device);
                    var input = hooks?.BeforeStep is { } before ? before(i, x) : x;
                    var next = step(input, t, i).MoveToOuterDisposeScope();
                    x.Dispose();
                    x = next;
                    x.DetachFromDisposeScope();
                    hooks?.OnStep?.Invoke(i, x);
                }
                progress?.Invoke(total - i, total);
            }
        }
        catch
        {
            x.Dispose();
            throw;
        }
        return x;
    }
}
