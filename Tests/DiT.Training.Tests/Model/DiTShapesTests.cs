using System;
using System.Linq;
using DiT.Training.Model;
using NUnit.Framework;

namespace DiT.Training.Tests.Model;

/// <summary>
/// DiTShapes predicts a DiT's state_dict without building it (loaders check files against it before allocating), so
/// it must agree with the real modules exactly; and DiTConfig.Validate must bound every size a file can claim.
/// </summary>
public class DiTShapesTests
{
    private static readonly BlockType[] AllBlocks = Enum.GetValues<BlockType>();

    [Test]
    public void ExpectedShapesAreExactlyTheModelsStateDict(
        [ValueSource(nameof(AllBlocks))] BlockType block, [Values] bool learnSigma, [Values(0.0, 0.1)] double dropout)
    {
        var cfg = new DiTConfig
        {
            Depth = 2, HiddenSize = 24, NumHeads = 3, PatchSize = 2, InputSize = 6, InChannels = 3, NumClasses = 5,
            MlpRatio = 2.5, LearnSigma = learnSigma, ClassDropoutProb = dropout, Block = block,
        };
        using var model = new DiTModel(cfg);
        var actual = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        var expected = DiTShapes.Expected(cfg);
        Assert.That(expected.Keys.Order(), Is.EqualTo(actual.Keys.Order()));
        foreach (var (k, shape) in actual) Assert.That(expected[k], Is.EqualTo(shape), k);
        Assert.That(DiTShapes.Problems(cfg, actual), Is.Empty);
    }

    [Test]
    public void ProblemsNameMissingUnexpectedAndMisShapedKeys()
    {
        var cfg = new DiTConfig { Depth = 1, HiddenSize = 16, NumHeads = 2, PatchSize = 2, InputSize = 4, InChannels = 1, NumClasses = 3 };
        var shapes = DiTShapes.Expected(cfg);
        shapes.Remove("pos_embed");
        shapes["extra"] = new long[] { 1 };
        shapes["blocks.0.attn.qkv.weight"] = new long[] { 48, 17 };
        var problems = string.Join(" ", DiTShapes.Problems(cfg, shapes));
        Assert.That(problems, Does.Contain("missing [pos_embed]").And.Contain("unexpected [extra]")
            .And.Contain("blocks.0.attn.qkv.weight (48x17 vs model 48x16)"));
    }

    private static readonly DiTConfig Small = new() { Depth = 1, HiddenSize = 16, NumHeads = 2, PatchSize = 2, InputSize = 4, InChannels = 1, NumClasses = 3 };

    private static readonly object[] OutOfBounds =
    {
        new object[] { Small with { Depth = 513 }, "Depth must be in 1..512" },
        new object[] { Small with { Depth = 0 }, "Depth must be in 1..512" },
        new object[] { Small with { HiddenSize = 1 << 20, NumHeads = 16 }, "HiddenSize must be in 1..8192" },
        new object[] { Small with { InputSize = 2048 }, "InputSize must be at most 1024" },
        new object[] { Small with { InputSize = 1024, PatchSize = 2 }, "262144 tokens; at most 65536" },
        new object[] { Small with { InChannels = 257 }, "InChannels must be in 1..256" },
        new object[] { Small with { NumClasses = 100_001 }, "NumClasses must be in 1..100000" },
        new object[] { Small with { MlpRatio = double.NaN }, "MlpRatio must be in (0, 16]" },
        new object[] { Small with { MlpRatio = 1e308 }, "MlpRatio must be in (0, 16]" },
        new object[] { Small with { MlpRatio = 0.01 }, "HiddenSize * MlpRatio >= 1" },
        new object[] { Small with { ClassDropoutProb = double.NaN }, "ClassDropoutProb must be in [0, 1)" },
        new object[] { Small with { Block = (BlockType)99 }, "Block 99 is not a block design (valid: AdaLNZero, AdaLN, CrossAttention, InContext)" },
    };

    [TestCaseSource(nameof(OutOfBounds))]
    public void ValidateRefusesSizesBeyondTheBoundsNamingFieldAndRange(DiTConfig cfg, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => cfg.Validate())!;
        Assert.That(e.Message, Does.Contain(message));
    }

    [Test]
    public void ThePapersLargestConfigsAreWellInsideTheBounds()
    {
        foreach (var name in DiTConfig.Names)
            Assert.DoesNotThrow(() => DiTConfig.FromName(name, inputSize: 64).Validate(), name);
        Assert.DoesNotThrow(() => (Small with { Depth = 512, HiddenSize = 8192, NumHeads = 64, InputSize = 1024, PatchSize = 4, NumClasses = 100_000 }).Validate());
    }
}
