using System.Linq;
using DiT.Training.Model;
using NUnit.Framework;

namespace DiT.Training.Tests.Model;

public class ParamCountTests
{
    [Test]
    public void XL2MatchesHandDerivation()
    {
        var r = ParamCount.Count(DiTConfig.FromName("DiT-XL/2"));
        long Term(string name) => r.Terms.Single(t => t.Component == name).Count;
        const long d = 1152;
        Assert.That(Term("x_embedder.proj"), Is.EqualTo(2 * 2 * 4 * d + d));
        Assert.That(Term("t_embedder.mlp"), Is.EqualTo(256 * d + d + d * d + d));
        Assert.That(Term("y_embedder.embedding_table"), Is.EqualTo(1001 * d));
        Assert.That(Term("blocks"), Is.EqualTo(28 * (18 * d * d + 15 * d)));
        Assert.That(Term("final_layer.adaLN_modulation"), Is.EqualTo(2 * d * d + 2 * d));
        Assert.That(Term("final_layer.linear"), Is.EqualTo(d * 32 + 32));
        Assert.That(r.Trainable, Is.EqualTo(674_834_720L));
        Assert.That(r.PosEmbed, Is.EqualTo(256 * d));
        Assert.That(r.IncludingPosEmbed, Is.EqualTo(675_129_632L));
        Assert.That(ParamCount.Trainable(DiTConfig.FromName("DiT-XL/2")), Is.EqualTo(r.Trainable));
    }

    [TestCase("DiT-S/2", 33.0)]
    [TestCase("DiT-B/2", 130.0)]
    [TestCase("DiT-L/2", 458.0)]
    [TestCase("DiT-XL/2", 675.0)]
    public void ModelSizesAreThePapersMillions(string name, double millions)
    {
        Assert.That(ParamCount.Count(DiTConfig.FromName(name)).IncludingPosEmbed / 1e6, Is.EqualTo(millions).Within(1).Percent);
    }

    [Test]
    public void NoLabelDropoutDropsTheNullClassRow()
    {
        var c = DiTConfig.FromName("DiT-S/2");
        Assert.That(ParamCount.Trainable(c) - ParamCount.Trainable(c with { ClassDropoutProb = 0 }), Is.EqualTo(384));
    }

    [Test]
    public void LearnSigmaDoublesFinalOutputs()
    {
        var c = DiTConfig.FromName("DiT-B/4");
        // Final linear D x (p^2 * 8) + bias vs D x (p^2 * 4) + bias.
        Assert.That(ParamCount.Trainable(c) - ParamCount.Trainable(c with { LearnSigma = false }), Is.EqualTo(768 * 64 + 64));
    }

    [Test]
    public void BlockDesignsChangeOnlyPerBlockTerms()
    {
        var z = DiTConfig.FromName("DiT-S/2");
        long d = 384, depth = 12, baseline = ParamCount.Trainable(z);
        Assert.That(baseline - ParamCount.Trainable(z with { Block = BlockType.AdaLN }), Is.EqualTo(depth * (2 * d * d + 2 * d)));
        // In-context: no per-block adaLN (6D^2+6D) but two affine LayerNorms (2 x 2D) per block; its final layer
        // trades adaLN_modulation (2D^2+2D) for an affine LayerNorm (2D).
        Assert.That(baseline - ParamCount.Trainable(z with { Block = BlockType.InContext }),
            Is.EqualTo(depth * (6 * d * d + 6 * d - 4 * d) + (2 * d * d + 2 * d - 2 * d)));
        // Cross-attention adds q, k, v, out projections and a third affine LayerNorm per block.
        Assert.That(ParamCount.Trainable(z with { Block = BlockType.CrossAttention }) - ParamCount.Trainable(z with { Block = BlockType.InContext }),
            Is.EqualTo(depth * (4 * (d * d + d) + 2 * d)));
        Assert.That(ParamCount.Format(ParamCount.Count(z)), Does.Contain("trainable"));
    }
}
