using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using DiTPlugin.TestSupport;
using DiT.Training.Eval;
using DiT.Training.Formats;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Eval;

/// <summary>
/// The FID InceptionV3 against an independent plain-PyTorch forward pass (Tests/fixtures/make_inception_fixture.py).
/// The fixture holds only inputs and outputs: the ~24M weights come from a deterministic integer rule that the script
/// and <see cref="RuleWeights"/> both compute.
/// </summary>
public class InceptionFidTests : TempDirectoryTest
{
    private const string FixturePath = "Tests/fixtures/inception_fid_reference.safetensors";

    /// <summary>
    /// Max abs error / max |reference|, per output. The reference is a float64 evaluation; its own float32 run lands
    /// 0.5e-6 to 1.6e-6 away (fixture metadata) through ~50 convolutions at 299x299, so 1e-4 leaves a wide margin for a
    /// different summation order (measured: pool3 3.4e-7, spatial 3.6e-6, logits 3.3e-7), yet the plausible mistakes the script measured move the outputs by 3.5e-2 (counting
    /// the padding in the average pools) to 1.4 (the sFID map of Mixed_6e instead of Mixed_6d).
    /// </summary>
    private const double RelativeTolerance = 1e-4;

    // ----------------------------------------------------------------------------------------------------------
    // The architecture, written out here independently of the model code: (name, in, out, kh, kw) per conv unit.
    // ----------------------------------------------------------------------------------------------------------
    private static IEnumerable<(string Name, long In, long Out, long Kh, long Kw)> Units()
    {
        (string, long, long, long, long) U(string n, long i, long o, long kh, long kw) => (n, i, o, kh, kw);
        yield return U("Conv2d_1a_3x3", 3, 32, 3, 3);
        yield return U("Conv2d_2a_3x3", 32, 32, 3, 3);
        yield return U("Conv2d_2b_3x3", 32, 64, 3, 3);
        yield return U("Conv2d_3b_1x1", 64, 80, 1, 1);
        yield return U("Conv2d_4a_3x3", 80, 192, 3, 3);
        foreach (var (p, cin, pf) in new[] { ("Mixed_5b", 192L, 32L), ("Mixed_5c", 256L, 64L), ("Mixed_5d", 288L, 64L) })
        {
            yield return U($"{p}.branch1x1", cin, 64, 1, 1);
            yield return U($"{p}.branch5x5_1", cin, 48, 1, 1);
            yield return U($"{p}.branch5x5_2", 48, 64, 5, 5);
            yield return U($"{p}.branch3x3dbl_1", cin, 64, 1, 1);
            yield return U($"{p}.branch3x3dbl_2", 64, 96, 3, 3);
            yield return U($"{p}.branch3x3dbl_3", 96, 96, 3, 3);
            yield return U($"{p}.branch_pool", cin, pf, 1, 1);
        }
        yield return U("Mixed_6a.branch3x3", 288, 384, 3, 3);
        yield return U("Mixed_6a.branch3x3dbl_1", 288, 64, 1, 1);
        yield return U("Mixed_6a.branch3x3dbl_2", 64, 96, 3, 3);
        yield return U("Mixed_6a.branch3x3dbl_3", 96, 96, 3, 3);
        foreach (var (p, c7) in new[] { ("Mixed_6b", 128L), ("Mixed_6c", 160L), ("Mixed_6d", 160L), ("Mixed_6e", 192L) })
        {
            yield return U($"{p}.branch1x1", 768, 192, 1, 1);
            yield return U($"{p}.branch7x7_1", 768, c7, 1, 1);
            yield return U($"{p}.branch7x7_2", c7, c7, 1, 7);
            yield return U($"{p}.branch7x7_3", c7, 192, 7, 1);
            yield return U($"{p}.branch7x7dbl_1", 768, c7, 1, 1);
            yield return U($"{p}.branch7x7dbl_2", c7, c7, 7, 1);
            yield return U($"{p}.branch7x7dbl_3", c7, c7, 1, 7);
            yield return U($"{p}.branch7x7dbl_4", c7, c7, 7, 1);
            yield return U($"{p}.branch7x7dbl_5", c7, 192, 1, 7);
            yield return U($"{p}.branch_pool", 768, 192, 1, 1);
        }
        yield return U("Mixed_7a.branch3x3_1", 768, 192, 1, 1);
        yield return U("Mixed_7a.branch3x3_2", 192, 320, 3, 3);
        yield return U("Mixed_7a.branch7x7x3_1", 768, 192, 1, 1);
        yield return U("Mixed_7a.branch7x7x3_2", 192, 192, 1, 7);
        yield return U("Mixed_7a.branch7x7x3_3", 192, 192, 7, 1);
        yield return U("Mixed_7a.branch7x7x3_4", 192, 192, 3, 3);
        foreach (var (p, cin) in new[] { ("Mixed_7b", 1280L), ("Mixed_7c", 2048L) })
        {
            yield return U($"{p}.branch1x1", cin, 320, 1, 1);
            yield return U($"{p}.branch3x3_1", cin, 384, 1, 1);
            yield return U($"{p}.branch3x3_2a", 384, 384, 1, 3);
            yield return U($"{p}.branch3x3_2b", 384, 384, 3, 1);
            yield return U($"{p}.branch3x3dbl_1", cin, 448, 1, 1);
            yield return U($"{p}.branch3x3dbl_2", 448, 384, 3, 3);
            yield return U($"{p}.branch3x3dbl_3a", 384, 384, 1, 3);
            yield return U($"{p}.branch3x3dbl_3b", 384, 384, 3, 1);
            yield return U($"{p}.branch_pool", cin, 192, 1, 1);
        }
    }

