using System.Linq;
using DiT.Training.Diffusion;
using DiT.Training.Model;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Diffusion;

public class GuidedDenoiserTests
{
    private static DiTConfig Tiny(double labelDropout) => new()
    {
        Depth = 1, HiddenSize = 32, NumHeads = 4, PatchSize = 2, InputSize = 4, InChannels = 2, NumClasses = 3, ClassDropoutProb = labelDropout,
    };

    private static DiTModel Perturbed(DiTConfig cfg)
    {
        var model = new DiTModel(cfg);
        using (no_grad()) foreach (var prm in model.parameters()) prm.add_(randn_like(prm) * 0.05);
        model.eval();
        return model;
    }

    [TestCase(1.0, 0.1, false)]
    [TestCase(4.0, 0.1, true)]
    [TestCase(0.0, 0.1, true)]
    [TestCase(4.0, 0.0, false)]
    public void GuidesOnlyAtAScaleOtherThanOneAndWithANullClass(double scale, double labelDropout, bool guided)
    {
        using var model = new DiTModel(Tiny(labelDropout));
        Assert.That(GuidedDenoiser.UsesGuidance(model, scale), Is.EqualTo(guided));
    }

    [Test]
    public void UnguidedIsTheConditionalForwardWithTheBoundLabels()
    {
        using var model = Perturbed(Tiny(0.1));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var g = new Generator(1);
        var x = randn(new long[] { 2, 2, 4, 4 }, generator: g);
        var t = tensor(new long[] { 10, 900 });
        var y = tensor(new long[] { 2, 0 });
        var fn = GuidedDenoiser.For(model, y);
        Assert.That(fn(x, t).equal(model.forward(x, t, y)).all().item<bool>());
    }

    [Test]
    public void GuidedIsForwardWithCfgOnLabelsThenNulls()
    {
        var cfg = Tiny(0.1);
        using var model = Perturbed(cfg);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var g = new Generator(2);
        var x = randn(new long[] { 2, 2, 4, 4 }, generator: g);
        var xx = cat(new[] { x, x }, 0);
        var tt = tensor(new long[] { 10, 900, 10, 900 });
        var y = tensor(new long[] { 2, 0 });
        var fn = GuidedDenoiser.For(model, y, cfgScale: 3.0, guidedChannels: 1);
        var want = model.ForwardWithCfg(xx, tt, tensor(new long[] { 2, 0, cfg.NumClasses, cfg.NumClasses }), 3.0, guidedChannels: 1);
        var got = fn(xx, tt);
        Assert.That(got.equal(want).all().item<bool>(), "the batch's second half is guided against the null class");
        Assert.That(got[..2, ..1].equal(model.forward(x, tt[..2], y)[.., ..1]).all().item<bool>(), Is.False, "and it is guided");
    }
}
