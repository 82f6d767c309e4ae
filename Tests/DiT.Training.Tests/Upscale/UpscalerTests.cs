using System;
using System.Collections.Generic;
using System.Linq;
using DiT.Training.Data;
using DiT.Training.Export.Onnx;
using DiT.Training.Upscale;
using Microsoft.ML.OnnxRuntime;
using NUnit.Framework;
using static TorchSharp.torch;
using static DiT.Training.Tests.Export.OnnxTestUtil;

namespace DiT.Training.Tests.Upscale;

/// <summary>
/// The seam-aware upscaler: circular padding makes it commute with wrap-around shifts (so tiling in means tiling out),
/// its ONNX graph computes what the module does, training goes past the nearest-neighbour start, and the
/// image-quality measures give known values.
/// </summary>
public class UpscalerTests
{
    private static UpscalerModel Random(int seed = 3)
    {
        manual_seed(seed);
        var model = new UpscalerModel(new UpscalerConfig { Features = 8, Blocks = 2 });
        using (no_grad())
            foreach (var p in model.parameters()) p.copy_(randn(p.shape) * 0.2f);
        model.eval();
        return model;
    }

    [Test]
    public void AWrapAroundShiftOfTheInputShiftsTheOutputByFactorTimesAsMuch()
    {
        using var model = Random();
        using var x = rand(1, 3, 12, 12) * 2 - 1;
        using var _ = no_grad();
        using var shifted = model.forward(x.roll(new long[] { 3, 5 }, new long[] { 2, 3 }));
        using var expected = model.forward(x).roll(new long[] { 12, 20 }, new long[] { 2, 3 });
        Assert.That((shifted - expected).abs().max().item<float>(), Is.LessThan(1e-5f), "circular padding: the upscaler sees the image as a torus");
        Assert.That(shifted.shape, Is.EqualTo(new long[] { 1, 3, 48, 48 }));
    }

    [Test]
    public void TheOnnxGraphComputesWhatTheModuleDoes()
    {
        using var model = Random();
        using var x = rand(1, 3, 8, 12) * 2 - 1;
        var onnx = UpscalerOnnxExporter.Build(model, 8, 12);
        using var session = Session(onnx);
        var data = x.contiguous().data<float>().ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(data, new long[] { 1, 3, 8, 12 });
        using var ro = new RunOptions();
        using var outs = session.Run(ro, new Dictionary<string, OrtValue> { [UpscalerOnnxExporter.InputName] = input }, new[] { UpscalerOnnxExporter.OutputName });
        var ort = outs[0].GetTensorDataAsSpan<float>().ToArray();
        float[] reference;
        using (no_grad())
        using (var y = model.forward(x).clamp(-1, 1)) reference = y.contiguous().data<float>().ToArray();
        Assert.That(MaxAbs(ort, reference), Is.LessThan(1e-5));
        var m = ModelProto.Parser.ParseFrom(onnx);
        Assert.That(m.OpsetImport.Single().Version, Is.EqualTo(17));
        Assert.That(m.Graph.Node.Select(n => n.Domain), Is.All.Empty);
        Assert.That(m.Graph.Node.Single(n => n.OpType == "DepthToSpace").Attribute.Single(a => a.Name == "mode").S.ToStringUtf8(), Is.EqualTo("CRD"));
    }

