using System.Diagnostics;
using DiT.Training.Export;
using DiT.Training.Model;
using NUnit.Framework;
using static DiT.Training.Tests.Export.OnnxTestUtil;

namespace DiT.Training.Tests.Export;

/// <summary>A paper-sized config (slow: run explicitly) to see that errors do not grow with depth and width.</summary>
public class RealSizeExportTests
{
    [Test, Explicit("paper-sized model; seconds to minutes on CPU")]
    public void DiTS2LatentMatchesForwardWithCfg([Values] BlockType block)
    {
        var cfg = DiTConfig.FromName("DiT-S/2", inputSize: 32, inChannels: 4, numClasses: 1000) with { Block = block };
        using var model = RandomModel(cfg);
        var sw = Stopwatch.StartNew();
        var onnx = DiTOnnxExporter.ToBytes(DiTOnnxExporter.Build(model, new DiTExportOptions { Batch = 1, GuidedChannels = 3 }));
        var exportS = sw.Elapsed.TotalSeconds;
        using var session = Session(onnx);
        var inp = RandomInputs(cfg, 1);
        sw.Restart();
        var (eps, v) = RunOrt(session, inp, 4f);
        var ortS = sw.Elapsed.TotalSeconds;
        var (refEps, refV) = Reference(model, inp, 4.0, 3);
        TestContext.Out.WriteLine($"DiT-S/2 {block}: {onnx.Length / 1e6:F1} MB, export {exportS:F1} s, ORT run {ortS:F2} s, " +
                                  $"eps err {MaxAbs(eps, refEps):E2} (max {MaxAbs(refEps):F2}), v err {MaxAbs(v, refV):E2}");
        Assert.That(MaxAbs(eps, refEps), Is.LessThanOrEqualTo(1e-4));
        Assert.That(MaxAbs(v, refV), Is.LessThanOrEqualTo(1e-4));

        var onnx16 = DiTOnnxExporter.ToBytes(DiTOnnxExporter.Build(model, new DiTExportOptions { Batch = 1, GuidedChannels = 3, Fp16 = true }));
        using var session16 = Session(onnx16);
        var (eps16, v16) = RunOrt(session16, inp, 4f);
        double eRel = MaxAbs(eps16, refEps) / MaxAbs(refEps), vRel = MaxAbs(v16, refV) / MaxAbs(refV);
        TestContext.Out.WriteLine($"DiT-S/2 {block} fp16: {onnx16.Length / 1e6:F1} MB, eps rel err {eRel:E2}, v rel err {vRel:E2}");
        Assert.That(eRel, Is.LessThanOrEqualTo(OnnxParityTests.Fp16RelativeTolerance));
        Assert.That(vRel, Is.LessThanOrEqualTo(OnnxParityTests.Fp16RelativeTolerance));
    }
}
