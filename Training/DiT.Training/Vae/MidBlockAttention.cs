using System;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Vae;

/// <summary>
/// Single-head self-attention over the H*W positions of a feature map (head dim = channels), with a GroupNorm in
/// front and the input added back. Keys: group_norm, to_q, to_k, to_v, to_out.0 (Linear layers; older files name
/// them query, key, value, proj_attn, which <see cref="VaeStateDict"/> renames).
/// </summary>
public sealed class MidBlockAttention : Module<Tensor, Tensor>
{
    private readonly GroupNorm group_norm;
    private readonly Linear to_q;
    private readonly Linear to_k;
    private readonly Linear to_v;
    private readonly ModuleList<Linear> to_out;     // diffusers keeps a (Linear, Dropout) list; only index 0 has weights

    public MidBlockAttention(int channels, VaeConfig config) : base(nameof(MidBlockAttention))
    {
        group_norm = VaeLayers.GroupNorm(channels, config);
        to_q = Linear(channels, channels, hasBias: true);
        to_k = Linear(channels, channels, hasBias: true);
        to_v = Linear(channels, channels, hasBias: true);
        to_out = new ModuleList<Linear>(Linear(channels, channels, hasBias: true));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        var tokens = group_norm.forward(x).reshape(b, c, h * w).transpose(1, 2);     // (B, HW, C)
        var q = to_q.forward(tokens).unsqueeze(1);                                    // (B, 1, HW, C): one head
        var k = to_k.forward(tokens).unsqueeze(1);
        var v = to_v.forward(tokens).unsqueeze(1);
        var o = functional.scaled_dot_product_attention(q, k, v).squeeze(1);          // softmax(q k^T / sqrt(C)) v
        var outp = to_out[0].forward(o).transpose(1, 2).reshape(b, c, h, w);
        return (outp + x).MoveToOuterDisposeScope();
    }
}
