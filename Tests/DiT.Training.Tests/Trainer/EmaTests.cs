using System.Linq;
using DiT.Training.Model;
using DiT.Training.Trainer;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Trainer;

public class EmaTests
{
    private static DiTConfig Tiny => new() { Depth = 1, HiddenSize = 16, NumHeads = 2, PatchSize = 2, InputSize = 4, InChannels = 1, NumClasses = 2 };

    [Test]
    public void UpdateIsTheExponentialAverageComputedByHand()
    {
        using var model = new DiTModel(Tiny);
        using var ema = new Ema(model, decay: 0.9);
        var p = model.parameters().First();
        float start = p.data<float>()[0];
        using (no_grad()) p.add_(1.0f);          // theta = start + 1
        ema.Update();
        ema.Update();
        // two steps towards start+1 from start: start + 1 - 0.9^2
        Assert.That(ema.Model.parameters().First().data<float>()[0], Is.EqualTo(start + 1 - 0.81f).Within(1e-5f));
    }

    [Test]
    public void WarmupRampsTheDecayAndNeverExceedsTheTarget()
    {
        using var model = new DiTModel(Tiny);
        using var ema = new Ema(model, decay: 0.9999);
        Assert.That(ema.EffectiveDecay(0, warmup: true), Is.EqualTo(0.1).Within(1e-12));        // (1+0)/(10+0)
        Assert.That(ema.EffectiveDecay(90, warmup: true), Is.EqualTo(0.91).Within(1e-12));      // 91/100
        Assert.That(ema.EffectiveDecay(1_000_000, warmup: true), Is.EqualTo(0.9999));
        Assert.That(ema.EffectiveDecay(0, warmup: false), Is.EqualTo(0.9999));
    }
}
