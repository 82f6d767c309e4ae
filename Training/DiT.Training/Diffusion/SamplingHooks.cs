using System;
using static TorchSharp.torch;

namespace DiT.Training.Diffusion;

/// <summary>
/// Optional hooks into a sampling loop, to compare a run with another implementation step by step (the same idea as
/// diffusers' <c>latents=</c> and <c>callback_on_step_end</c>).
/// </summary>
public sealed class SamplingHooks
{
    /// <summary>
    /// The noise an ancestral step at chain index i adds, shaped like x (the loop's whole batch), instead of a draw
    /// from the generator. The loop disposes what it returns.
    /// </summary>
    public Func<int, long[], Tensor>? StepNoise { get; init; }

    /// <summary>
    /// The first chain index to step, for a chain that starts part-way (SDEdit: the loop's noise argument is then the
    /// image noised to that index); null = the whole chain. −1 runs no step and returns the noise argument.
    /// </summary>
    public int? StartIndex { get; init; }

    /// <summary>
    /// Replaces x before the step at chain index i (inpainting: the kept region becomes the image noised to i). What it
    /// returns belongs to the step's dispose scope.
    /// </summary>
    public Func<int, Tensor, Tensor>? BeforeStep { get; init; }

    /// <summary>Sees x_{i−1} after the step at chain index i (the final sample after i = 0). Valid only during the call.</summary>
    public Action<int, Tensor>? OnStep { get; init; }
}
