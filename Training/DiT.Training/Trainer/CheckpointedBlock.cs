using System.Collections.Generic;
using System.Linq;
using DiT.Training.Model;
using DiT.Training.Model.Blocks;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Trainer;

/// <summary>
/// Activation checkpointing for one block: forward runs without recording the graph; backward re-runs the block
/// with grad enabled on detached copies of its inputs and back-propagates through that, accumulating the
/// parameter gradients and returning the input gradients. TorchSharp has no torch.utils.checkpoint, so this is
/// the reentrant variant built on a custom autograd function. The block must be deterministic (DiT's are).
/// </summary>
internal sealed class CheckpointedBlock : autograd.MultiTensorFunction<CheckpointedBlock>
{
    public override string Name => nameof(CheckpointedBlock);

    /// <summary>The block's tensor inputs go to apply() one by one (autograd sees tensors, not the Conditioning):
    /// x, the condition vector, and the condition tokens when the design built them.</summary>
    public static Tensor Apply(DiTBlockBase block, Tensor x, Conditioning cond) =>
        (cond.Tokens is null ? apply(block, x, cond.Vector) : apply(block, x, cond.Vector, cond.Tokens))[0];

    private static Tensor Run(DiTBlockBase block, IReadOnlyList<Tensor> inputs) =>
        block.forward(inputs[0], new Conditioning(inputs[1], inputs.Count > 2 ? inputs[2] : null));

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var block = (DiTBlockBase)vars[0];
        var inputs = vars.Skip(1).Cast<Tensor>().ToList();
        ctx.save_data("block", block);
        ctx.save_for_backward(inputs);
        using var _ = no_grad();
        return new List<Tensor> { Run(block, inputs) };
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> gradOutputs)
    {
        var block = (DiTBlockBase)ctx.get_data("block");
        var saved = ctx.get_saved_variables();
        var detached = saved.Select(t => t.detach().requires_grad_(t.requires_grad)).ToArray();
        using (var _ = enable_grad())
        {
            using var y = Run(block, detached);
            autograd.backward(new[] { y }, new[] { gradOutputs[0] });
        }
        // One gradient per apply() argument: none for the block itself, then one per tensor input.
        var grads = new List<Tensor> { null! };
        grads.AddRange(detached.Select(t => t.grad ?? zeros_like(t)));
        return grads;
    }
}
