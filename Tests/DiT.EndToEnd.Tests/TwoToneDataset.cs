using System.Collections.Generic;
using System.Linq;
using DiT.Training.Data;

namespace DiTPlugin.EndToEnd.Tests;

/// <summary>
/// Two classes a tiny model learns in a few hundred steps: "light" tiles (mean +0.6) and "dark" tiles (mean -0.6),
/// each with a small checker texture at four phases.
/// </summary>
internal sealed class TwoToneDataset : IImageDataset
{
    public const int Size = 8;
    private readonly List<Example> items = new();
    public int Count => items.Count;
    public int Channels => 1;
    public int Height => Size;
    public int Width => Size;
    public IReadOnlyList<string> ClassNames { get; } = new[] { "light", "dark" };

    public TwoToneDataset()
    {
        for (int c = 0; c < 2; c++)
            for (int phase = 0; phase < 4; phase++)
                items.Add(new Example(Tile(c, phase), c));
    }

    public static float[] Tile(int cls, int phase) => Enumerable.Range(0, Size * Size).Select(i =>
    {
        int x = i % Size, y = i / Size;
        float tone = cls == 0 ? 0.6f : -0.6f;
        return tone + ((x + y + phase) % 2 == 0 ? 0.2f : -0.2f);
    }).ToArray();

    public Example Get(int index) => items[index];
}
