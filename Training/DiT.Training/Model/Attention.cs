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
        var o = Attend(qkvh[0], qkvh[1], qkvh[2]);
        return proj.forward(o.transpose(1, 2).reshape(b, n, d)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// softmax(q kᵀ / sqrt(d_h)) v. Scaled-dot-product attention, except bf16 on the CPU: there libtorch's fused kernel
    /// measured 1.6x slower than the two products and a softmax (DiT-S/2 heads at 256 tokens, batch 8: forward and
    /// backward 28 ms against 18 ms; forward alone 7.6 ms against 4.0 ms), while in fp32 it is the faster one (20.5
    /// against 24 ms). The softmax accumulates in fp32 inside either kernel.
    /// </summary>
    public static Tensor Attend(Tensor q, Tensor k, Tensor v)
    {
        if (q.dtype != ScalarType.BFloat16 || q.device_type != TorchSharp.DeviceType.CPU)
            return functional.scaled_dot_product_attention(q, k, v);
        // The scale goes on q (N x d_h) rather than on the scores (N x N): a quarter of the work at d_h = 64, where
        // 1/8 is exact in bf16 either way.
        using var qs = q * (1.0 / System.Math.Sqrt(q.shape[^1]));
        using var scores = matmul(qs, k.transpose(-2, -1));
        using var p = scores.softmax(-1);
        return matmul(p, v);
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
        var o = Attention.Attend(qh, kvh[0], kvh[1]);
        return proj.forward(o.transpose(1, 2).reshape(b, n, d)).MoveToOuterDisposeScope();
    }
}
