using System;
using System.Collections.Generic;
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
/// The exported VAE encoder in ONNX Runtime (CPU) against <see cref="AutoencoderKL.Encode"/>'s posterior mean and the
/// plain-torch fixture, for the tiny fixture config (fp32 and fp16) and the real SD config at a 4x4 latent; its structure.
/// </summary>
public class VaeEncoderOnnxTests
{
    private static float[] Run(byte[] onnx, Tensor image)
    {
        using var session = Session(onnx);
        var data = image.contiguous().data<float>().ToArray();
        using var x = OrtValue.CreateTensorValueFromMemory(data, image.shape);
        using var ro = new RunOptions();
        using var outs = session.Run(ro, new Dictionary<string, OrtValue> { [VaeEncoderOnnxExporter.InputName] = x }, new[] { VaeEncoderOnnxExporter.OutputName });
        return outs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    private static float[] Mean(AutoencoderKL vae, Tensor image)
    {
        using var _ = no_grad();
        var (mean, logvar) = vae.Encode(image);
        using (logvar) using (mean) return mean.contiguous().data<float>().ToArray();
    }

    [Test]
    public void TinyGraphGivesThePosteriorMeanOfTorchSharpAndTheFixture([Values(false, true)] bool fp16)
    {
        using var f = VaeFixture.Open();
        using var vae = AutoencoderKL.Load(VaeFixture.Weights(f), VaeFixture.TinyConfig);
        var image = f["input.image"];
        long b = image.shape[0], side = image.shape[2], s = side / vae.Config.DownsampleFactor;
        var export = VaeEncoderOnnxExporter.Build(vae, new VaeExportOptions { Batch = (int)b, LatentSize = (int)s, Fp16 = fp16 });
        Assert.That(export.Input, Is.EqualTo(new OnnxValue("image", new long[] { b, 3, side, side }, OnnxType.Float)).Using<OnnxValue>(SameSpec));
        Assert.That(export.Output, Is.EqualTo(new OnnxValue("latent", new long[] { b, 4, s, s }, OnnxType.Float)).Using<OnnxValue>(SameSpec));
        long quantConv = 8 * 8 + 8;
        Assert.That(export.ParameterCount, Is.EqualTo(vae.Encoder.parameters().Sum(p => p.numel()) + quantConv));

        var ort = Run(export.ToBytes(), image);
        var reference = Mean(vae, image);
        var fixture = f["output.mean"].contiguous().data<float>().ToArray();
        double e = MaxAbs(ort, reference), eFix = MaxAbs(ort, fixture), scale = MaxAbs(reference);
        TestContext.Out.WriteLine($"tiny {(fp16 ? "fp16" : "fp32")}: ORT vs TorchSharp {e:E2}, vs the plain-torch fixture {eFix:E2}, |mean| max {scale:F3}");
        // fp32: summation order only (as the decoder's 1e-4); fp16: 2^-11 rounding per op over ~20 layers, relative.
        double tolerance = fp16 ? 2e-2 * scale : 1e-4;
        Assert.That(e, Is.LessThanOrEqualTo(tolerance));
        Assert.That(eFix, Is.LessThanOrEqualTo(tolerance));
    }

    [Test]
    public void StableDiffusionEncoderMatchesTorchSharp()
    {
        using var vae = VaeFixture.RandomModel(VaeConfig.StableDiffusion, seed: 3);
        using var gen = new TorchSharp.torch.Generator(11);
        using var image = rand(new long[] { 1, 3, 32, 32 }, generator: gen) * 2 - 1;
        var ort = Run(VaeEncoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 4 }).ToBytes(), image);
        var reference = Mean(vae, image);
        double e = MaxAbs(ort, reference), scale = MaxAbs(reference);
        TestContext.Out.WriteLine($"SD encoder, 32x32 image: max abs error {e:E2}, |mean| max {scale:F3}");
        Assert.That(e, Is.LessThanOrEqualTo(1e-4 * Math.Max(1, scale)));
    }

    [Test]
    public void GraphKeepsTheDirectMLRulesAndIsMarkedAsAnEncoder()
    {
        using var vae = VaeFixture.RandomModel(VaeFixture.TinyConfig);
        var m = ModelProto.Parser.ParseFrom(VaeEncoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 4 }).ToBytes());
        Assert.That(m.OpsetImport.Select(o => (o.Domain, o.Version)), Is.EqualTo(new[] { ("", 17L) }));
        Assert.That(m.Graph.Node.Select(n => n.Domain), Is.All.Empty);
        var ops = m.Graph.Node.Select(n => n.OpType).ToHashSet();
        Assert.That(ops, Is.SubsetOf(new[] { "Conv", "Add", "Sub", "Mul", "Div", "Sqrt", "Sigmoid", "ReduceMean", "Reshape", "Transpose", "MatMul", "Softmax", "Cast", "Slice", "Identity" }));
        int maxRank = m.Graph.ValueInfo.Concat(m.Graph.Input).Concat(m.Graph.Output).Max(v => v.Type.TensorType.Shape.Dim.Count);
        Assert.That(maxRank, Is.LessThanOrEqualTo(4));
        // The downsampling convolutions pad bottom and right only, as the trained Downsample does.
        Assert.That(m.Graph.Node.Where(n => n.OpType == "Conv" && n.Attribute.Single(a => a.Name == "strides").Ints[0] == 2)
            .Select(n => n.Attribute.Single(a => a.Name == "pads").Ints.ToArray()), Is.All.EqualTo(new long[] { 0, 0, 1, 1 }));
        Assert.That(m.MetadataProps.Single(p => p.Key == "ditplugin.role").Value, Is.EqualTo(GraphRoles.VaeEncoder));
        Assert.Throws<ArgumentException>(() => VaeEncoderOnnxExporter.Build(vae, new VaeExportOptions { CircularPadding = true }));
    }
}
