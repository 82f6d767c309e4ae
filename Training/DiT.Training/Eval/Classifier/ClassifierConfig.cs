using System;
using System.Collections.Generic;
using System.Linq;

namespace DiT.Training.Eval.Classifier;

/// <summary>A small ResNet-style image classifier: three stages of two 3x3 conv blocks, halving the side between stages.</summary>
public sealed record ClassifierConfig
{
    public int InChannels { get; init; } = 3;
    public int ImageSize { get; init; } = 32;
    public int NumClasses { get; init; } = 8;
    /// <summary>Stage widths; small because it must train in minutes on a CPU and 32 px images need little capacity.</summary>
    public IReadOnlyList<int> Widths { get; init; } = new[] { 16, 32, 64 };
    /// <summary>Channels of the middle stage's map taken for sFID (ADM takes the first 7 channels of an intermediate map).</summary>
    public int SpatialChannels { get; init; } = 7;

    public int PooledDim => Widths[^1];
    /// <summary>The middle stage runs at side / 2.</summary>
    public int SpatialDim => SpatialChannels * (ImageSize / 2) * (ImageSize / 2);

    public ClassifierConfig Validate()
    {
        if (Widths.Count != 3 || Widths.Any(w => w < 8)) throw new ArgumentException("Widths must list three stage widths of at least 8.");
        if (ImageSize < 8 || ImageSize % 4 != 0) throw new ArgumentException($"ImageSize {ImageSize} must be a multiple of 4, at least 8.");
        if (NumClasses < 2) throw new ArgumentException("A classifier needs at least two classes.");
        if (SpatialChannels < 1 || SpatialChannels > Widths[1]) throw new ArgumentException($"SpatialChannels must be in 1..{Widths[1]}.");
        return this;
    }

    // Lists compare by value, so that a config read back from a file equals the one written.
    public bool Equals(ClassifierConfig? o) => o is not null && InChannels == o.InChannels && ImageSize == o.ImageSize &&
        NumClasses == o.NumClasses && SpatialChannels == o.SpatialChannels && Widths.SequenceEqual(o.Widths);
    public override int GetHashCode() => HashCode.Combine(InChannels, ImageSize, NumClasses, SpatialChannels, Widths.Count);
}