    /// <summary>The published checkpoint's tensors (without num_batches_tracked) and shapes, in module order.</summary>
    private static List<(string Key, long[] Shape)> CheckpointShapes()
    {
        var list = new List<(string, long[])>();
        foreach (var u in Units())
        {
            list.Add(($"{u.Name}.conv.weight", new[] { u.Out, u.In, u.Kh, u.Kw }));
            foreach (var s in new[] { "weight", "bias", "running_mean", "running_var" })
                list.Add(($"{u.Name}.bn.{s}", new[] { u.Out }));
        }
        list.Add(("fc.weight", new long[] { 1008, 2048 }));
        list.Add(("fc.bias", new long[] { 1008 }));
        return list;
    }

    // ----------------------------------------------------------------------------------------------------------
    // The fixture's weight rule (make_inception_fixture.py): exact integer hashing, one float64 → float32 rounding.
    // ----------------------------------------------------------------------------------------------------------
    private static ulong Fnv1a64(string name)
    {
        ulong h = 0xCBF29CE484222325;
        foreach (byte b in Encoding.UTF8.GetBytes(name)) { h ^= b; h *= 0x100000001B3; }
        return h;
    }

    private static float[] RuleValues(string name, long count, double offset, double scale)
    {
        ulong seed = Fnv1a64(name);
        var w = new float[count];
        for (long i = 0; i < count; i++)
        {
            unchecked
            {
                ulong z = seed + (ulong)(i + 1) * 0x9E3779B97F4A7C15;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
                z ^= z >> 31;
                double v = 2.0 * (z >> 40) / 16777216.0 - 1.0;
                w[i] = (float)(offset + v * scale);
            }
        }
        return w;
    }

    private static (double Offset, double Scale) OffsetScale(string key, long[] shape)
    {
        if (key.EndsWith(".conv.weight", StringComparison.Ordinal)) return (0, Math.Sqrt(6.0 / (shape[1] * shape[2] * shape[3])));
        if (key == "fc.weight") return (0, Math.Sqrt(3.0 / shape[1]));
        if (key == "fc.bias") return (0, 0.1);
        return key[(key.LastIndexOf('.') + 1)..] switch
        {
            "weight" => (1.0, 0.25),
            "bias" => (0.0, 0.1),
            "running_mean" => (0.0, 0.1),
            "running_var" => (1.0, 0.5),
            var k => throw new ArgumentException(k),
        };
    }

    private static Tensor RuleTensor(string key, long[] shape)
    {
        var (offset, scale) = OffsetScale(key, shape);
        return tensor(RuleValues(key, shape.Aggregate(1L, (a, b) => a * b), offset, scale)).reshape(shape);
    }

    /// <summary>All 472 checkpoint tensors by the rule (the caller disposes them).</summary>
    private static Dictionary<string, Tensor> RuleWeights() =>
        CheckpointShapes().ToDictionary(e => e.Key, e => RuleTensor(e.Key, e.Shape), StringComparer.Ordinal);

    private static SafetensorsFile OpenFixture() => Safetensors.Load(RepoPaths.Find(FixturePath,
        "Regenerate it with '/usr/bin/python3 Tests/fixtures/make_inception_fixture.py' (see Tests/fixtures/README.md)."));

