using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiTPlugin.Training.Model.Blocks;

/// <summary>
/// The paper's plain adaLN block: shift/scale of both LayerNorms regressed from c, residuals ungated.
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

    public override Tensor forward(Tensor x, Tensor c, Tensor cond)
    {
        using var mod = adaLN_modulation.forward(c);
        var m = mod.chunk(Chunks, dim: 1);   // shift_msa, scale_msa, shift_mlp, scale_mlp
        try
        {
            using var n1 = norm1.forward(x);
            using var h1 = Modulation.Modulate(n1, m[0], m[1]);
            using var a = attn.forward(h1);
            using var x1 = x + a;
            using var n2 = norm2.forward(x1);
            using var h2 = Modulation.Modulate(n2, m[2], m[3]);
            using var f = mlp.forward(h2);
            return x1 + f;
        }
        finally { foreach (var t in m) t.Dispose(); }
    }
}
