using System;
using System.Collections.Generic;
using System.Linq;
using DiT.Training.Data;
using static TorchSharp.torch;

namespace DiT.Training.Eval;

/// <summary>
/// Real images standing in for a sampler: the figures a generator that reproduced its training distribution exactly
/// would score at the same sample count. FID, precision and class accuracy against held-out data have floors and
/// ceilings set by the data (few textures, many crops of each), not by the model; this row says where they are.
/// Each class's images are shuffled once by <c>seed</c> and handed out in that order without repeats, so the baseline
/// is reproducible and never scores one image twice.
/// </summary>
public sealed class RealImageBaseline
{
    /// <summary>The sampler column of a baseline row.</summary>
    public const string Name = "real images (baseline)";

    private readonly IImageDataset _data;
    private readonly int[][] _byClass;
    private readonly int[] _next;

    public RealImageBaseline(IImageDataset data, int classes, long seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
        var labels = data is ImageFolderDataset folder ? folder.Samples.Select(s => s.Label).ToArray()
            : Enumerable.Range(0, data.Count).Select(i => data.Get(i).Label).ToArray();
        var rng = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        _byClass = Enumerable.Range(0, classes)
            .Select(c => Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).OrderBy(_ => rng.Next()).ToArray()).ToArray();
        _next = new int[classes];
    }

    /// <summary>
    /// Scores <paramref name="perClass"/> real images of every class from <paramref name="data"/> as SampleEvaluation
    /// scores a sampler setting, against the same reference, in a row named <see cref="Name"/>.
    /// </summary>
    public static EvalResult Score(IImageDataset data, int classes, int perClass, long seed, IFeatureExtractor features,
        RealReference reference, IFeatureExtractor? classifier)
    {
        var source = new RealImageBaseline(data, classes, seed);
        source.Require(perClass);
        return SampleEvaluation.Evaluate(source.Sample, classes, new EvalSetting(Name, 0), perClass, seed, features, reference, classifier);
    }

    /// <summary>Images of the given labels, in [-1, 1], each class's next ones in the shuffled order (a sample source
    /// for SampleEvaluation; the batch seed is unused).</summary>
    public Tensor Sample(int[] labels, long _)
    {
        var idx = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            int c = labels[i];
            if ((uint)c >= (uint)_byClass.Length) throw new ArgumentOutOfRangeException(nameof(labels), c, $"Class {c} is outside 0..{_byClass.Length - 1}.");
            if (_next[c] >= _byClass[c].Length) throw TooFew(c, _next[c] + 1);
            idx[i] = _byClass[c][_next[c]++];
        }
        var (x, y) = DatasetBatch.Load(_data, idx);
        y.Dispose();
        return x;
    }

    /// <summary>Checks up front that every class can give <paramref name="perClass"/> images.</summary>
    public void Require(int perClass)
    {
        for (int c = 0; c < _byClass.Length; c++)
            if (_byClass[c].Length < perClass) throw TooFew(c, perClass);
    }

    private ArgumentException TooFew(int c, int wanted) =>
        new($"The baseline images hold {_byClass[c].Length} of class {c} ({_data.ClassNames[c]}), fewer than the {wanted} asked for " +
            $"(--per-class): lower it to at most {_byClass.Min(a => a.Length)}.");
}
