using System.Collections.Generic;
using System.Linq;
using DiT.Training.Model;
using static TorchSharp.torch;

namespace DiT.Training.Trainer;

/// <summary>
/// Exponential moving average of the model's parameters (ema = d*ema + (1-d)*theta, every step), kept in its own
/// DiT so that it can be sampled from and saved like any model. Starts as an exact copy, as the reference does.
/// </summary>
public sealed class Ema : System.IDisposable
{
    private readonly List<(Tensor ema, Tensor src)> pairs;
    // With a flat source: the average's parameters as one flat tensor too, updated in two kernels.
    private readonly FlatBuffer? flat;
    private readonly Tensor? sourceFlat;
    public DiTModel Model { get; }
    public double Decay { get; }

    /// <param name="sourceFlat">The source's parameters as one flat tensor, in parameter order (<see cref="FlatBuffer"/>), or null.</param>
    public Ema(DiTModel source, double decay, Tensor? sourceFlat = null)
    {
        Decay = decay;
        Model = new DiTModel(source.Config);
        Model.eval();
        foreach (var p in Model.parameters()) p.requires_grad = false;
        var src = source.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        pairs = Model.named_parameters().Select(p => ((Tensor)p.parameter, (Tensor)src[p.name])).ToList();
        if (sourceFlat is not null)
        {
            // Same config, same parameter order: the flat layouts agree element for element.
            if (pairs.Sum(p => p.ema.numel()) != sourceFlat.numel() || !source.named_parameters().Select(p => p.name).SequenceEqual(Model.named_parameters().Select(p => p.name)))
                throw new System.ArgumentException("The flat source does not hold this model's parameters in order.");
            flat = FlatBuffer.Adopt(pairs.Select(p => p.ema).ToList());
            this.sourceFlat = sourceFlat;
        }
        CopyFrom();
    }

    /// <summary>Sets the average to the current weights (decay 0).</summary>
    public void CopyFrom()
    {
        using var _ = no_grad();
        foreach (var (e, s) in pairs) e.copy_(s);
    }

    /// <summary>
    /// ema = d*ema + (1-d)*theta. With <paramref name="warmup"/>, d = min(Decay, (1 + step) / (10 + step)), so a short
    /// run's average forgets the initial weights within a few hundred steps instead of ~1/(1-Decay) steps.
    /// </summary>
    public void Update(long step = 0, bool warmup = false)
    {
        double d = EffectiveDecay(step, warmup);
        using var _ = no_grad();
        if (flat is null) { foreach (var (e, s) in pairs) e.mul_(d).add_(s, alpha: 1 - d); return; }
        // In cache-sized chunks, both operations on a chunk before the next (see FusedAdamW.Chunk).
        long n = flat.Flat.numel();
        for (long start = 0; start < n; start += FusedAdamW.Chunk)
        {
            long len = System.Math.Min(FusedAdamW.Chunk, n - start);
            using var e = flat.Flat.narrow(0, start, len);
            using var s = sourceFlat!.narrow(0, start, len);
            e.mul_(d).add_(s, alpha: 1 - d);
        }
    }

    public double EffectiveDecay(long step, bool warmup) => warmup ? System.Math.Min(Decay, (1.0 + step) / (10.0 + step)) : Decay;

    public void Dispose()
    {
        Model.Dispose();
        flat?.Dispose();
    }
}
