using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiT.Training.Data;
using DiT.Training.Formats;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Data;

public class LatentCacheTests : TempDirectoryTest
{
    /// <summary>Deterministic source: pixel value depends on (index, c, y, x); label = index % 3.</summary>
    private sealed class Synthetic : IImageDataset
    {
        public int Count => 7;
        public int Channels => 2;
        public int Height => 4;
        public int Width => 4;
        public IReadOnlyList<string> ClassNames { get; } = new[] { "zero", "one", "two" };
        public static float Value(int i, int c, int y, int x) => ((i * 31 + c * 7 + y * 4 + x) % 17) / 8f - 1f;
        public Example Get(int index)
        {
            var d = new float[32];
            for (int c = 0; c < 2; c++) for (int y = 0; y < 4; y++) for (int x = 0; x < 4; x++) d[c * 16 + y * 4 + x] = Value(index, c, y, x);
            return new Example(d, index % 3);
        }
    }

    [TestCase(SafetensorsDtype.F32, false)]
    [TestCase(SafetensorsDtype.F16, true)]
    public void RoundTripWithAvgPoolEncoder(SafetensorsDtype dtype, bool preload)
    {
        string path = Path.Combine(Dir, "cache.safetensors");
        var progress = new List<int>();
        LatentCache.Build(path, new Synthetic(), x => nn.functional.avg_pool2d(x, 2),
            new LatentCacheOptions { BatchSize = 3, Dtype = dtype, Scale = 0.5, Source = "synthetic", Progress = (d, _) => progress.Add(d) });
        Assert.That(progress, Is.EqualTo(new[] { 3, 6, 7 }));
        Assert.That(File.Exists(path + ".tmp"), Is.False);

        using var ds = LatentCache.Open(path, preload);
        Assert.That((ds.Count, ds.Channels, ds.Height, ds.Width), Is.EqualTo((7, 2, 2, 2)));
        Assert.That(ds.ClassNames, Is.EqualTo(new[] { "zero", "one", "two" }));
        Assert.That(ds.Scale, Is.EqualTo(0.5));
        Assert.That(ds.Source, Is.EqualTo("synthetic"));
        double tol = dtype == SafetensorsDtype.F32 ? 1e-6 : 1e-3;
        for (int i = 0; i < 7; i++)
        {
            var e = ds.Get(i);
            Assert.That(e.Label, Is.EqualTo(i % 3));
            for (int c = 0; c < 2; c++)
                for (int y = 0; y < 2; y++)
                    for (int x = 0; x < 2; x++)
                    {
                        double mean = (Synthetic.Value(i, c, 2 * y, 2 * x) + Synthetic.Value(i, c, 2 * y, 2 * x + 1)
                                       + Synthetic.Value(i, c, 2 * y + 1, 2 * x) + Synthetic.Value(i, c, 2 * y + 1, 2 * x + 1)) / 4;
                        Assert.That(e.Chw[c * 4 + y * 2 + x], Is.EqualTo(mean * 0.5).Within(tol));
                    }
        }

        using var f = Safetensors.Load(path);
        Assert.That(f.Names, Is.EqualTo(new[] { "latents", "labels" }));
        Assert.That(f["labels"].dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(f["latents"].dtype, Is.EqualTo(dtype.ToScalarType()));
        Assert.That(f.Metadata["format"], Is.EqualTo(LatentCache.FormatTag));
    }

    [Test]
    public void CacheWithoutLabelsIsRejected()
    {
        string path = Path.Combine(Dir, "nolabels.safetensors");
        using var t = zeros(2, 1, 2, 2);
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["latents"] = t });
        Assert.That(Assert.Throws<InvalidDataException>(() => LatentCache.Open(path))!.Message, Does.Contain("labels"));
    }
}
