using System;
using System.Collections.Generic;
using DiT.Training.Export;
using DiT.Training.Model;
using NUnit.Framework;
using static DiT.Training.Tests.Export.OnnxTestUtil;

namespace DiT.Training.Tests.Export;

/// <summary>ONNX Runtime on the exported graph against TorchSharp's DiTModel.ForwardWithCfg.</summary>
public class OnnxParityTests
{
    public const double Fp32Tolerance = 1e-4;
    /// <summary>fp16 graphs: max abs error relative to the output's max magnitude (fp16 has ~3 decimal digits).</summary>
    public const double Fp16RelativeTolerance = 1e-2;   // measured: <= 3.1e-3 on the tiny configs

    private static readonly BlockType[] AllBlocks = Enum.GetValues<BlockType>();

    /// <summary>(name, config maker, batch, guided channels).</summary>
    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (var block in AllBlocks)
        {
            yield return new TestCaseData(Tiny(block, patch: 2, size: 8, channels: 4, learnSigma: true), 1, 3)
                .SetName($"{block}_p2_C4_sigma_guided3");
            yield return new TestCaseData(Tiny(block, patch: 4, size: 8, channels: 1, learnSigma: false), 2, null)
                .SetName($"{block}_p4_C1_nosigma_b2");
            yield return new TestCaseData(Tiny(block, patch: 2, size: 4, channels: 3, learnSigma: true), 2, null)
                .SetName($"{block}_p2_S4_C3_sigma_b2");
        }
        yield return new TestCaseData(Tiny(BlockType.AdaLNZero, dropout: 0), 1, null).SetName("AdaLNZero_no_null_class");
    }

    [TestCaseSource(nameof(Cases))]
    public void Fp32GraphMatchesForwardWithCfg(DiTConfig cfg, int batch, int? guided)
    {
        using var model = RandomModel(cfg);
        var onnx = DiTOnnxExporter.ToBytes(DiTOnnxExporter.Build(model, new DiTExportOptions { Batch = batch, GuidedChannels = guided }));
        using var session = Session(onnx);
        var inp = RandomInputs(cfg, batch);
        foreach (var scale in new[] { 1.0f, 4.0f })
        {
            var (eps, v) = RunOrt(session, inp, scale);
            var (refEps, refV) = Reference(model, inp, scale, guided);
            double eErr = MaxAbs(eps, refEps), vErr = MaxAbs(v, refV);
            TestContext.Out.WriteLine($"scale {scale}: eps max|err| {eErr:E2} (max|eps| {MaxAbs(refEps):F3}), v max|err| {vErr:E2}");
            Assert.That(eErr, Is.LessThanOrEqualTo(Fp32Tolerance), $"eps at cfg scale {scale}");
            Assert.That(vErr, Is.LessThanOrEqualTo(Fp32Tolerance), $"v at cfg scale {scale}");
            Assert.That(MaxAbs(refEps), Is.GreaterThan(1e-2), "the reference must not be trivially zero");
            if (cfg.LearnSigma) Assert.That(MaxAbs(refV), Is.GreaterThan(1e-2));
            else Assert.That(MaxAbs(v), Is.EqualTo(0), "v is zeros without learned sigma");
        }
    }

    [TestCase(BlockType.AdaLNZero)]
    [TestCase(BlockType.AdaLN)]
    [TestCase(BlockType.CrossAttention)]
    [TestCase(BlockType.InContext)]
    public void Fp16GraphIsCloseToForwardWithCfg(BlockType block)
    {
        var cfg = Tiny(block);
        using var model = RandomModel(cfg);
        var onnx = DiTOnnxExporter.ToBytes(DiTOnnxExporter.Build(model, new DiTExportOptions { Batch = 1, GuidedChannels = 3, Fp16 = true }));
        using var session = Session(onnx);
        var inp = RandomInputs(cfg, 1);
        foreach (var scale in new[] { 1.0f, 4.0f })
        {
            var (eps, v) = RunOrt(session, inp, scale);
            var (refEps, refV) = Reference(model, inp, scale, 3);
            double eRel = MaxAbs(eps, refEps) / MaxAbs(refEps), vRel = MaxAbs(v, refV) / MaxAbs(refV);
            TestContext.Out.WriteLine($"fp16 scale {scale}: eps rel err {eRel:E2} (abs {MaxAbs(eps, refEps):E2}), v rel err {vRel:E2}");
            Assert.That(eRel, Is.LessThanOrEqualTo(Fp16RelativeTolerance));
            Assert.That(vRel, Is.LessThanOrEqualTo(Fp16RelativeTolerance));
        }
    }
}
