using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Model;

/// <summary>Patchify: a conv with kernel = stride = p turns (B,C,H,W) into (B, (H/p)(W/p), D) tokens.</summary>
public sealed class PatchEmbed : Module<Tensor, Tensor>
{
    private readonly Conv2d proj;

    public PatchEmbed(int patchSize, int inChannels, int hiddenSize) : base(nameof(PatchEmbed))
    {
        proj = Conv2d(inChannels, hiddenSize, kernel_size: patchSize, stride: patchSize, bias: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // (B, D, H/p, W/p) -> (B, D, T) -> (B, T, D), tokens in row-major order
        return proj.forward(x).flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }

    internal Conv2d Proj => proj;
}
