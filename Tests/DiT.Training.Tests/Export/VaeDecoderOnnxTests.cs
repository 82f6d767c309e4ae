using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using DiTPlugin.Contract.Package;
using DiT.Training.Export;
using DiT.Training.Export.Onnx;
using DiT.Training.Tests.Vae;
using DiT.Training.Vae;
using Microsoft.ML.OnnxRuntime;
using NUnit.Framework;
using static TorchSharp.torch;
using static DiT.Training.Tests.Export.OnnxTestUtil;

namespace DiT.Training.Tests.Export;

/// <summary>
/// The exported VAE decoder in ONNX Runtime (CPU) against <see cref="AutoencoderKL.Decode"/>, for the tiny fixture
/// config and for the real SD config at an 8x8 latent, in fp32 and fp16; and the graph's structure.
/// </summary>
public class VaeDecoderOnnxTests
{
    /// <summary>fp32 graph vs TorchSharp: both float32, differing only in summation order (ORT's im2col/GEMM convs,
    /// our spelled-out GroupNorm) over ~30 layers; measured ~1e-6 on O(1) outputs.</summary>
    private const double Fp32Tolerance = 1e-4;

    /// <summary>fp16 graph vs the float32 model, as max abs error / max |reference|: fp16 weights and activations carry
    /// 2^-11 ≈ 5e-4 relative rounding per op, and it compounds over the decoder's ~30 convs.</summary>
    private const double Fp16RelativeTolerance = 2e-2;

    private static float[] Run(byte[] onnx, Tensor latent)
    {
        using var session = Session(onnx);
        return Run(session, latent);
    }

    private static float[] Run(InferenceSession session, Tensor latent)
    {
        var data = latent.contiguous().data<float>().ToArray();
        using var x = OrtValue.CreateTensorValueFromMemory(data, latent.shape);
        using var ro = new RunOptions();
        using var outs = session.Run(ro, new Dictionary<string, OrtValue> { [VaeDecoderOnnxExporter.InputName] = x },
            new[] { VaeDecoderOnnxExporter.OutputName });
        return outs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static float[] Reference(AutoencoderKL vae, Tensor latent, bool clip)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var img = vae.Decode(latent);
        if (clip) img = img.clamp(-1, 1);
        return img.contiguous().data<float>().ToArray();
    }

    [Test]
    public void TinyFp32MatchesTorchSharpAndTheFixture()
    {
        using var f = VaeFixture.Open();
        using var vae = AutoencoderKL.Load(VaeFixture.Weights(f), VaeFixture.TinyConfig);
        var latent = f["input.latent"];                                          // (2, 4, 8, 8)
        var raw = VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { Batch = 2, LatentSize = 8, ClipOutput = false });
        Assert.That(raw.Input, Is.EqualTo(new OnnxValue("latent", new long[] { 2, 4, 8, 8 }, OnnxType.Float)).Using<OnnxValue>(SameSpec));
        Assert.That(raw.Output, Is.EqualTo(new OnnxValue("image", new long[] { 2, 3, 16, 16 }, OnnxType.Float)).Using<OnnxValue>(SameSpec));
        Assert.That(raw.ParameterCount, Is.EqualTo(vae.Decoder.parameters().Sum(p => p.numel()) + 20));
        Assert.That(raw.SizeBytes, Is.EqualTo(raw.ToBytes().Length));

        var ort = Run(raw.ToBytes(), latent);
        var reference = Reference(vae, latent, clip: false);
        var fixture = f["output.decoded"].contiguous().data<float>().ToArray();
        double e = MaxAbs(ort, reference), eFix = MaxAbs(ort, fixture);
        TestContext.Out.WriteLine($"tiny fp32 unclipped: ORT vs TorchSharp {e:E2}, vs the plain-torch fixture {eFix:E2}, |ref| max {MaxAbs(reference):F3}");
        Assert.That(e, Is.LessThanOrEqualTo(Fp32Tolerance));
        Assert.That(eFix, Is.LessThanOrEqualTo(Fp32Tolerance));

