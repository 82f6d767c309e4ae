using System.Collections.Generic;
using System.IO;
using DiTPlugin.Training.Formats;
using static TorchSharp.torch;

namespace DiTPlugin.Cli;

/// <summary>Weights from a file the user names: safetensors, or a PyTorch zip checkpoint through the restricted reader.</summary>
internal static class WeightFiles
{
    public static (Dictionary<string, Tensor> Weights, string What) Load(string path, string? key)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file '{path}' does not exist.", path);
        using var file = Safetensors.Load(path);
        var dict = new Dictionary<string, Tensor>();
        foreach (var (k, v) in file.Ordered) dict[k] = v.clone();
        return (dict, $"{Path.GetFileName(path)} ({dict.Count} tensors)");
    }
}
