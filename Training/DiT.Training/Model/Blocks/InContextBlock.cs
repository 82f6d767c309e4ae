using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiTPlugin.Training.Model.Blocks;

/// <summary>
/// The paper's in-context conditioning block: an unmodified pre-norm ViT block. The condition reaches it only as
/// the two extra tokens [t_emb, y_emb] that DiT appends to the sequence, so it ignores the condition it is given.
/// </summary>
public sealed class InContextBlock : DiTBlockBase
{
    private readonly LayerNorm norm1;
    private readonly Attention attn;
    private readonly LayerNorm norm2;
    private readonly Mlp mlp;

    public InContextBlock(int dim, int heads, int mlpHidden) : base(nameof(InContextBlock))
    {
        norm1 = LayerNorm(dim, eps: 1e-6);
        attn = new Attention(dim, heads);
        norm2 = LayerNorm(dim, eps: 1e-6);
        mlp = new Mlp(dim, mlpHidden);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Conditioning cond)
    {
        using var scope = NewDisposeScope();
        x = x + attn.forward(norm1.forward(x));
        x = x + mlp.forward(norm2.forward(x));
        return x.MoveToOuterDisposeScope();
    }
}
