using System.Collections.Generic;
using System.Linq;
using DiT.Training.Data;

namespace DiT.Training.Tests.Trainer;

/// <summary>A few fixed, distinct images per class: each class is a different stripe pattern in [-1, 1].</summary>
internal sealed class InMemoryDataset : IImageDataset
{
    private readonly List<Example> items = new();
    public int Count => items.Count;
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public IReadOnlyList<string> ClassNames { get; }

    public InMemoryDataset(int classes = 2, int perClass = 4, int channels = 1, int size = 8)
    {
        Channels = channels; Height = size; Width = size;
        ClassNames = Enumerable.Range(0, classes).Select(c => $"class{c}").ToList();
        for (int c = 0; c < classes; c++)
            for (int k = 0; k < perClass; k++)
            {
                var px = new float[channels * size * size];
                for (int i = 0; i < px.Length; i++)
                {
                    int x = i % size, y = i / size % size;
                    px[i] = ((c == 0 ? x : y) + k) % 2 == 0 ? 0.8f : -0.8f;
                }
                items.Add(new Example(px, c));
            }
    }

    public Example Get(int index) => items[index];
}
