using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Eval;

/// <summary>
/// Inception's unit: convolution without bias, BatchNorm (eps 0.001, the TF graph's), ReLU. Keys: <c>conv.weight</c>,
/// <c>bn.weight</c>, <c>bn.bias</c>, <c>bn.running_mean</c>, <c>bn.running_var</c>, <c>bn.num_batches_tracked</c>.
/// The BatchNorm always uses its running statistics (the network is a fixed feature extractor), whatever the
/// module's training flag says.
/// </summary>
public sealed class BasicConv2d : Module<Tensor, Tensor>
{
    public const double BatchNormEps = 1e-3;

    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;

    public BasicConv2d(long inChannels, long outChannels, (long H, long W) kernel, (long H, long W)? stride = null,
        (long H, long W)? padding = null) : base(nameof(BasicConv2d))
    {
        conv = Conv2d(inChannels, outChannels, kernel, stride ?? (1, 1), padding ?? (0, 0), bias: false);
        bn = BatchNorm2d(outChannels, eps: BatchNormEps);
        // TorchSharp 0.107 does not reliably initialise norm affines: set what PyTorch would (identity transform).
        using (no_grad())
        {
            init.ones_(bn.weight!);
            init.zeros_(bn.bias!);
            bn.running_mean!.zero_();
            bn.running_var!.fill_(1.0);
        }
        RegisterComponents();
    }

    public BasicConv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0)
        : this(inChannels, outChannels, (kernel, kernel), (stride, stride), (padding, padding)) { }

    public override Tensor forward(Tensor x)
    {
        using var y = conv.forward(x);
        using var n = functional.batch_norm(y, bn.running_mean!, bn.running_var!, bn.weight!, bn.bias!,
            training: false, eps: BatchNormEps);
        return functional.relu(n);
    }
}