    /// <summary>Smooth images (sums of low-frequency waves): learnable detail the nearest-neighbour start lacks.</summary>
    private sealed class WavesDataset : IImageDataset
    {
        public int Count => 64;
        public int Channels => 3;
        public int Height => 32;
        public int Width => 32;
        public IReadOnlyList<string> ClassNames => new[] { "waves" };
        public Example Get(int index)
        {
            var v = new float[3 * 32 * 32];
            var rng = new System.Random(index);
            double fx = 1 + rng.Next(3), fy = 1 + rng.Next(3), phase = rng.NextDouble() * 6;
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 32; y++)
                    for (int x = 0; x < 32; x++)
                        v[(c * 32 + y) * 32 + x] = (float)(0.8 * Math.Sin(2 * Math.PI * (fx * x + fy * y) / 32 + phase + c));
            return new Example(v, 0);
        }
    }

    [Test]
    public void TrainingLearnsDetailTheNearestNeighbourStartLacks()
    {
        var data = new WavesDataset();
        using var model = UpscalerTrainer.Train(data, new UpscalerTrainOptions
        {
            Config = new UpscalerConfig { Features = 16, Blocks = 2 }, Steps = 150, BatchSize = 8, LearningRate = 2e-3, Seed = 1,
        });
        var s = UpscalerEvaluation.Evaluate(model, data, maxImages: 16);
        TestContext.Out.WriteLine($"waves: upscaler {s.Psnr:F2} dB / {s.Ssim:F3}, bicubic {s.BicubicPsnr:F2} / {s.BicubicSsim:F3}, nearest {s.NearestPsnr:F2} / {s.NearestSsim:F3}; " +
                                  $"wrap {s.WrapEdge:F2} vs inside {s.Inside:F2} (reference {s.ReferenceWrapEdge:F2} / {s.ReferenceInside:F2})");
        Assert.That(s.Psnr, Is.GreaterThan(s.NearestPsnr + 1), "trained past the nearest-neighbour enlargement it starts from");
        Assert.That(s.WrapEdge, Is.LessThan(2 * s.Inside + 1), "tiling waves stay tiling across the wrap edge");
    }

    [Test]
    public void QualityMeasuresGiveKnownValues()
    {
        var a = Enumerable.Range(0, 3 * 16 * 16).Select(i => (byte)(i * 7 % 256)).ToArray();
        Assert.That(ImageQuality.Psnr(a, a), Is.EqualTo(double.PositiveInfinity));
        Assert.That(ImageQuality.PsnrForMean(a, a), Is.EqualTo(58.92).Within(0.005), "capped at the PSNR of 8-bit rounding noise, 10·log10(255²·12)");
        var b = a.Select(v => (byte)(v ^ 1)).ToArray();   // every value off by exactly 1: MSE 1
        Assert.That(ImageQuality.Psnr(a, b), Is.EqualTo(20 * Math.Log10(255)).Within(1e-9));
        Assert.That(ImageQuality.PsnrForMean(a, b), Is.EqualTo(ImageQuality.Psnr(a, b)), "below the cap, unchanged");
        Assert.That(ImageQuality.Ssim(a, a, 3, 16, 16), Is.EqualTo(1.0).Within(1e-12));
        // Two constant images: SSIM is the luminance term alone, (2·μa·μb + C1) / (μa² + μb² + C1).
        var ca = Enumerable.Repeat((byte)100, 3 * 16 * 16).ToArray();
        var cb = Enumerable.Repeat((byte)150, 3 * 16 * 16).ToArray();
        double c1 = (0.01 * 255) * (0.01 * 255);
        Assert.That(ImageQuality.Ssim(ca, cb, 3, 16, 16), Is.EqualTo((2 * 100.0 * 150 + c1) / (100.0 * 100 + 150.0 * 150 + c1)).Within(1e-9));
        Assert.Throws<ArgumentException>(() => ImageQuality.Ssim(new byte[3 * 8 * 8], new byte[3 * 8 * 8], 3, 8, 8));
    }

    [Test]
    public void TheWeightsFileRoundTripsAndRefusesOtherFiles()
    {
        using var model = Random();
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"upscaler-{Guid.NewGuid():N}.safetensors");
        try
        {
            UpscalerFile.Save(path, model, "test");
            using var back = UpscalerFile.Load(path);
            Assert.That(back.Config, Is.EqualTo(model.Config));
            using var x = rand(1, 3, 6, 6);
            using var _ = no_grad();
            Assert.That((back.forward(x) - model.forward(x)).abs().max().item<float>(), Is.EqualTo(0f));
            DiT.Training.Formats.Safetensors.Save(path, new Dictionary<string, Tensor> { ["w"] = zeros(2) });
            Assert.That(Assert.Throws<System.IO.InvalidDataException>(() => UpscalerFile.Load(path))!.Message, Does.Contain("is not an upscaler file"));
        }
        finally { System.IO.File.Delete(path); }
    }
}
