using DiT.Training.Bench;
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using DiT.Training.Export;
using DiT.Training.Formats;
using DiT.Training.Model;
using DiT.Training.Vae;
using DiTPlugin.Contract.Package;
using TorchSharp;
using static TorchSharp.torch;

namespace DiTPlugin.Benchmarks.PluginRun;

/// <summary>
/// `make-package`: a package with random weights at a real config (the published DiT-XL/2 weights cannot be
/// downloaded here), for timing and memory only. Every parameter is N(0, 0.02) so no block is the identity and the
/// output is not zero (the paper's adaLN-Zero initialisation would make the forward trivially cheap to get right,
/// not to compute). Also writes the same DiT weights as weights.safetensors (official key names) for the PyTorch
/// reference, and the SD VAE's decoder (real config, random weights) when asked.
/// </summary>
internal static class BenchPackageMaker
{
    public static int Run(string[] args)
    {
        string model = Arg(args, "--model") ?? "DiT-XL/2";
        string outDir = Arg(args, "--out") ?? throw new ArgumentException("make-package needs --out DIR.");
        bool fp32 = args.Contains("--fp32"), fp16 = args.Contains("--fp16") || !fp32;
        bool vae = args.Contains("--sd-vae");
        int? tile = Arg(args, "--vae-tile") is { } t ? int.Parse(t) : null;
        var clock = Stopwatch.StartNew();
        void Log(string s) => Console.WriteLine($"{clock.Elapsed.TotalSeconds,7:F1} s  {s}  (peak RSS {ProcStatus.Mb(ProcStatus.PeakRssBytes)})");

        var cfg = DiTConfig.FromName(model, inputSize: 32, inChannels: 4, numClasses: 1000);
        Directory.CreateDirectory(outDir);
        List<VaeDecoderGraph> decoders = new();
        if (vae)
        {
            torch.manual_seed(1);
            using var sd = new AutoencoderKL(VaeConfig.StableDiffusion);
            using (no_grad())
                foreach (var p in sd.parameters()) p.add_(randn_like(p) * 0.02);
            var g = VaeDecoderOnnxExporter.Build(sd, new VaeExportOptions { LatentSize = tile ?? cfg.InputSize });
            decoders.Add(new VaeDecoderGraph(g.ToBytes(), Precision.Fp32, tile));
            Log("exported the SD VAE decoder" + (tile is null ? "" : $" for {tile}x{tile} latent tiles"));
        }
        torch.manual_seed(0);
        using var dit = new DiTModel(cfg);
        using (no_grad())
            foreach (var p in dit.parameters()) p.copy_(randn_like(p) * 0.02);
        dit.eval();
        var weights = dit.state_dict();
        Safetensors.Save(Path.Combine(outDir, "weights.safetensors"), weights,
            new Dictionary<string, string> { ["config"] = model, ["generator"] = "DiT.Benchmarks make-package (random N(0,0.02))" });
        Log("wrote weights.safetensors");
        var package = Path.Combine(outDir, "package");
        ModelPackageWriter.Write(package, new ModelPackageRequest
        {
            Config = cfg,
            Weights = weights,
            ClassNames = Enumerable.Range(0, cfg.NumClasses).Select(i => $"class {i}").ToList(),
            Name = model.Replace("/", "-").ToLowerInvariant() + "-random-bench",
            IncludeFp32 = fp32,
            IncludeFp16 = fp16,
            IncludeInt8 = args.Contains("--int8"),
            GuidedChannels = 3,
            ClipDenoised = false,
            VaeDecoders = decoders,
            // --external-data: always; otherwise the writer's default (only when a graph exceeds 2 GB: fp32 XL/2).
            ExternalData = args.Contains("--external-data") ? true : null,
        });
        Log("wrote " + string.Join(", ", Directory.GetFiles(package).Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length / 1e6:F0} MB")));
        return 0;
    }

    internal static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
