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

    /// <summary>How many images class <paramref name="label"/> has.</summary>
    public int Available(int label) => _byClass[label].Length;

    /// <summary>Images of the given labels, in [-1, 1] (the <see cref="SampleEvaluation.Evaluate(Func{int[], long, Tensor}, int, EvalSetting, int, long, IFeatureExtractor, RealReference, IFeatureExtractor?, NpzWriter?, Action{int, int}?, System.Threading.CancellationToken)"/> sample source; its seed is unused).</summary>
    public Tensor Sample(int[] labels, long _)
    {
        var idx = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            int c = labels[i];
            if ((uint)c >= (uint)_byClass.Length) throw new ArgumentOutOfRangeException(nameof(labels), c, $"Class {c} is outside 0..{_byClass.Length - 1}.");
            if (_next[c] >= _byClass[c].Length)
                throw new ArgumentException($"The baseline images hold {_byClass[c].Length} of class {c} ({_data.ClassNames[c]}); " +
                                            $"more were asked for: lower --per-class to at most {_byClass.Min(a => a.Length)}.");
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
            if (_byClass[c].Length < perClass)
                throw new ArgumentException($"The baseline images hold {_byClass[c].Length} of class {c} ({_data.ClassNames[c]}), " +
                                            $"fewer than --per-class {perClass}: lower --per-class to at most {_byClass.Min(a => a.Length)}.");
    }
}