    private static double RelativeError(Tensor actual, Tensor expected)
    {
        Assert.That(actual.shape, Is.EqualTo(expected.shape));
        using var scope = NewDisposeScope();
        var e = expected.to(float64);
        return (actual.to(float64) - e).abs().max().item<double>() / e.abs().max().item<double>();
    }

    /// <summary>Same shape, dtype and every element bit-equal (no NaNs here).</summary>
    private static bool Same(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dtype != b.dtype) return false;
        using var eq = a.eq(b);
        using var all = eq.all();
        return all.item<bool>();
    }

    private static void DisposeAll(Dictionary<string, Tensor> d)
    {
        foreach (var t in d.Values) t.Dispose();
    }

    // ----------------------------------------------------------------------------------------------------------

    [Test]
    public void KeysAndShapesEqualThePublishedCheckpoint()
    {
        var expected = CheckpointShapes();
        Assert.That(Units().Count(), Is.EqualTo(94), "conv units: stem 5, 3 A x 7, B 4, 4 C x 10, D 6, 2 E x 9");
        Assert.That(expected, Has.Count.EqualTo(InceptionFid.CheckpointTensorCount)); // 94 x 5 + 2 = 472

        using var model = new InceptionFid();
        var own = model.state_dict();
        Assert.That(own, Has.Count.EqualTo(InceptionFid.StateDictTensorCount)); // + 94 num_batches_tracked = 566
        var counters = own.Keys.Where(k => k.EndsWith(".bn.num_batches_tracked", StringComparison.Ordinal)).ToList();
        Assert.That(counters, Has.Count.EqualTo(94));
        // As a set: TorchSharp lists all parameters before all buffers, PyTorch module by module.
        Assert.That(own.Keys.Except(counters), Is.EquivalentTo(expected.Select(e => e.Key)));
        foreach (var (key, shape) in expected)
            Assert.That(own[key].shape, Is.EqualTo(shape), key);
    }

    [Test]
    public void ParameterCountIsTheFidInceptions()
    {
        // conv weights + BN weight and bias + fc (1008 x 2048 + 1008); running statistics are buffers.
        long derived = Units().Sum(u => u.Out * u.In * u.Kh * u.Kw + 2 * u.Out) + 1008L * 2048 + 1008;
        Assert.That(derived, Is.EqualTo(23_850_960));
        using var model = new InceptionFid();
        Assert.That(model.ParameterCount, Is.EqualTo(derived));
        Assert.That(model.parameters().Count(), Is.EqualTo(94 * 3 + 2));
        using var meta = OpenFixture();
        Assert.That(long.Parse(meta.Metadata["parameter_count"]), Is.EqualTo(derived), "the script's count");
    }

    [Test]
    public void FreshModelIsSane()
    {
        using var model = new InceptionFid();
        Assert.That(model.Name, Does.Contain("random"));
        foreach (var (k, t) in model.state_dict())
        {
            if (k.EndsWith(".bn.num_batches_tracked", StringComparison.Ordinal)) continue;
            using var any = t.isnan().any().logical_or(t.isinf().any());
            Assert.That(any.item<bool>(), Is.False, k);
            if (k.EndsWith(".bn.weight", StringComparison.Ordinal) || k.EndsWith(".bn.running_var", StringComparison.Ordinal))
                Assert.That(t.eq(1f).all().item<bool>(), Is.True, k);
            else if (k.EndsWith(".bn.bias", StringComparison.Ordinal) || k.EndsWith(".bn.running_mean", StringComparison.Ordinal))
                Assert.That(t.eq(0f).all().item<bool>(), Is.True, k);
        }

        using var scope = NewDisposeScope();
        var images = rand(new long[] { 1, 3, 40, 56 }, generator: new Generator(7)) * 2 - 1;
        var f = model.Extract(images);
        Assert.That(f.Pooled.shape, Is.EqualTo(new long[] { 1, 2048 }));
        Assert.That(f.Spatial.shape, Is.EqualTo(new long[] { 1, 2023 }));
        Assert.That(f.Logits.shape, Is.EqualTo(new long[] { 1, 1008 }));
        Assert.That(f.Pooled.device_type, Is.EqualTo(DeviceType.CPU));
        Assert.That(f.Pooled.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(f.Pooled.isfinite().all().item<bool>() && f.Spatial.isfinite().all().item<bool>()
                    && f.Logits.isfinite().all().item<bool>(), Is.True);
        Assert.That(f.Pooled.abs().max().item<float>(), Is.GreaterThan(0f));
        Assert.That((model.PooledDim, model.SpatialDim, model.NumClasses), Is.EqualTo((2048, 2023, 1008)));

        // Spatial is mixed_6/conv's first 7 channels in NHWC order: element (h * 17 + w) * 7 + c is map[c, h, w].
        using var _ = no_grad();
        var resized = nn.functional.interpolate(images, new long[] { 299, 299 }, mode: InterpolationMode.Bilinear, align_corners: false);
        var (pool, map, logits) = model.Run(resized);
        Assert.That(map.shape, Is.EqualTo(new long[] { 1, 192, 17, 17 }));
        Assert.That(Same(pool, f.Pooled), Is.True);
        for (int h = 0; h < 17; h += 5)
        for (int w = 0; w < 17; w += 4)
        for (int c = 0; c < 7; c++)
            Assert.That(f.Spatial[0, (h * 17 + w) * 7 + c].item<float>(), Is.EqualTo(map[0, c, h, w].item<float>()));

        // Logits are fc's output; without the bias (ADM's Inception Score) they are pool3 · Wᵀ.
        var fc = model.state_dict();
        Assert.That((logits - (pool.matmul(fc["fc.weight"].t()) + fc["fc.bias"])).abs().max().item<float>(), Is.LessThan(1e-5f));
        model.IncludeFcBiasInLogits = false;
        var noBias = model.Run(resized).Logits;
        Assert.That((noBias - pool.matmul(fc["fc.weight"].t())).abs().max().item<float>(), Is.LessThan(1e-5f));

        // Batching inside Extract does not change results; an empty batch gives empty features.
        var two = cat(new[] { images, images.flip(3) }, 0);
        var whole = model.Extract(two);
        model.MaxBatch = 1;
        var chunked = model.Extract(two);
        Assert.That((whole.Pooled - chunked.Pooled).abs().max().item<float>(), Is.LessThan(1e-5f));
        Assert.That(model.Extract(zeros(0, 3, 64, 64)).Spatial.shape, Is.EqualTo(new long[] { 0, 2023 }));
        Assert.Throws<ArgumentException>(() => model.Extract(zeros(1, 1, 64, 64)));
    }

    [Test]
    public void WeightRuleMatchesTheScriptBitForBit()
    {
        using var f = OpenFixture();
        foreach (var name in f.Names.Where(n => n.StartsWith("check.", StringComparison.Ordinal)))
        {
            string key = name["check.".Length..];
            using var mine = RuleTensor(key, f[name].shape);
            Assert.That(Same(mine, f[name]), Is.True, key);
        }
    }

    [Test]
    public void OutputsMatchTheReference()
    {
        using var f = OpenFixture();
        var weights = RuleWeights();
        try
        {
            using var model = InceptionFid.Load(weights, "rule weights");
            var sw = Stopwatch.StartNew();
            var features = model.Extract(f["input.images"]);
            sw.Stop();
            double ep = RelativeError(features.Pooled, f["output.pool3"]);
            double es = RelativeError(features.Spatial, f["output.spatial"]);
            double el = RelativeError(features.Logits, f["output.logits"]);
            TestContext.Out.WriteLine($"relative max error: pool3 {ep:E2}, spatial {es:E2}, logits {el:E2} " +
                                      $"(reference float32 self-error {f.Metadata["float32_vs_float64_relative"]}; " +
                                      $"forward of {f["input.images"].shape[0]} images {sw.ElapsedMilliseconds} ms)");
            Assert.That(ep, Is.LessThanOrEqualTo(RelativeTolerance));
            Assert.That(es, Is.LessThanOrEqualTo(RelativeTolerance));
            Assert.That(el, Is.LessThanOrEqualTo(RelativeTolerance));
            features.Pooled.Dispose();
            features.Spatial.Dispose();
            features.Logits.Dispose();
        }
        finally
        {
            DisposeAll(weights);
        }
    }

    [Test]
    public void LoadCopiesEveryTensorAndTreatsTheBatchCountersAsOptional()
    {
        var weights = RuleWeights();
        try
        {
            using (var model = InceptionFid.Load(weights))
            {
                var sd = model.state_dict();
                foreach (var (k, v) in weights) Assert.That(Same(sd[k], v), Is.True, k);
                Assert.That(sd["Mixed_6d.branch1x1.bn.num_batches_tracked"].item<long>(), Is.EqualTo(0));
            }
            // With the counters as torch writes them (int64 scalars), as a PyTorch module's state_dict has them.
            var withCounters = new Dictionary<string, Tensor>(weights);
            foreach (var u in Units()) withCounters[$"{u.Name}.bn.num_batches_tracked"] = tensor(7L);
            using (var model = InceptionFid.Load(withCounters))
                Assert.That(model.state_dict()["Conv2d_1a_3x3.bn.num_batches_tracked"].item<long>(), Is.EqualTo(7));
            foreach (var (k, v) in withCounters) if (!weights.ContainsKey(k)) v.Dispose();
        }
        finally
        {
            DisposeAll(weights);
        }
    }

    [Test]
    public void LoadingAFileWithAMissingMisShapedOrExtraKeyNamesIt()
    {
        var weights = RuleWeights();
        try
        {
            weights.Remove("Mixed_7c.branch3x3dbl_3a.bn.running_var", out var removed);
            removed!.Dispose();
            var w = weights["Mixed_6b.branch7x7_2.conv.weight"];                 // 128x128x1x7
            weights["Mixed_6b.branch7x7_2.conv.weight"] = w.permute(0, 1, 3, 2).contiguous(); // 7x1: the neighbour's shape
            w.Dispose();
            weights["AuxLogits.fc.weight"] = zeros(1008, 768);
            string path = Path.Combine(Dir, "bad_inception.safetensors");
            Safetensors.Save(path, weights);

            var e = Assert.Throws<InvalidDataException>(() => InceptionFid.Load(path))!;
            TestContext.Out.WriteLine(e.Message);
            Assert.That(e.Message, Does.Contain(path));
            Assert.That(e.Message, Does.Contain("missing [Mixed_7c.branch3x3dbl_3a.bn.running_var]"));
            Assert.That(e.Message, Does.Contain("unexpected [AuxLogits.fc.weight]"));
            Assert.That(e.Message, Does.Contain("Mixed_6b.branch7x7_2.conv.weight (128x128x7x1 vs model 128x128x1x7)"));
            Assert.That(e.Message, Does.Not.Contain("num_batches_tracked"), "the counters are optional");
        }
        finally
        {
            DisposeAll(weights);
        }
    }

    [Test]
    public void LoadingSomethingElseSaysWhatItIs()
    {
        // Another network's file: a short description, not a list of 472 missing keys.
        string dit = RepoPaths.Find("Tests/fixtures/dit_tiny_reference.safetensors");
        var e = Assert.Throws<InvalidDataException>(() => InceptionFid.Load(dit))!;
        TestContext.Out.WriteLine(e.Message);
        Assert.That(e.Message, Does.Contain("is not the FID InceptionV3"));
        Assert.That(e.Message, Does.Contain("0 of the network's 472 tensors"));
        Assert.That(e.Message.Length, Is.LessThan(2000));

        // torchvision's ImageNet InceptionV3 has the same names but a 1000-class fc.
        var weights = RuleWeights();
        try
        {
            weights["fc.weight"].Dispose();
            weights["fc.bias"].Dispose();
            weights["fc.weight"] = zeros(1000, 2048);
            weights["fc.bias"] = zeros(1000);
            var tv = Assert.Throws<InvalidDataException>(() => InceptionFid.Load(weights))!;
            Assert.That(tv.Message, Does.Contain("torchvision"));
        }
        finally
        {
            DisposeAll(weights);
        }
    }

    /// <summary>Not a test: the time of one 299x299 forward of a batch of 8 on this machine (run it explicitly).</summary>
    [Test, Explicit("timing, not a test")]
    public void TimeBatchOf8()
    {
        using var model = new InceptionFid();
        using var images = rand(8, 3, 299, 299) * 2 - 1;
        model.Extract(images.narrow(0, 0, 1)); // warm-up
        var sw = Stopwatch.StartNew();
        var f = model.Extract(images);
        sw.Stop();
        TestContext.Out.WriteLine($"batch 8 at 299x299: {sw.Elapsed.TotalSeconds:F2} s on {Environment.ProcessorCount} cores " +
                                  $"({get_num_threads()} torch threads)");
        Assert.That(f.Pooled.shape[0], Is.EqualTo(8));
    }
}
