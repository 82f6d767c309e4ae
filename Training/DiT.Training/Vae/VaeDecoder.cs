using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Vae;

/// <summary>
/// Latent (B, latent, h, w) (after post_quant_conv) → image (B, out, h·f, w·f): conv_in, mid_block, up_blocks with
/// the encoder's channels reversed, conv_norm_out + SiLU, conv_out. Not clamped.
/// </summary>
public sealed class VaeDecoder : Module<Tensor, Tensor>
{
    private readonly Conv2d conv_in;
    private readonly MidBlock mid_block;
    private readonly ModuleList<UpBlock> up_blocks;
    private readonly GroupNorm conv_norm_out;
    private readonly Conv2d conv_out;

    public VaeDecoder(VaeConfig config) : base(nameof(VaeDecoder))
    {
        var rev = config.BlockOutChannels.Reverse().ToArray();
        int n = rev.Length;
        conv_in = Conv2d(config.LatentChannels, rev[0], kernel_size: 3, stride: 1, padding: 1, bias: true);
        mid_block = new MidBlock(rev[0], config);
        up_blocks = new ModuleList<UpBlock>(Enumerable.Range(0, n)
            .Select(i => new UpBlock(i == 0 ? rev[0] : rev[i - 1], rev[i], config.LayersPerBlock + 1, upsample: i < n - 1, config)).ToArray());
        conv_norm_out = VaeLayers.GroupNorm(rev[n - 1], config);
        conv_out = Conv2d(rev[n - 1], config.OutChannels, kernel_size: 3, stride: 1, padding: 1, bias: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var h = conv_in.forward(z);
        h = mid_block.forward(h);
        foreach (var b in up_blocks) h = b.forward(h);
        h = functional.silu(conv_norm_out.forward(h));
        return conv_out.forward(h).MoveToOuterDisposeScope();
    }
}
