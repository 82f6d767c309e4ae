using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiTPlugin.Training.Model.Blocks;

/// <summary>
/// The paper's plain adaLN block: shift/scale of both LayerNorms regressed from the condition vector c, residuals ungated.
/// Its regression keeps the default (xavier) initialisation: only adaLN-Zero starts as the identity.
/// </summary>
public sealed class AdaLNBlock : DiTBlockBase
{
    private readonly LayerNorm norm1;
    private readonly Attention attn;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly Sequential adaLN_modulation;

    // 4: the forward below unpacks shift/scale for attention and MLP; the table is what the counters read.
    private static readonly int Chunks = BlockDesign.For(BlockType.AdaLN).ModulationChunks;

    public AdaLNBlock(int dim, int heads, int mlpHidden) : base(nameof(AdaLNBlock))
    {
        norm1 = LayerNorm(dim, eps: 1e-6, elementwise_affine: false);
        attn = new Attention(dim, heads);
        norm2 = LayerNorm(dim, eps: 1e-6, elementwise_affine: false);
        mlp = new Mlp(dim, mlpHidden);
        adaLN_modulation = Sequential(("0", SiLU()), ("1", Linear(dim, Chunks * dim)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Conditioning cond)
    {
        using var scope = NewDisposeScope();
        var m = adaLN_modulation.forward(cond.Vector).chunk(Chunks, dim: 1);
        Tensor shiftMsa = m[0], scaleMsa = m[1], shiftMlp = m[2], scaleMlp = m[3];
        x = x + attn.forward(Modulation.Modulate(norm1.forward(x), shiftMsa, scaleMsa));
        x = x + mlp.forward(Modulation.Modulate(norm2.forward(x), shiftMlp, scaleMlp));
        return x.MoveToOuterDisposeScope();
    }
}
