using static TorchSharp.torch;

namespace DiT.Training.Model.Blocks;

/// <summary>
/// Runs block <paramref name="index"/> (0 = first) on tokens <paramref name="x"/> under condition
/// <paramref name="cond"/> and returns the block's output; plainly, that is <c>block.forward(x, cond)</c>.
/// The model calls it once per block, in order, so that whoever drives the model can change how a block runs
/// (what the graph records around it) without the model knowing why.
/// </summary>
public delegate Tensor BlockRunner(int index, DiTBlockBase block, Tensor x, Conditioning cond);
