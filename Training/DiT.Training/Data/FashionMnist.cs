using System.Collections.Generic;
using System.IO;

namespace DiT.Training.Data;

/// <summary>Fashion-MNIST facts and the Debian package's file locations.</summary>
public static class FashionMnist
{
    public static readonly IReadOnlyList<string> ClassNames = new[]
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    /// <summary>Where Debian's dataset-fashion-mnist package installs the files.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    public sealed record Split(string Images, string Labels);
    public sealed record Files(Split Train, Split Test);

    /// <summary>Finds train-*/t10k-* IDX files (gz or raw) in <paramref name="directory"/> (default: the Debian location); null if absent.</summary>
    public static Files? Find(string? directory = null)
    {
        string dir = directory ?? DebianDirectory;
        string? F(string stem)
        {
            foreach (var p in new[] { Path.Combine(dir, stem + ".gz"), Path.Combine(dir, stem) })
                if (File.Exists(p)) return p;
            return null;
        }
        var ti = F("train-images-idx3-ubyte");
        var tl = F("train-labels-idx1-ubyte");
        var vi = F("t10k-images-idx3-ubyte");
        var vl = F("t10k-labels-idx1-ubyte");
        if (ti == null || tl == null || vi == null || vl == null) return null;
        return new Files(new Split(ti, tl), new Split(vi, vl));
    }

    public static IdxDataset Load(Split split, IdxDatasetOptions? options = null) => new(split.Images, split.Labels, options);
}
