using System;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Eval.Classifier;

/// <summary>
/// The feature network for evaluating models trained on small datasets, where ImageNet Inception features say
/// little: trained on the same data, its pooled features serve FID and precision/recall, its middle-stage map sFID,
/// its logits the Inception Score and class accuracy (the share of samples classified as the class asked for).
/// </summary>
public sealed class ImageClassifier : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> stem;
    private readonly Module<Tensor, Tensor> stage1, stage2, stage3;
    private readonly Module<Tensor, Tensor> head;

    public ClassifierConfig Config { get; }

    public ImageClassifier(ClassifierConfig config) : base(nameof(ImageClassifier))
    {
        Config = config.Validate();
        var w = config.Widths;
        stem = ConvBlock(config.InChannels, w[0], 1);
        stage1 = Sequential(("0", new ResBlock(w[0], w[0], 1)), ("1", new ResBlock(w[0], w[0], 1)));
        stage2 = Sequential(("0", new ResBlock(w[0], w[1], 2)), ("1", new ResBlock(w[1], w[1], 1)));
        stage3 = Sequential(("0", new ResBlock(w[1], w[2], 2)), ("1", new ResBlock(w[2], w[2], 1)));
        head = Linear(w[2], config.NumClasses);
        RegisterComponents();
    }

    internal static Module<Tensor, Tensor> ConvBlock(int cin, int cout, int stride) => Sequential(
        ("conv", Conv2d(cin, cout, 3, stride: stride, padding: 1, bias: false)), ("bn", Norm(cout)), ("act", ReLU()));

    /// <summary>BatchNorm with its affine set to the identity explicitly (TorchSharp 0.107 leaves GroupNorm's uninitialised; not trusting BatchNorm's either).</summary>
    internal static TorchSharp.Modules.BatchNorm2d Norm(int channels)
    {
        var bn = BatchNorm2d(channels);
        using var _ = no_grad();
        init.ones_(bn.weight!);
        init.zeros_(bn.bias!);
        return bn;
    }

    /// <summary>Images (B, C, S, S) in [-1, 1] → (pooled features, middle-stage map, logits).</summary>
    public (Tensor Pooled, Tensor Middle, Tensor Logits) Forward(Tensor images)
    {
        var h1 = stage1.forward(stem.forward(images));
        var mid = stage2.forward(h1);
        var pooled = stage3.forward(mid).mean(new long[] { 2, 3 });
        return (pooled, mid, head.forward(pooled));
    }

    public override Tensor forward(Tensor images) => Forward(images).Logits;

    /// <summary>Two 3x3 conv-BN layers with an identity (or 1x1 strided) shortcut.</summary>
    private sealed class ResBlock : Module<Tensor, Tensor>
    {
        private readonly Module<Tensor, Tensor> a, b;
        private readonly Module<Tensor, Tensor>? shortcut;

        public ResBlock(int cin, int cout, int stride) : base(nameof(ResBlock))
        {
            a = ConvBlock(cin, cout, stride);
            b = Sequential(("conv", Conv2d(cout, cout, 3, padding: 1, bias: false)), ("bn", Norm(cout)));
            if (stride != 1 || cin != cout)
                shortcut = Sequential(("conv", Conv2d(cin, cout, 1, stride: stride, bias: false)), ("bn", Norm(cout)));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) =>
            functional.relu(b.forward(a.forward(x)) + (shortcut?.forward(x) ?? x));
    }
}
