using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Vae;

/// <summary>An encoder stage: resnets.{0..n-1}, then downsamplers.0 unless it is the last stage.</summary>
public sealed class DownBlock : Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock> resnets;
    private readonly ModuleList<Downsample>? downsamplers;

    public DownBlock(int inChannels, int outChannels, int layers, bool downsample, VaeConfig config) : base(nameof(DownBlock))
    {
        resnets = new ModuleList<ResnetBlock>(Enumerable.Range(0, layers)
            .Select(j => new ResnetBlock(j == 0 ? inChannels : outChannels, outChannels, config)).ToArray());
        if (downsample) downsamplers = new ModuleList<Downsample>(new Downsample(outChannels));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x;
        foreach (var r in resnets) h = r.forward(h);
        if (downsamplers is not null) h = downsamplers[0].forward(h);
        return h.MoveToOuterDisposeScope();
    }
}

/// <summary>A decoder stage: resnets.{0..n-1} (layers_per_block + 1 of them), then upsamplers.0 unless it is the last stage.</summary>
public sealed class UpBlock : Module<Tensor, Tensor>
{
    private readonly ModuleList<ResnetBlock> resnets;
    private readonly ModuleList<Upsample>? upsamplers;

    public UpBlock(int inChannels, int outChannels, int layers, bool upsample, VaeConfig config) : base(nameof(UpBlock))
    {
        resnets = new ModuleList<ResnetBlock>(Enumerable.Range(0, layers)
            .Select(j => new ResnetBlock(j == 0 ? inChannels : outChannels, outChannels, config)).ToArray());
        if (upsample) upsamplers = new ModuleList<Upsample>(new Upsample(outChannels));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x;
        foreach (var r in resnets) h = r.forward(h);
        if (upsamplers is not null) h = upsamplers[0].forward(h);
        return h.MoveToOuterDisposeScope();
    }
}
