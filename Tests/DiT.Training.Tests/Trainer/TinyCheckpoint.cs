using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiT.Training.Formats;
using DiT.Training.Model;
using DiT.Training.Trainer;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Trainer;

/// <summary>
/// A real checkpoint small enough to write hundreds of variants per second (depth 1, hidden 16: ~10 KB of weights),
/// with every optional part present (model weights, optimizer state, provenance, sampling) so that each can be broken.
/// </summary>
internal static class TinyCheckpoint
{
    public static readonly DiTConfig Config = new()
    {
        Depth = 1, HiddenSize = 16, NumHeads = 2, PatchSize = 2, InputSize = 4, InChannels = 1, NumClasses = 3,
    };

    public static readonly string[] ClassNames = { "ash", "birch", "cedar" };

    /// <summary>Writes the checkpoint: random non-zero weights (the zero-initialised layers would hide copy bugs).</summary>
    public static string Write(string dir, string name = "tiny.ckpt")
    {
        manual_seed(11);
        using var model = new DiTModel(Config);
        using var ema = new DiTModel(Config);
        using (no_grad())
            foreach (var m in new[] { model, ema })
                foreach (var p in m.parameters()) p.copy_(randn_like(p) * 0.1);
        using var optimizer = optim.AdamW(model.parameters());
        var path = Path.Combine(dir, name);
        Checkpoint.Save(path, model, ema, optimizer, 42, new TrainOptions { Steps = 100 }, ClassNames,
            new Provenance("MIT", true, "licence text", "someone", "unit test"), new SamplingConvention(false, 1, true));
        return path;
    }

    /// <summary>The file's tensors and metadata, to be edited and written back by <see cref="Rewrite"/>.</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        using var file = Safetensors.Load(path);
        return (file.Ordered.ToDictionary(kv => kv.Key, kv => kv.Value.clone()), file.Metadata.ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    /// <summary>A copy of <paramref name="source"/> at <paramref name="target"/> with its metadata and/or tensors edited.</summary>
    public static string Rewrite(string source, string target, Action<Dictionary<string, string>>? metadata = null,
        Action<Dictionary<string, Tensor>>? tensors = null)
    {
        var (t, m) = Read(source);
        try
        {
            metadata?.Invoke(m);
            tensors?.Invoke(t);
            Safetensors.Save(target, t, m);
        }
        finally
        {
            foreach (var v in t.Values) v.Dispose();
        }
        return target;
    }
}
