using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Vae;

/// <summary>
/// Image (B, in, H, W) → moments (B, 2·latent, H/f, W/f): conv_in, down_blocks, mid_block, conv_norm_out + SiLU,
/// conv_out. The moments are the posterior's mean and log-variance (before quant_conv).
/// </summary>
public sealed class VaeEncoder : Module<Tensor, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly ModuleList<DownBlock> down_blocks;
    private readonly MidBlock mid_block;
    private readonly GroupNorm conv_norm_out;
    private readonly Conv2d conv_out;

    public VaeEncoder(VaeConfig config) : base(nameof(VaeEncoder))
    {
        var ch = config.BlockOutChannels;
        int n = ch.Count;
        conv_in = Conv2d(config.InChannels, ch[0], kernel_size: 3, stride: 1, padding: 1, bias: true);
        down_blocks = new ModuleList<DownBlock>(Enumerable.Range(0, n)
            .Select(i => new DownBlock(i == 0 ? ch[0] : ch[i - 1], ch[i], config.LayersPerBlock, downsample: i < n - 1, config)).ToArray());
        mid_block = new MidBlock(ch[n - 1], config);
        conv_norm_out = VaeLayers.GroupNorm(ch[n - 1], config);
        conv_out = Conv2d(ch[n - 1], 2 * config.LatentChannels, kernel_size: 3, stride: 1, padding: 1, bias: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = conv_in.forward(x);
        foreach (var b in down_blocks) h = b.forward(h);
        h = mid_block.forward(h);
        h = functional.silu(conv_norm_out.forward(h));
        return conv_out.forward(h).MoveToOuterDisposeScope();
    }
}
