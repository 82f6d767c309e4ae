using System;
using DiT.Training.Distributed;
using DiT.Training.Model.Blocks;
using static TorchSharp.torch;

namespace DiT.Training.Trainer;

/// <summary>
/// How the trainer has the model run its blocks (<see cref="Model.DiTModel.BlockRunner"/>) while it records the graph
/// for backward. Activation checkpointing recomputes each block in backward instead of keeping its activations
/// (<see cref="CheckpointedBlock"/>: memory for compute). Data-parallel training puts a marker on each block's input
/// whose backward reports that backward has gone through the block (<see cref="BackwardSignal"/>), so that the
/// block's gradients can be exchanged while backward goes on (<see cref="GradientBucketer"/>). Without grad
/// (sampling, evaluation) there is no backward to prepare for, and the blocks run plainly.
/// </summary>
public static class TrainingBlockRunner
{
    /// <param name="activationCheckpointing">Recompute each block in backward.</param>
    /// <param name="blockBackwardDone">Called with block i's index when backward has gone through block i (and
    /// everything after it), i.e. once per block per backward, last block first.</param>
    /// <returns>null when neither is asked for: the model then runs its blocks itself.</returns>
    public static BlockRunner? Create(bool activationCheckpointing, Action<int>? blockBackwardDone = null)
    {
        if (!activationCheckpointing && blockBackwardDone is null) return null;
        return (index, block, x, cond) =>
        {
            if (!is_grad_enabled()) return block.forward(x, cond);
            if (blockBackwardDone is not null) x = BackwardSignal.Apply(x, () => blockBackwardDone(index));
            return activationCheckpointing ? CheckpointedBlock.Apply(block, x, cond) : block.forward(x, cond);
        };
    }
}
