using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Vae;

/// <summary>
/// The VAE's residual block: GroupNorm, SiLU, 3x3 conv, GroupNorm, SiLU, 3x3 conv, added to the input (through a
/// 1x1 conv_shortcut when the channel count changes). No time embedding and no dropout at inference.
/// Keys: norm1, conv1, norm2, conv2, conv_shortcut.
/// </summary>
public sealed class ResnetBlock : Module<Tensor, Tensor>
{
    private readonly GroupNorm norm1;
    private readonly Conv2d conv1;
    private readonly GroupNorm norm2;
    private readonly Conv2d conv2;
    private readonly Conv2d? conv_shortcut;

    public ResnetBlock(int inChannels, int outChannels, VaeConfig config) : base(nameof(ResnetBlock))
    {
        norm1 = VaeLayers.GroupNorm(inChannels, config);
        conv1 = Conv2d(inChannels, outChannels, kernel_size: 3, stride: 1, padding: 1, bias: true);
        norm2 = VaeLayers.GroupNorm(outChannels, config);
        conv2 = Conv2d(outChannels, outChannels, kernel_size: 3, stride: 1, padding: 1, bias: true);
        if (inChannels != outChannels) conv_shortcut = Conv2d(inChannels, outChannels, kernel_size: 1, bias: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = conv1.forward(functional.silu(norm1.forward(x)));
        h = conv2.forward(functional.silu(norm2.forward(h)));
        var skip = conv_shortcut is null ? x : conv_shortcut.forward(x);
        return (skip + h).MoveToOuterDisposeScope();
    }
}
