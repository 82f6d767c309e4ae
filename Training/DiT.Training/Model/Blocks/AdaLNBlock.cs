using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Model.Blocks;

/// <summary>
/// The paper's adaLN and adaLN-Zero blocks: each LayerNorm (no affine, eps 1e-6) is modulated by a shift and scale
/// regressed from the condition vector c. adaLN-Zero also regresses a gate α that scales each residual branch;
/// zero-initialising the regression (as BlockDesign lists) makes every gate 0 and the block the identity. Plain adaLN
/// adds its branches ungated and keeps the default initialisation.
/// </summary>
public sealed class AdaLNBlock : DiTBlockBase
{
    private readonly LayerNorm norm1;
    private readonly Attention attn;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;
    private readonly Sequential adaLN_modulation;

    // Per branch (attention, then MLP): shift, scale and, in adaLN-Zero, the gate. 2 x 3 = 6 or 2 x 2 = 4 chunks,
    // the count the table gives the counters.
    private readonly bool gated;
    private readonly int perBranch;

    public AdaLNBlock(int dim, int heads, int mlpHidden, BlockDesign design) : base(nameof(AdaLNBlock))
    {
        gated = design.GatedResiduals;
        perBranch = design.ModulationChunks / 2;
        norm1 = LayerNorm(dim, eps: 1e-6, elementwise_affine: false);
        attn = new Attention(dim, heads);
        norm2 = LayerNorm(dim, eps: 1e-6, elementwise_affine: false);
        mlp = new Mlp(dim, mlpHidden);
        adaLN_modulation = Sequential(("0", SiLU()), ("1", Linear(dim, design.ModulationChunks * dim)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Conditioning cond)
    {
        using var scope = NewDisposeScope();
        var m = adaLN_modulation.forward(cond.Vector).chunk(2 * perBranch, dim: 1);
        x = Branch(x, m, 0, norm1, attn.forward);
        x = Branch(x, m, perBranch, norm2, mlp.forward);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>x + [α ·] f(modulate(norm(x), shift, scale)), with shift, scale (, α) the chunks from <paramref name="at"/>.</summary>
    private Tensor Branch(Tensor x, Tensor[] m, int at, LayerNorm norm, System.Func<Tensor, Tensor> f)
    {
        var y = f(Modulation.Modulate(norm.forward(x), m[at], m[at + 1]));
        return gated ? Modulation.GatedResidual(x, m[at + 2], y) : x + y;
    }
}
