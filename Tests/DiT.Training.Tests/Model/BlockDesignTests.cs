using System;
using System.Linq;
using DiT.Training.Model;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Model;

/// <summary>
/// The block table is the single source of each design's counts and zero-init, so it is checked both against the
/// paper (Fig. 3 / Sec. 3.2) and against the modules it describes.
/// </summary>
public class BlockDesignTests
{
    private static readonly BlockType[] AllBlocks = Enum.GetValues<BlockType>();

    private static DiTConfig Small(BlockType block) => new()
    {
        Depth = 2, HiddenSize = 24, NumHeads = 3, PatchSize = 2, InputSize = 6, InChannels = 3, NumClasses = 5,
        MlpRatio = 2.5, Block = block,
    };

    [TestCase(BlockType.AdaLNZero, 6, 0, false, 0)]   // shift, scale, gate for attention and MLP
    [TestCase(BlockType.AdaLN, 4, 0, false, 0)]       // shift, scale only
    [TestCase(BlockType.CrossAttention, 0, 0, true, 3)]
    [TestCase(BlockType.InContext, 0, 2, false, 2)]   // t and y appended as tokens
    public void CountsAreThePapers(BlockType block, int chunks, int appended, bool crossAttends, int affineNorms)
    {
        var d = BlockDesign.For(block);
        Assert.That(d.Block, Is.EqualTo(block));
        Assert.That(d.ModulationChunks, Is.EqualTo(chunks));
        Assert.That(d.AppendedTokens, Is.EqualTo(appended));
        Assert.That(d.CrossAttends, Is.EqualTo(crossAttends));
        Assert.That(d.AffineNormsPerBlock, Is.EqualTo(affineNorms));
        Assert.That(d.AdaptiveFinalLayer, Is.EqualTo(chunks > 0));
        // The token form [t_emb, y_emb] is for the designs without modulation: cross-attention's keys, in-context's tokens.
        Assert.That(d.ReadsConditionTokens, Is.EqualTo(chunks == 0));
    }

    [Test]
    public void EveryDesignHasExactlyOneRow()
    {
        Assert.That(BlockDesign.All.Select(d => d.Block), Is.EqualTo(AllBlocks));
        Assert.Throws<ArgumentOutOfRangeException>(() => BlockDesign.For((BlockType)99));
    }

    [Test]
    public void ZeroInitListIsWhatTheCodeDid()
    {
        // adaLN-Zero zeroes its block and final modulations; every design zeroes the final linear; nothing else.
        Assert.That(BlockDesign.For(BlockType.AdaLNZero).ZeroInit,
            Is.EquivalentTo(new[] { "blocks.*.adaLN_modulation.1", "final_layer.adaLN_modulation.1", "final_layer.linear" }));
        foreach (var b in AllBlocks.Where(b => b != BlockType.AdaLNZero))
            Assert.That(BlockDesign.For(b).ZeroInit, Is.EqualTo(new[] { "final_layer.linear" }), b.ToString());
    }

    [Test]
    public void ZeroInitPatternsMatchParameterNames()
    {
        var d = BlockDesign.For(BlockType.AdaLNZero);
        Assert.That(d.IsZeroInit("blocks.12.adaLN_modulation.1.weight"), Is.True);
        Assert.That(d.IsZeroInit("blocks.0.adaLN_modulation.1.bias"), Is.True);
        Assert.That(d.IsZeroInit("final_layer.linear.bias"), Is.True);
        Assert.That(d.IsZeroInit("blocks.x.adaLN_modulation.1.weight"), Is.False);
        Assert.That(d.IsZeroInit("blocks.0.adaLN_modulation.1.extra.weight"), Is.False);
        Assert.That(d.IsZeroInit("blocks.0.attn.qkv.weight"), Is.False);
        Assert.That(d.IsZeroInit("pos_embed"), Is.False);
    }

    [Test]
    public void ExactlyTheListedModulesStartAtZero([ValueSource(nameof(AllBlocks))] BlockType block)
    {
        using var model = new DiTModel(Small(block));
        var design = BlockDesign.For(block);
        var zeroed = model.named_parameters().Where(p => p.parameter.abs().max().item<float>() == 0f)
            .Select(p => p.name).ToList();
        var listed = model.named_parameters().Select(p => p.name).Where(design.IsZeroInit).ToList();
        // Every pattern names something real (a typo would silently skip the zeroing).
        foreach (var pattern in design.ZeroInit)
            Assert.That(listed.Count((design with { ZeroInit = new[] { pattern } }).IsZeroInit), Is.GreaterThan(0), pattern);
        // Biases other than the listed ones are zero too (xavier init zeroes Linear biases), so compare weights only.
        Assert.That(zeroed.Where(n => !n.EndsWith(".bias", StringComparison.Ordinal)),
            Is.EquivalentTo(listed.Where(n => !n.EndsWith(".bias", StringComparison.Ordinal))));
        Assert.That(listed.Where(n => n.EndsWith(".bias", StringComparison.Ordinal)), Is.SubsetOf(zeroed));
    }

    [Test]
    public void TableParamCountIsTheModelsRealCount([ValueSource(nameof(AllBlocks))] BlockType block, [Values] bool learnSigma)
    {
        var cfg = Small(block) with { LearnSigma = learnSigma };
        using var model = new DiTModel(cfg);
        long real = model.parameters().Sum(p => p.numel());
        Assert.That(ParamCount.Trainable(cfg), Is.EqualTo(real));
        Assert.That(DiTShapes.Expected(cfg).Where(kv => kv.Key != "pos_embed").Sum(kv => kv.Value.Aggregate(1L, (a, b) => a * b)),
            Is.EqualTo(real));
    }

    [Test]
    public void TableCountsAreTheModulesShapes([ValueSource(nameof(AllBlocks))] BlockType block)
    {
        var cfg = Small(block);
        var design = BlockDesign.For(block);
        using var model = new DiTModel(cfg);
        var sd = model.state_dict();
        long d = cfg.HiddenSize;
        Assert.That(sd.TryGetValue("blocks.0.adaLN_modulation.1.weight", out var mod) ? mod.shape[0] : 0L,
            Is.EqualTo(design.ModulationChunks * d));
        Assert.That(sd.Keys.Any(k => k.StartsWith("blocks.0.cross_attn.", StringComparison.Ordinal)), Is.EqualTo(design.CrossAttends));
        Assert.That(sd.Keys.Count(k => k.StartsWith("blocks.0.norm", StringComparison.Ordinal) && k.EndsWith(".weight", StringComparison.Ordinal)),
            Is.EqualTo(design.AffineNormsPerBlock));
        Assert.That(sd.ContainsKey("final_layer.adaLN_modulation.1.weight"), Is.EqualTo(design.AdaptiveFinalLayer));
        Assert.That(model.Design, Is.SameAs(design));
    }

    [Test]
    public void InContextBlocksSeeTheAppendedTokens()
    {
        // The Gflops counter charges attention on N + appended tokens: T² terms grow by exactly that.
        var cfg = Small(BlockType.InContext);
        long n = cfg.NumPatches, t = n + BlockDesign.For(BlockType.InContext).AppendedTokens;
        var qk = Gflops.Count(cfg).Terms.Single(x => x.Component == "blocks.attn QK^T").Macs;
        Assert.That(qk, Is.EqualTo(cfg.Depth * t * t * cfg.HiddenSize));
    }
}
