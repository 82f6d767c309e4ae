using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Model;

/// <summary>Multi-head self-attention with a fused qkv projection (timm layout: attn.qkv, attn.proj).</summary>
public sealed class Attention : Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    private readonly int heads;

    public Attention(int dim, int numHeads) : base(nameof(Attention))
    {
        heads = numHeads;
        qkv = Linear(dim, dim * 3, hasBias: true);
        proj = Linear(dim, dim, hasBias: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], n = x.shape[1], d = x.shape[2];
        var qkvh = qkv.forward(x).reshape(b, n, 3, heads, d / heads).permute(2, 0, 3, 1, 4);   // (3, B, heads, N, D/heads)
        var o = functional.scaled_dot_product_attention(qkvh[0], qkvh[1], qkvh[2]);           // softmax(q k^T / sqrt(d_h)) v
        return proj.forward(o.transpose(1, 2).reshape(b, n, d)).MoveToOuterDisposeScope();
    }
}

/// <summary>Multi-head cross-attention: queries from the image tokens, keys/values from a condition sequence.</summary>
public sealed class CrossAttention : Module<Tensor, Tensor, Tensor>
{
    private readonly Linear q;
    private readonly Linear kv;
    private readonly Linear proj;
    private readonly int heads;

    public CrossAttention(int dim, int numHeads) : base(nameof(CrossAttention))
    {
        heads = numHeads;
        q = Linear(dim, dim, hasBias: true);
        kv = Linear(dim, dim * 2, hasBias: true);
        proj = Linear(dim, dim, hasBias: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor context)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], n = x.shape[1], d = x.shape[2], m = context.shape[1];
        var qh = q.forward(x).reshape(b, n, heads, d / heads).transpose(1, 2);                   // (B, heads, N, D/heads)
        var kvh = kv.forward(context).reshape(b, m, 2, heads, d / heads).permute(2, 0, 3, 1, 4); // (2, B, heads, M, D/heads)
        var o = functional.scaled_dot_product_attention(qh, kvh[0], kvh[1]);
        return proj.forward(o.transpose(1, 2).reshape(b, n, d)).MoveToOuterDisposeScope();
    }
}
