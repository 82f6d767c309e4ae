using System.IO;
using System.Linq;
using DiT.Training.Model;
using DiT.Training.Trainer;
using NUnit.Framework;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Trainer;

/// <summary>The flat AdamW against TorchSharp's own AdamW, bit for bit, and the flat buffers it stands on.</summary>
public class FusedAdamWTests
{
    private static Parameter[] Params(ulong seed) =>
        new long[][] { new long[] { 3, 4 }, new long[] { 5 }, new long[] { 2, 2, 3 } }
            .Select((shape, i) => new Parameter(randn(shape, generator: new Generator(seed + (ulong)i)))).ToArray();

    private static Tensor Grad(Parameter p, int step, int i) => randn(p.shape, generator: new Generator((ulong)(1000 * step + i))) * (step % 2 == 0 ? 1e-3 : 5.0);

    [TestCase(0.0)]
    [TestCase(0.05)]
    public void FiveStepsAreBitIdenticalToTorchSharpsAdamW(double weightDecay)
    {
        var reference = Params(1);
        var fused = Params(1);
        using var plain = optim.AdamW(reference, lr: 3e-3, weight_decay: weightDecay);
        using var flat = FlatBuffer.Adopt(fused.Cast<Tensor>().ToList());
        using var adam = new FusedAdamW(fused, flat.Flat, lr: 3e-3, weightDecay: weightDecay);
        for (int step = 1; step <= 5; step++)
        {
            plain.zero_grad();
            adam.ZeroGrad();
            for (int i = 0; i < reference.Length; i++)
            {
                using var g = Grad(reference[i], step, i);
                using (no_grad())
                {
                    reference[i].grad ??= zeros_like(reference[i]);
                    reference[i].grad!.copy_(g);
                    fused[i].grad!.copy_(g);   // a view of the flat gradients
                }
            }
            plain.step();
            adam.Step();
            for (int i = 0; i < reference.Length; i++)
                Assert.That(fused[i].equal(reference[i]).all().item<bool>(), Is.True, $"step {step}, parameter {i}");
        }
        var a = plain.state_dict().State.Cast<AdamW.State>().ToList();
        var b = adam.Inner.state_dict().State.Cast<AdamW.State>().ToList();
        for (int i = 0; i < a.Count; i++)
        {
            Assert.That(b[i].step, Is.EqualTo(5));
            Assert.That(b[i].exp_avg.equal(a[i].exp_avg).all().item<bool>() && b[i].exp_avg_sq.equal(a[i].exp_avg_sq).all().item<bool>(), Is.True);
        }
    }

    [Test]
    public void StateSavedByTorchSharpsAdamWRestoresIntoTheFlatMomentsAndContinuesIdentically()
    {
        // Checkpoints written before the flat optimizer hold TorchSharp's AdamW state: they must resume as before.
        var reference = Params(7);
        using var plain = optim.AdamW(reference, lr: 1e-2);
        for (int step = 1; step <= 3; step++)
        {
            plain.zero_grad();
            for (int i = 0; i < reference.Length; i++)
                using (no_grad()) { reference[i].grad ??= zeros_like(reference[i]); reference[i].grad!.copy_(Grad(reference[i], step, i)); }
            plain.step();
        }
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) plain.save_state_dict(w);

        var fused = reference.Select(p => new Parameter(p.detach().clone())).ToArray();
        using var flat = FlatBuffer.Adopt(fused.Cast<Tensor>().ToList());
        using var adam = new FusedAdamW(fused, flat.Flat, lr: 1e-2, weightDecay: 0);
        ms.Position = 0;
        using (var r = new BinaryReader(ms)) adam.Inner.load_state_dict(r);
        plain.zero_grad();
        adam.ZeroGrad();
        for (int i = 0; i < reference.Length; i++)
            using (no_grad()) { var g = Grad(reference[i], 4, i); reference[i].grad!.copy_(g); fused[i].grad!.copy_(g); }
        plain.step();
        adam.Step();
        for (int i = 0; i < reference.Length; i++)
            Assert.That(fused[i].equal(reference[i]).all().item<bool>(), Is.True, $"parameter {i} after the restored step");
        Assert.That(adam.Inner.state_dict().State.Cast<AdamW.State>().All(s => s.step == 4), Is.True);
    }

    [Test]
    public void AFlatBufferKeepsTheValuesAndItsTensorsBecomeViewsOfIt()
    {
        var tensors = new[] { arange(6, dtype: float32).reshape(2, 3), tensor(new[] { 7f, 8f }) };
        using var flat = FlatBuffer.Adopt(tensors.ToList());
        Assert.That(flat.Flat.data<float>().ToArray(), Is.EqualTo(new[] { 0f, 1, 2, 3, 4, 5, 7, 8 }));
        Assert.That(tensors[0].shape, Is.EqualTo(new long[] { 2, 3 }));
        flat.Flat.mul_(2);
        Assert.That(tensors[0][1, 2].item<float>(), Is.EqualTo(10f));
        Assert.That(tensors[1].data<float>().ToArray(), Is.EqualTo(new[] { 14f, 16f }));
        using var bf = FlatBuffer.ZerosLike(tensors, ScalarType.BFloat16);
        Assert.That((bf.Flat.dtype, bf.Flat.numel(), bf.Views[1].shape), Is.EqualTo((ScalarType.BFloat16, 8L, new long[] { 2 })));
    }

    [Test]
    public void TheFlatEmaIsBitIdenticalToThePerParameterOne()
    {
        var cfg = new DiTConfig { Depth = 1, HiddenSize = 16, NumHeads = 2, PatchSize = 4, InputSize = 8, InChannels = 1, NumClasses = 3 };
        using var a = new DiTModel(cfg);
        using var b = new DiTModel(cfg);
        b.load_state_dict(a.state_dict());
        using var flat = FlatBuffer.Adopt(b.parameters().Cast<Tensor>().ToList());
        using var perParameter = new Ema(a, 0.9);
        using var flatEma = new Ema(b, 0.9, flat.Flat);
        for (int k = 0; k < 3; k++)
        {
            using (no_grad())
            {
                foreach (var (p, q) in a.parameters().Zip(b.parameters()))
                {
                    using var step = randn(p.shape, generator: new Generator((ulong)(k * 97 + p.numel())));
                    p.add_(step);
                    q.add_(step);
                }
            }
            perParameter.Update(k, warmup: true);
            flatEma.Update(k, warmup: true);
        }
        foreach (var (p, q) in perParameter.Model.parameters().Zip(flatEma.Model.parameters()))
            Assert.That(p.equal(q).all().item<bool>(), Is.True);
    }
}
