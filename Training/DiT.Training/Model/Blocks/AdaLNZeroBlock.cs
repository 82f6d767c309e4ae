using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiTPlugin.Training.Model.Blocks;

/// <summary>
/// The paper's adaLN-Zero block: LayerNorm (no affine, eps 1e-6) modulated by shift/scale regressed from the
/// condition vector c, and each residual branch scaled by a gate alpha regressed with them. Zero-initialising the
/// regression (DiT does it, as BlockDesign lists) makes the block the identity.
/// </summary>
public sealed class AdaLNZeroBlock : DiTBlockBase
{
    private readonly LayerNorm norm1;
    private readonly Attention attn;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly Sequential adaLN_modulation;

    // 6: the forward below unpacks shift/scale/gate for attention and MLP; the table is what the counters read.
    private static readonly int Chunks = BlockDesign.For(BlockType.AdaLNZero).ModulationChunks;

    public AdaLNZeroBlock(int dim, int heads, int mlpHidden) : base(nameof(AdaLNZeroBlock))
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
        Tensor shiftMsa = m[0], scaleMsa = m[1], gateMsa = m[2], shiftMlp = m[3], scaleMlp = m[4], gateMlp = m[5];
        x = Modulation.GatedResidual(x, gateMsa, attn.forward(Modulation.Modulate(norm1.forward(x), shiftMsa, scaleMsa)));
        x = Modulation.GatedResidual(x, gateMlp, mlp.forward(Modulation.Modulate(norm2.forward(x), shiftMlp, scaleMlp)));
        return x.MoveToOuterDisposeScope();
    }
}
