using System;
using System.Text.Json;
using DiT.Training.Model;

namespace DiT.Training.Bench;

/// <summary>
/// Runs the independent PyTorch training step of the fixture tooling (Benchmarks/torch_reference/dit_train_bench.py,
/// Debian's python3-torch) on the same config, so a training benchmark's ratio is measured in one sitting. Only for
/// benchmarks: nothing in training depends on Python.
/// </summary>
public static class TorchTrainReference
{
    public const string Script = "dit_train_bench.py";

    /// <summary>The reference's median ms per step and its peak resident bytes.</summary>
    public static (double MsPerStep, long PeakResidentBytes, string TorchVersion) Run(DiTConfig cfg, int batch, int steps, int threads, Action<string>? log = null)
    {
        if (cfg.Block != BlockType.AdaLNZero || !cfg.LearnSigma)
            throw new ArgumentException("The PyTorch reference implements the paper's adaLN-Zero DiT with a learned variance only.");
        var json = TorchReference.Run(Script, new[]
        {
            "--model", "custom", "--depth", $"{cfg.Depth}", "--hidden", $"{cfg.HiddenSize}", "--heads", $"{cfg.NumHeads}",
            "--patch", $"{cfg.PatchSize}", "--batch", $"{batch}", "--input-size", $"{cfg.InputSize}", "--channels", $"{cfg.InChannels}",
            "--classes", $"{cfg.NumClasses}", "--steps", $"{steps}", "--threads", $"{threads}",
        }, log);
        using var doc = JsonDocument.Parse(json);
        var r = doc.RootElement;
        return (r.GetProperty("ms_per_step").GetDouble(), r.GetProperty("peak_rss_bytes").GetInt64(), r.GetProperty("torch").GetString() ?? "?");
    }
}
