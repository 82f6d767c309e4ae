using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Model.Blocks;

/// <summary>
/// The paper's token-conditioned blocks: a standard pre-norm ViT block (LayerNorms with affine, eps 1e-6). The
/// in-context design uses it unchanged, since the condition reaches it only as the two tokens [t_emb, y_emb] that
/// DiT appends to the sequence. The cross-attention design adds a multi-head cross-attention layer after
/// self-attention, attending to those two tokens.
/// </summary>
public sealed class PreNormBlock : DiTBlockBase
{
    private readonly LayerNorm norm1;
    private readonly Attention attn;
    private readonly LayerNorm? crossNorm;
    private readonly CrossAttention? cross_attn;
    private readonly LayerNorm mlpNorm;
    private readonly Mlp mlp;
    private bool registered;

    public PreNormBlock(int dim, int heads, int mlpHidden, BlockDesign design) : base(nameof(PreNormBlock))
    {
        norm1 = LayerNorm(dim, eps: 1e-6);
        attn = new Attention(dim, heads);
        if (design.CrossAttends)
        {
            crossNorm = LayerNorm(dim, eps: 1e-6);
            cross_attn = new CrossAttention(dim, heads);
        }
        mlpNorm = LayerNorm(dim, eps: 1e-6);
        mlp = new Mlp(dim, mlpHidden);
        RegisterComponents();
    }

    /// <summary>
    /// Registered by hand, not by field name, so the state_dict keys number the norms as forward meets them: norm1,
    /// norm2 (cross-attention's), norm3 (the MLP's); without cross-attention the MLP's norm is norm2. TorchSharp may
    /// call this again (a parent registering its children), hence the guard.
    /// </summary>
    protected override void RegisterComponents()
    {
        if (registered) return;
        registered = true;
        register_module("norm1", norm1);
        register_module("attn", attn);
        if (cross_attn is not null)
        {
            register_module("norm2", crossNorm!);
            register_module("cross_attn", cross_attn);
        }
        register_module(cross_attn is null ? "norm2" : "norm3", mlpNorm);
        register_module("mlp", mlp);
    }

    public override Tensor forward(Tensor x, Conditioning cond)
    {
        using var scope = NewDisposeScope();
        x = x + attn.forward(norm1.forward(x));
        if (cross_attn is not null) x = x + cross_attn.forward(crossNorm!.forward(x), cond.RequiredTokens);
        x = x + mlp.forward(mlpNorm.forward(x));
        return x.MoveToOuterDisposeScope();
    }
}
