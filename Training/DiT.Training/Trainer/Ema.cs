using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Training.Model;
using static TorchSharp.torch;

namespace DiTPlugin.Training.Trainer;

/// <summary>
/// Exponential moving average of the model's parameters (ema = d*ema + (1-d)*theta, every step), kept in its own
/// DiT so that it can be sampled from and saved like any model. Starts as an exact copy, as the reference does.
/// </summary>
public sealed class Ema : System.IDisposable
{
    private readonly List<(Tensor ema, Tensor src)> pairs;
    public DiT Model { get; }
    public double Decay { get; }

    public Ema(DiT source, double decay)
    {
        Decay = decay;
        Model = new DiT(source.Config);
        Model.eval();
        foreach (var p in Model.parameters()) p.requires_grad = false;
        var src = source.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        pairs = Model.named_parameters().Select(p => ((Tensor)p.parameter, (Tensor)src[p.name])).ToList();
        CopyFrom();
    }

    /// <summary>Sets the average to the current weights (decay 0).</summary>
    public void CopyFrom()
    {
        using var _ = no_grad();
        foreach (var (e, s) in pairs) e.copy_(s);
    }

    public void Update()
    {
        using var _ = no_grad();
        foreach (var (e, s) in pairs) e.mul_(Decay).add_(s, alpha: 1 - Decay);
    }

    public void Dispose() => Model.Dispose();
}
