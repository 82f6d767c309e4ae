using System;
using System.IO;
using System.Linq;
using DiT.Training.Bench;
using DiT.Training.Model;
using DiT.Training.Trainer;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Trainer;

public class Bf16TrainingTests
{
    [Test]
    public void NativeBf16DetectionAgreesWithTheKernelsCpuFlags()
    {
        if (!File.Exists("/proc/cpuinfo")) Assert.Ignore("Linux's /proc/cpuinfo is the independent source here.");
        var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(' ');
        bool expected = flags.Contains("avx512_bf16") || flags.Contains("amx_bf16");
        Assert.That(Bf16Support.Native, Is.EqualTo(expected));
        Assert.That(Bf16Support.Describe(), Does.StartWith(expected ? "bf16" : "fp32"));
    }

    [Test]
    public void Bf16AttentionMatchesFp32ScaledDotProductAttentionWithinBf16Rounding()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(3);
        var q = randn(new long[] { 2, 3, 16, 8 }, generator: g);
        var k = randn(new long[] { 2, 3, 16, 8 }, generator: g);
        var v = randn(new long[] { 2, 3, 16, 8 }, generator: g);
        var want = nn.functional.scaled_dot_product_attention(q, k, v);
        // The bf16 path is the explicit product (see Attention.Attend); it must give softmax(q kᵀ/√d) v.
        var qb = q.to(bfloat16).requires_grad_(true);
        var got = Attention.Attend(qb, k.to(bfloat16), v.to(bfloat16));
        Assert.That(got.dtype, Is.EqualTo(ScalarType.BFloat16));
        double err = (got.to(float32) - want).abs().max().item<float>();
        Assert.That(err, Is.LessThan(0.05), "bf16 keeps 8 bits of mantissa: about 1 % of values of order 1");
        got.sum().backward();
        var qf = q.clone().requires_grad_(true);
        nn.functional.scaled_dot_product_attention(qf, k, v).sum().backward();
        Assert.That((qb.grad!.to(float32) - qf.grad!).abs().max().item<float>(), Is.LessThan(0.1));
        // fp32 keeps the fused kernel: bit for bit the library's SDPA.
        Assert.That(Attention.Attend(q, k, v).equal(want).all().item<bool>(), Is.True);
    }

    [Test]
    public void TheTrainingBenchmarkTimesRealStepsAndCountsTheDataWait()
    {
        var cfg = new DiTConfig { Depth = 1, HiddenSize = 32, NumHeads = 2, PatchSize = 4, InputSize = 8, InChannels = 3, NumClasses = 4 };
        var r = TrainBenchmark.Run(cfg, batch: 4, bf16: false, steps: 3, warmup: 1);
        Assert.That(r.Steps, Is.EqualTo(3));
        Assert.That(r.MinStepMs, Is.GreaterThan(0).And.LessThanOrEqualTo(r.MedianStepMs));
        Assert.That(r.MaxStepMs, Is.GreaterThanOrEqualTo(r.MedianStepMs));
        Assert.That(r.DataWaitShare, Is.InRange(0.0, 1.0));
        Assert.That(r.PeakResidentBytes, Is.GreaterThan(50_000_000), "this process holds libtorch at least");
        Assert.That(r.ToString(), Does.Contain("1x32/p4, batch 4, 8x8, fp32"));
    }
}
