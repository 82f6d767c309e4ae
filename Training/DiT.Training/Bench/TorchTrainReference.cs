using System;
using System.Diagnostics;
using System.IO;
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
        string script = FindScript();
        var psi = new ProcessStartInfo(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            script, "--model", "custom", "--depth", $"{cfg.Depth}", "--hidden", $"{cfg.HiddenSize}", "--heads", $"{cfg.NumHeads}",
            "--patch", $"{cfg.PatchSize}", "--batch", $"{batch}", "--input-size", $"{cfg.InputSize}", "--channels", $"{cfg.InChannels}",
            "--classes", $"{cfg.NumClasses}", "--steps", $"{steps}", "--threads", $"{threads}",
        }) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException($"Could not start python3 for the PyTorch reference ({e.Message}); install python3-torch.", e); }
        using (p)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            string? result = null;
            for (string? l; (l = p.StandardOutput.ReadLine()) != null;)
                if (l.StartsWith("RESULT ", StringComparison.Ordinal)) result = l.Substring(7);
                else log?.Invoke(l);
            p.WaitForExit();
            if (p.ExitCode != 0 || result is null)
            {
                string err = stderr.Result.Trim();
                if (err.Contains("No module named 'torch'", StringComparison.Ordinal)) err = "python3 has no torch module: apt-get install python3-torch";
                throw new InvalidOperationException($"The PyTorch reference failed (exit code {p.ExitCode}): {LastLine(err)}");
            }
            using var doc = JsonDocument.Parse(result);
            var r = doc.RootElement;
            return (r.GetProperty("ms_per_step").GetDouble(), r.GetProperty("peak_rss_bytes").GetInt64(), r.GetProperty("torch").GetString() ?? "?");
        }
    }

    private static string LastLine(string s)
    {
        var lines = s.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? "(no message)" : lines[^1].Trim();
    }

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var f = Path.Combine(dir.FullName, "Benchmarks", "torch_reference", Script);
            if (File.Exists(f)) return f;
        }
        throw new FileNotFoundException($"Benchmarks/torch_reference/{Script} was not found above {AppContext.BaseDirectory}: the PyTorch reference runs from a clone of the repository.");
    }
}
