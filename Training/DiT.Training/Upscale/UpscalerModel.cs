using System;
using System.Linq;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Upscale;

/// <summary>The upscaler's size: factor, feature channels, residual blocks.</summary>
public sealed record UpscalerConfig
{
    public int Factor { get; init; } = 4;
    public int Channels { get; init; } = 3;
    public int Features { get; init; } = 48;
    public int Blocks { get; init; } = 6;

    public UpscalerConfig Validate()
    {
        if (Factor is < 2 or > 8) throw new ArgumentOutOfRangeException(nameof(Factor), Factor, "The upscale factor must be in 2..8.");
        if (Channels is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "Channels must be in 1..4.");
        if (Features is < 4 or > 512 || Blocks is < 0 or > 64) throw new ArgumentOutOfRangeException(nameof(Features), "Features must be in 4..512 and blocks in 0..64.");
        return this;
    }
}

/// <summary>
/// A small seam-aware super-resolution network (ESPCN/EDSR-style): a 3x3 head, residual blocks of conv-ReLU-conv, and
/// a tail convolution to factor² · C channels rearranged by pixel shuffle into the factor-times larger image, added to
/// the nearest-neighbour enlargement of the input (so the network learns only the detail). Every convolution pads
/// <b>circularly</b>: the image is treated as a torus, so a texture that tiles upscales to one that tiles. Values in
/// [-1, 1] as everywhere else.
/// </summary>
public sealed class UpscalerModel : Module<Tensor, Tensor>
{
    private readonly Conv2d head;
    private readonly ModuleList<Sequential> body;
    private readonly Conv2d tail;
    public UpscalerConfig Config { get; }

    public UpscalerModel(UpscalerConfig config) : base(nameof(UpscalerModel))
    {
        Config = config.Validate();
        int f = config.Features;
        head = Wrap(config.Channels, f);
        body = new ModuleList<Sequential>(Enumerable.Range(0, config.Blocks).Select(_ => Sequential(("conv1", Wrap(f, f)), ("act", ReLU()), ("conv2", Wrap(f, f)))).ToArray());
        tail = Wrap(f, config.Channels * config.Factor * config.Factor);
        RegisterComponents();
        // The residual starts near zero, so training starts from the nearest-neighbour enlargement.
        using (no_grad()) { tail.weight!.mul_(0.1); tail.bias!.zero_(); }
    }

    private static Conv2d Wrap(int input, int output) =>
        Conv2d(input, output, kernel_size: 3, stride: 1, padding: 1, padding_mode: TorchSharp.PaddingModes.Circular, bias: true);

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = head.forward(x);
        var features = h;
        foreach (var block in body) h = h + block.forward(h);
        h = h + features;
        var detail = functional.pixel_shuffle(tail.forward(h), Config.Factor);
        var coarse = functional.interpolate(x, scale_factor: new[] { (double)Config.Factor, Config.Factor }, mode: InterpolationMode.Nearest);
        return (coarse + detail).MoveToOuterDisposeScope();
    }

    public long ParameterCount => parameters().Sum(p => p.numel());
}
