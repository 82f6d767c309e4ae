using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Vae;

/// <summary>The bottleneck of encoder and decoder: resnets.0, attentions.0, resnets.1, all at the same channel count.</summary>
public sealed class MidBlock : Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock> resnets;
    private readonly ModuleList<MidBlockAttention> attentions;

    public MidBlock(int channels, VaeConfig config) : base(nameof(MidBlock))
    {
        resnets = new ModuleList<ResnetBlock>(new ResnetBlock(channels, channels, config), new ResnetBlock(channels, channels, config));
        attentions = new ModuleList<MidBlockAttention>(new MidBlockAttention(channels, config));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = resnets[0].forward(x);
        h = attentions[0].forward(h);
        return resnets[1].forward(h).MoveToOuterDisposeScope();
    }
}
