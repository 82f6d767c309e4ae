using System;
using System.Collections.Generic;
using System.Linq;
using DiT.Training.Data;

namespace DiT.Training.Bench;

/// <summary>
/// Images of uniform noise in [-1, 1] with cycling labels, generated once into memory: a dataset that costs nothing
/// to read, so a training benchmark on it times the model step alone.
/// </summary>
public sealed class RandomImageDataset : IImageDataset
{
    private readonly float[][] images;

    public RandomImageDataset(int count, int channels, int size, int classes, int seed = 0)
    {
        if (count < 1 || channels < 1 || size < 1 || classes < 1) throw new ArgumentOutOfRangeException(nameof(count), "count, channels, size and classes must be positive.");
        Channels = channels;
        Height = Width = size;
        ClassNames = Enumerable.Range(0, classes).Select(i => $"class {i}").ToArray();
        var rng = new Random(seed);
        images = Enumerable.Range(0, count).Select(_ =>
        {
            var a = new float[channels * size * size];
            for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1);
            return a;
        }).ToArray();
    }

    public int Count => images.Length;
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public Example Get(int index) => new(images[index], index % ClassNames.Count);
}
