using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Contract.Package;
using DiT.Training.Export;
using DiT.Training.Export.Onnx;
using DiT.Training.Model;
using DiT.Training.Tests.Vae;
using DiT.Training.Vae;
using NUnit.Framework;
using static DiT.Training.Tests.Export.OnnxTestUtil;

namespace DiT.Training.Tests.Export.DirectML;

/// <summary>
/// Every graph the exporters write, checked node by node against the DirectML execution provider's recorded kernel
/// registrations (<see cref="DmlGraphCheck"/>): the DiT in fp32 and fp16 for all four block designs, with and without
/// learned sigma, with and without the guidance halves and with partial guidance; the VAE decoder in fp32 and fp16,
/// zero and circular padding, whole and tiled, for the tiny fixture config and the real SD config. Small sizes: what
/// DirectML cares about here is which ops, types, attributes and ranks appear, and those do not depend on the sizes.
/// </summary>
public class DmlExportCompatibilityTests
{
    private static readonly Lazy<DmlOperatorTable> Table = new(DmlOperatorTable.Load);

    public static IEnumerable<TestCaseData> DiTGraphs()
    {
        foreach (var block in Enum.GetValues<BlockType>())
            foreach (bool fp16 in new[] { false, true })
                foreach (bool learnSigma in new[] { false, true })
                    yield return new TestCaseData(block, fp16, learnSigma, 0.1, 3).SetArgDisplayNames(
                        $"{block}", fp16 ? "fp16" : "fp32", learnSigma ? "learned sigma" : "fixed sigma", "guided 3 of 4");
        // Without a null class the graph has no guidance halves; all channels guided takes the no-Concat path.
        foreach (bool fp16 in new[] { false, true })
            yield return new TestCaseData(BlockType.AdaLNZero, fp16, true, 0.0, 4).SetArgDisplayNames(
                "AdaLNZero", fp16 ? "fp16" : "fp32", "learned sigma", "no guidance");
        yield return new TestCaseData(BlockType.AdaLNZero, false, true, 0.1, 4).SetArgDisplayNames(
            "AdaLNZero", "fp32", "learned sigma", "all channels guided");
    }

    [TestCaseSource(nameof(DiTGraphs))]
    public void DiTGraphRunsOnDirectMLKernels(BlockType block, bool fp16, bool learnSigma, double dropout, int guided)
    {
        var cfg = Tiny(block, learnSigma: learnSigma, dropout: dropout);
        using var model = RandomModel(cfg);
        var graph = DiTOnnxExporter.Build(model, new DiTExportOptions { Batch = 2, Fp16 = fp16, GuidedChannels = guided });
        AssertDirectMLCompatible(graph);
    }

    public static IEnumerable<TestCaseData> DecoderGraphs()
    {
        foreach (bool sd in new[] { false, true })
            foreach (bool fp16 in new[] { false, true })
            {
                string config = sd ? "SD config" : "tiny config", precision = fp16 ? "fp16" : "fp32";
                yield return new TestCaseData(sd, fp16, false, 8).SetArgDisplayNames(config, precision, "zero padding", "whole latent 8");
                yield return new TestCaseData(sd, fp16, true, 8).SetArgDisplayNames(config, precision, "circular padding", "whole latent 8");
                yield return new TestCaseData(sd, fp16, false, 4).SetArgDisplayNames(config, precision, "zero padding", "tile 4");
            }
    }

    [TestCaseSource(nameof(DecoderGraphs))]
    public void DecoderGraphRunsOnDirectMLKernels(bool sdConfig, bool fp16, bool circular, int latentSize)
    {
        using var vae = VaeFixture.RandomModel(sdConfig ? VaeConfig.StableDiffusion : VaeFixture.TinyConfig);
        var export = VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions
        {
            Batch = 1, LatentSize = latentSize, Fp16 = fp16, CircularPadding = circular,
        });
        AssertDirectMLCompatible(export.Model);
    }

    [Test]
    public void ThePackageOpsetIsOneDirectMLSupports()
    {
        Assert.That(PackageFormat.Opset, Is.LessThanOrEqualTo(Table.Value.MaxOpset));
        Assert.That(GraphBuilder.Opset, Is.EqualTo(PackageFormat.Opset));
    }

    /// <summary>The operators the exporters emit are exactly the recorded subset: a new op in the exporter needs its registration recorded.</summary>
    [Test]
    public void TheRecordedSubsetIsWhatTheExportersUse()
    {
        var used = new SortedSet<string>(StringComparer.Ordinal);
        using (var dit = RandomModel(Tiny(BlockType.InContext)))
            foreach (var n in DiTOnnxExporter.Build(dit, new DiTExportOptions { GuidedChannels = 3, Fp16 = true }).Graph.Node) used.Add(n.OpType);
        using (var vae = VaeFixture.RandomModel(VaeFixture.TinyConfig))
            foreach (var n in VaeDecoderOnnxExporter.Build(vae, new VaeExportOptions { LatentSize = 4, CircularPadding = true }).Model.Graph.Node) used.Add(n.OpType);
        var recorded = new SortedSet<string>(Table.Value.Operators.Select(o => o.Op), StringComparer.Ordinal);
        TestContext.Out.WriteLine($"ops used: {string.Join(", ", used)}");
        Assert.That(used, Is.SubsetOf(recorded));
        Assert.That(recorded.Except(used), Is.Empty, "ops recorded but not emitted by any exporter; drop them from the file");
    }

    private static void AssertDirectMLCompatible(ModelProto model)
    {
        var computed = OrtComputedTensors.Compute(model);
        var problems = DmlGraphCheck.Problems(model, Table.Value, computed);
        int maxRank = computed.Values.Select(f => f.Rank).Concat(model.Graph.Initializer.Select(i => i.Dims.Count)).Max();
        var ops = model.Graph.Node.GroupBy(n => n.OpType).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}");
        TestContext.Out.WriteLine($"{model.Graph.Node.Count} nodes, {computed.Count} computed tensors, max rank {maxRank}: {string.Join(" ", ops)}");
        Assert.That(problems, Is.Empty, () => $"{problems.Count} node(s) DirectML would not take:\n" + string.Join("\n", problems.Take(40)));
    }
}
