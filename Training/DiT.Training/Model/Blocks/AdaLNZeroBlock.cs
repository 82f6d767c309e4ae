using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiTPlugin.Training.Model.Blocks;

/// <summary>
/// The paper's adaLN-Zero block: LayerNorm (no affine, eps 1e-6) modulated by shift/scale regressed from c,
/// and each residual branch scaled by a gate alpha. Zero-initialising the regression (DiT does it, as BlockDesign lists) makes the block the identity.
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

    public override Tensor forward(Tensor x, Tensor c, Tensor cond)
    {
        using var mod = adaLN_modulation.forward(c);
        var m = mod.chunk(Chunks, dim: 1);   // shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp
        try
        {
            using var n1 = norm1.forward(x);
            using var h1 = Modulation.Modulate(n1, m[0], m[1]);
            using var a = attn.forward(h1);
            using var x1 = Modulation.GatedResidual(x, m[2], a);
            using var n2 = norm2.forward(x1);
            using var h2 = Modulation.Modulate(n2, m[3], m[4]);
            using var f = mlp.forward(h2);
            return Modulation.GatedResidual(x1, m[5], f);
        }
        finally { foreach (var t in m) t.Dispose(); }
    }
}