        // The contract graph clips to [-1, 1]; the fixture's decode spans about ±2.3, so clipping is exercised.
        var clipped = Run(VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { Batch = 2, LatentSize = 8 }).ToBytes(), latent);
        var refClipped = Reference(vae, latent, clip: true);
        Assert.That(MaxAbs(clipped, refClipped), Is.LessThanOrEqualTo(Fp32Tolerance));
        Assert.That(clipped.Min(), Is.EqualTo(-1f));
        Assert.That(clipped.Max(), Is.EqualTo(1f));
        Assert.That(reference.Count(v => Math.Abs(v) > 1), Is.GreaterThan(0));
    }

    [Test]
    public void TinyFp16IsFiniteAndClose()
    {
        using var f = VaeFixture.Open();
        using var vae = AutoencoderKL.Load(VaeFixture.Weights(f), VaeFixture.TinyConfig);
        var latent = f["input.latent"];
        var export = VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { Batch = 2, LatentSize = 8, ClipOutput = false, Fp16 = true });
        Assert.That(export.Precision, Is.EqualTo(Precision.Fp16));
        Assert.That(export.Input.Type, Is.EqualTo(OnnxType.Float), "fp16 graphs still take float32");
        var ort = Run(export.ToBytes(), latent);
        var reference = Reference(vae, latent, clip: false);
        double rel = MaxAbs(ort, reference) / MaxAbs(reference);
        TestContext.Out.WriteLine($"tiny fp16: max abs err {MaxAbs(ort, reference):E2}, relative {rel:E2}");
        Assert.That(ort.All(float.IsFinite));
        Assert.That(rel, Is.LessThanOrEqualTo(Fp16RelativeTolerance));
    }

    [Test]
    public void GraphIsOpset17DefaultDomainRankAtMost4WithoutGroupNormalization([Values(false, true)] bool fp16)
    {
        using var vae = VaeFixture.RandomModel(VaeFixture.TinyConfig);
        var export = VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { Batch = 1, LatentSize = 4, Fp16 = fp16 });
        var m = ModelProto.Parser.ParseFrom(export.ToBytes());
        Assert.That(m.OpsetImport.Select(o => (o.Domain, o.Version)), Is.EqualTo(new[] { ("", 17L) }));
        var gr = m.Graph;

        static (string, int, long[]) Sig(ValueInfoProto v) =>
            (v.Name, v.Type.TensorType.ElemType, v.Type.TensorType.Shape.Dim.Select(d => d.DimValue).ToArray());
        Assert.That(gr.Input.Select(Sig), Is.EqualTo(new[] { ("latent", 1, new long[] { 1, 4, 4, 4 }) }));
        Assert.That(gr.Output.Select(Sig), Is.EqualTo(new[] { ("image", 1, new long[] { 1, 3, 8, 8 }) }));

        var allowed = new HashSet<string>
        {
            "Conv", "Add", "Sub", "Mul", "Div", "Sqrt", "Sigmoid", "ReduceMean", "Reshape", "Transpose", "MatMul", "Softmax",
            "Resize", "Cast", "Clip", "Identity",
        };
        var ops = gr.Node.Select(n => n.OpType).ToHashSet();
        Assert.That(gr.Node.Select(n => n.Domain), Is.All.Empty, "default domain only");
        Assert.That(ops, Is.SubsetOf(allowed));
        Assert.That(ops, Does.Not.Contain("GroupNormalization").And.Not.Contain("InstanceNormalization"));
        Assert.That(ops, Is.SupersetOf(new[] { "Conv", "ReduceMean", "Softmax", "Resize", "Clip" }));

        int maxRank = 0;
        foreach (var v in gr.Input.Concat(gr.Output).Concat(gr.ValueInfo))
        {
            var dims = v.Type.TensorType.Shape.Dim;
            Assert.That(dims.All(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue && d.DimValue > 0), v.Name);
            maxRank = Math.Max(maxRank, dims.Count);
        }
        foreach (var init in gr.Initializer) maxRank = Math.Max(maxRank, init.Dims.Count);
        Assert.That(maxRank, Is.EqualTo(4), "no tensor above rank 4 (DirectML)");
        // Every node output is annotated, so the rank check above covers every value the graph creates.
        var annotated = gr.ValueInfo.Select(v => v.Name).Concat(gr.Output.Select(v => v.Name)).ToHashSet();
        Assert.That(gr.Node.SelectMany(n => n.Output).Where(o => !annotated.Contains(o)), Is.Empty);

        // fp16: conv weights in float16, GroupNorm statistics and softmax in float32.
        var types = gr.ValueInfo.ToDictionary(v => v.Name, v => v.Type.TensorType.ElemType);
        int expectConv = fp16 ? 10 : 1;
        Assert.That(gr.Initializer.Where(i => i.Dims.Count == 4).Select(i => i.DataType), Is.All.EqualTo(expectConv));
        Assert.That(gr.Node.Where(n => n.OpType is "ReduceMean" or "Softmax" or "Sqrt").Select(n => types[n.Output[0]]), Is.All.EqualTo(1));
        Assert.That(gr.Node.Where(n => n.OpType == "Conv").Select(n => types[n.Output[0]]), Is.All.EqualTo(expectConv));
        TestContext.Out.WriteLine($"fp16={fp16}: {gr.Node.Count} nodes, {gr.Initializer.Count} initializers, {export.SizeBytes:N0} bytes");
    }

    [Test, Explicit("speed figure for the SD decoder at 256x256; tens of seconds on CPU")]
    public void StableDiffusionDecodeSpeedAt256([Values(false, true)] bool fp16)
    {
        using var vae = VaeFixture.RandomModel(VaeConfig.StableDiffusion, seed: 5);
        using var latent = randn(new long[] { 1, 4, 32, 32 }, generator: new Generator(9));
        var bytes = VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 32, Fp16 = fp16 }).ToBytes();
        using var so = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(bytes, so);
        var first = Stopwatch.StartNew();
        var img = Run(session, latent);
        double firstS = first.Elapsed.TotalSeconds;
        var times = Enumerable.Range(0, 3).Select(_ => { var sw = Stopwatch.StartNew(); Run(session, latent); return sw.Elapsed.TotalSeconds; }).ToList();
        TestContext.Out.WriteLine($"SD decoder {(fp16 ? "fp16" : "fp32")} 32x32 -> 256x256, ORT CPU {Environment.ProcessorCount} threads: " +
                                  $"first run {firstS:F2} s, then {string.Join(", ", times.Select(t => t.ToString("F2")))} s");
        Assert.That(img.All(float.IsFinite));
    }

    /// <summary>The real SD decoder (random weights) at an 8x8 latent → 64x64 image: built once for both precisions.</summary>
    public class StableDiffusionSize
    {
        private AutoencoderKL vae = null!;
        private Tensor latent = null!;
        private float[] reference = null!;

        [OneTimeSetUp]
        public void Build()
        {
            vae = VaeFixture.RandomModel(VaeConfig.StableDiffusion, seed: 5);
            latent = randn(new long[] { 1, 4, 8, 8 }, generator: new Generator(9));
            var sw = Stopwatch.StartNew();
            reference = Reference(vae, latent, clip: false);
            TestContext.Out.WriteLine($"TorchSharp decode 8x8 -> 64x64: {sw.Elapsed.TotalSeconds:F2} s, |ref| max {MaxAbs(reference):F3}");
        }

        [OneTimeTearDown]
        public void Dispose()
        {
            vae.Dispose();
            latent.Dispose();
        }

        [TestCase(false)]
        [TestCase(true)]
        public void MatchesTorchSharp(bool fp16)
        {
            var sw = Stopwatch.StartNew();
            var export = VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 8, ClipOutput = false, Fp16 = fp16 });
            var bytes = export.ToBytes();
            double exportS = sw.Elapsed.TotalSeconds;
            Assert.That(export.ParameterCount, Is.EqualTo(49_490_179L + 20));
            sw.Restart();
            using var session = Session(bytes);
            double loadS = sw.Elapsed.TotalSeconds;
            sw.Restart();
            var ort = Run(session, latent);
            double runS = sw.Elapsed.TotalSeconds;
            double err = MaxAbs(ort, reference), rel = err / MaxAbs(reference);
            TestContext.Out.WriteLine($"SD decoder {(fp16 ? "fp16" : "fp32")}: {bytes.Length / 1e6:F1} MB, {export.NodeCount} nodes, " +
                                      $"export {exportS:F1} s, session {loadS:F1} s, ORT run {runS:F2} s; max abs err {err:E2} (relative {rel:E2})");
            Assert.That(ort.All(float.IsFinite));
            if (fp16) Assert.That(rel, Is.LessThanOrEqualTo(Fp16RelativeTolerance));
            else Assert.That(err, Is.LessThanOrEqualTo(Fp32Tolerance));
        }
    }
}

