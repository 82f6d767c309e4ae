using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace DiT.Training.Distributed;

/// <summary>
/// An identity in the graph whose backward calls an action: placed on a block's input, it runs when backward has
/// produced the gradient of that input, i.e. has gone through the whole block. On the CPU, libtorch's autograd
/// engine runs ready nodes latest-created first and gradient accumulation first of all, so by then every node of the
/// block (and of everything after it) has run and the block's parameter gradients are accumulated.
/// </summary>
internal sealed class BackwardSignal : autograd.SingleTensorFunction<BackwardSignal>
{
    public override string Name => nameof(BackwardSignal);

    public static Tensor Apply(Tensor x, Action onBackward) => apply(x, onBackward);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        ctx.save_data("action", vars[1]);
        return ((Tensor)vars[0]).alias();
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        ((Action)ctx.get_data("action"))();
        return new List<Tensor> { gradOutput, null! };            // one gradient per apply() argument
    }
}
