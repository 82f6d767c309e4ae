using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiT.Training.Data;
using DiT.Training.Formats;
using DiT.Training.Vae;
using NUnit.Framework;
using static TorchSharp.torch;
using static DiT.Training.Tests.Vae.VaeFixture;

namespace DiT.Training.Tests.Vae;

/// <summary>The VAE as LatentCache's encoder: the cache stores EncodeLatents (mean x 0.18215) and records the scale.</summary>
public class VaeLatentCacheTests : TempDirectoryTest
{
    private sealed class Images : IImageDataset
    {
        private readonly Tensor all;
        public Images(Tensor images) => all = images;
        public int Count => (int)all.shape[0];
        public int Channels => 3;
        public int Height => (int)all.shape[2];
        public int Width => (int)all.shape[3];
        public IReadOnlyList<string> ClassNames { get; } = new[] { "a", "b" };
        public Example Get(int index) => new(all[index].contiguous().data<float>().ToArray(), index % 2);
    }

    [Test]
    public void CacheHoldsScaledPosteriorMeans()
    {
        using var f = Open();
        using var vae = AutoencoderKL.Load(Weights(f), TinyConfig);
        using var scope = NewDisposeScope();
        var images = f["input.image"];
        string path = Path.Combine(Dir, "latents.safetensors");
        LatentCache.Build(path, new Images(images), vae.AsLatentEncoder(), vae.CacheOptions(batchSize: 1, dtype: SafetensorsDtype.F32));

        using var ds = LatentCache.Open(path);
        Assert.That(ds.Scale, Is.EqualTo(0.18215));
        Assert.That((ds.Count, ds.Channels, ds.Height, ds.Width), Is.EqualTo((2, 4, 8, 8)));
        using var _ = no_grad();
        var expected = vae.EncodeLatents(images);
        for (int i = 0; i < 2; i++)
        {
            var stored = tensor(ds.Get(i).Chw, new long[] { 4, 8, 8 });
            // Float rounding only: the cache encodes one image per batch, the expectation both at once (~3e-7 apart).
            Assert.That(MaxAbsDiff(stored, expected[i]), Is.LessThanOrEqualTo(2e-6), $"example {i}");
        }
    }
}