/// <summary>
/// The circular-padding decoder works on the torus: rolling the latent by (dy, dx) rolls the image by (f·dy, f·dx),
/// exactly up to float rounding (GroupNorm statistics and attention do not see a roll; nearest upsampling maps it).
/// The zero-padded decoder is far from that at the edges, which is the seam seamless textures must not have.
/// </summary>
public class CircularVaeDecoderTests
{
    private static float[] Decode(byte[] onnx, Tensor latent)
    {
        using var session = Session(onnx);
        var data = latent.contiguous().data<float>().ToArray();
        using var x = OrtValue.CreateTensorValueFromMemory(data, latent.shape);
        using var ro = new RunOptions();
        using var outs = session.Run(ro, new Dictionary<string, OrtValue> { [VaeDecoderOnnxExporter.InputName] = x }, new[] { VaeDecoderOnnxExporter.OutputName });
        return outs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static float[] Roll(float[] data, long[] shape, long dy, long dx)
    {
        using var scope = NewDisposeScope();
        return tensor(data, shape).roll(new[] { dy, dx }, new long[] { 2, 3 }).contiguous().data<float>().ToArray();
    }

    [Test]
    public void RollingTheLatentRollsTheImage([Values(false, true)] bool fp16)
    {
        using var f = VaeFixture.Open();
        using var vae = AutoencoderKL.Load(VaeFixture.Weights(f), VaeFixture.TinyConfig);
        var latent = f["input.latent"];                                          // (2, 4, 8, 8)
        var options = new VaeExportOptions { Batch = 2, LatentSize = 8, ClipOutput = false, Fp16 = fp16 };
        var circular = VaeDecoderOnnxExporter.Build(vae, options with { CircularPadding = true });
        var zeros = VaeDecoderOnnxExporter.Build(vae, options);
        Assert.That(circular.ParameterCount, Is.EqualTo(zeros.ParameterCount), "same weights, only the padding differs");
        Assert.That(circular.Model.Graph.Node.Where(n => n.OpType == "Conv").SelectMany(n => n.Attribute).Where(a => a.Name == "pads")
                            .All(a => a.Ints.All(p => p == 0)), Is.True, "every conv pads through the wrap-around Concat, none with zeros");
        Assert.That(circular.Model.MetadataProps.Single(p => p.Key == "ditplugin.padding").Value, Is.EqualTo("circular"));

        long factor = 2;                                                          // the tiny config: 8x8 latents → 16x16 images
        var shape = new long[] { 2, 3, 16, 16 };
        var latentData = latent.contiguous().data<float>().ToArray();
        foreach (var (dy, dx) in new[] { (1L, 0L), (3L, 5L), (7L, 2L) })
        {
            var rolledLatent = tensor(Roll(latentData, latent.shape, dy, dx), latent.shape);
            double scale = MaxAbs(Decode(circular.ToBytes(), latent));
            double circ = MaxAbs(Roll(Decode(circular.ToBytes(), latent), shape, dy * factor, dx * factor), Decode(circular.ToBytes(), rolledLatent));
            double zero = MaxAbs(Roll(Decode(zeros.ToBytes(), latent), shape, dy * factor, dx * factor), Decode(zeros.ToBytes(), rolledLatent));
            TestContext.Out.WriteLine($"{(fp16 ? "fp16" : "fp32")} roll ({dy},{dx}): circular {circ:E2}, zero-padded {zero:E2}, |image| max {scale:F2}");
            Assert.That(circ, Is.LessThanOrEqualTo((fp16 ? 2e-2 : 1e-4) * Math.Max(1, scale)));
            Assert.That(zero, Is.GreaterThan(20 * Math.Max(circ, 1e-4)), "zero padding is not roll-equivariant: the control");
        }
    }
}
