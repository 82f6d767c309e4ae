using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Vae;

/// <summary>Halves the resolution: zero-pad one row at the bottom and one column at the right, then a 3x3 stride-2 conv (key: conv).</summary>
public sealed class Downsample : Module<Tensor, Tensor>
{
    private readonly Conv2d conv;

    public Downsample(int channels) : base(nameof(Downsample))
    {
        conv = Conv2d(channels, channels, kernel_size: 3, stride: 2, padding: 0L, bias: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var padded = functional.pad(x, new long[] { 0, 1, 0, 1 }, TorchSharp.PaddingModes.Constant, 0.0);   // (left, right, top, bottom)
        return conv.forward(padded);
    }
}

/// <summary>Doubles the resolution: nearest-neighbour 2x (each pixel repeated 2x2), then a 3x3 conv (key: conv).</summary>
public sealed class Upsample : Module<Tensor, Tensor>
{
    private readonly Conv2d conv;

    public Upsample(int channels) : base(nameof(Upsample))
    {
        conv = Conv2d(channels, channels, kernel_size: 3, stride: 1, padding: 1, bias: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var up = functional.interpolate(x, scale_factor: new[] { 2.0, 2.0 }, mode: InterpolationMode.Nearest);
        return conv.forward(up);
    }
}
