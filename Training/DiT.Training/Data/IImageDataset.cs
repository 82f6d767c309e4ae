using System.Collections.Generic;

namespace DiT.Training.Data;

/// <summary>One training example: CHW floats scaled to [-1, 1] (or a cached latent), and its class index.</summary>
public readonly record struct Example(float[] Chw, int Label);

/// <summary>A labelled, fixed-size dataset the trainer draws batches from. Get must be safe to call from several
/// threads at once (the trainer decodes a batch in parallel).</summary>
public interface IImageDataset
{
    int Count { get; }
    int Channels { get; }
    int Height { get; }
    int Width { get; }
    /// <summary>Human-readable class names, index = label.</summary>
    IReadOnlyList<string> ClassNames { get; }
    Example Get(int index);
}
