using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiTPlugin.Training.Model;

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
        long b = x.shape[0], n = x.shape[1], d = x.shape[2];
        using var packed = qkv.forward(x).reshape(b, n, 3, heads, d / heads).permute(2, 0, 3, 1, 4);
        using var q = packed[0];
        using var k = packed[1];
        using var v = packed[2];
        using var o = functional.scaled_dot_product_attention(q, k, v);   // softmax(q k^T / sqrt(d_h)) v
        using var merged = o.transpose(1, 2).reshape(b, n, d);
        return proj.forward(merged);
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
        long b = x.shape[0], n = x.shape[1], d = x.shape[2], m = context.shape[1];
        using var qh = q.forward(x).reshape(b, n, heads, d / heads).transpose(1, 2);
        using var packed = kv.forward(context).reshape(b, m, 2, heads, d / heads).permute(2, 0, 3, 1, 4);
        using var k = packed[0];
        using var v = packed[1];
        using var o = functional.scaled_dot_product_attention(qh, k, v);
        using var merged = o.transpose(1, 2).reshape(b, n, d);
        return proj.forward(merged);
    }
}
