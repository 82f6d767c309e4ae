using System;
using System.IO;
using DiT.Training.Data;

namespace DiT.Cli;

/// <summary>Turns the --data argument into a dataset: "fashion-mnist", an ImageFolder directory, or a latent cache.</summary>
internal static class DataSources
{
    public static IImageDataset Open(string spec, int imageSize, bool grayscale, Action<string> log)
    {
        if (spec.Equals("fashion-mnist", StringComparison.OrdinalIgnoreCase) || spec.Equals("fashion-mnist:test", StringComparison.OrdinalIgnoreCase))
        {
            var files = FashionMnist.Find() ?? throw new FileNotFoundException(
                $"Fashion-MNIST was not found in {FashionMnist.DebianDirectory}; install it with 'apt-get install dataset-fashion-mnist'.");
            var split = spec.EndsWith(":test", StringComparison.OrdinalIgnoreCase) ? files.Test : files.Train;
            return FashionMnist.Load(split, new IdxDatasetOptions { TargetSize = imageSize });
        }
        if (Directory.Exists(spec))
        {
            var ds = new ImageFolderDataset(spec, new ImageFolderOptions
            {
                Size = imageSize, Color = grayscale ? ImageColor.Grayscale : ImageColor.Rgb, Log = log,
            });
            if (ds.SkippedCount > 0) log($"Skipped {ds.SkippedCount} unreadable image(s) under {spec}.");
            return ds;
        }
        if (File.Exists(spec) && spec.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            return LatentCache.Open(spec, preload: false);
        throw new ArgumentException($"--data '{spec}' is neither 'fashion-mnist', an existing ImageFolder directory, nor a latent cache (.safetensors).");
    }
}
