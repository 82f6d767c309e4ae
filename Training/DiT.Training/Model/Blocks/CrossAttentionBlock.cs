using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiTPlugin.Training.Model.Blocks;

/// <summary>
/// The paper's cross-attention block: a standard pre-norm ViT block with a multi-head cross-attention layer
/// after self-attention, attending to the condition tokens [t_emb, y_emb].
/// </summary>
public sealed class CrossAttentionBlock : DiTBlockBase
{
    private readonly LayerNorm norm1;
    private readonly Attention attn;
    private readonly LayerNorm norm2;
    private readonly CrossAttention cross_attn;
    private readonly LayerNorm norm3;
    private readonly Mlp mlp;

    public CrossAttentionBlock(int dim, int heads, int mlpHidden) : base(nameof(CrossAttentionBlock))
    {
        norm1 = LayerNorm(dim, eps: 1e-6);
        attn = new Attention(dim, heads);
        norm2 = LayerNorm(dim, eps: 1e-6);
        cross_attn = new CrossAttention(dim, heads);
        norm3 = LayerNorm(dim, eps: 1e-6);
        mlp = new Mlp(dim, mlpHidden);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Conditioning cond)
    {
        using var scope = NewDisposeScope();
        x = x + attn.forward(norm1.forward(x));
        x = x + cross_attn.forward(norm2.forward(x), cond.RequiredTokens);
        x = x + mlp.forward(norm3.forward(x));
        return x.MoveToOuterDisposeScope();
    }
}
