using System.CommandLine;
using DiT.Training.Bench;
using DiT.Training.Model;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>`dit bench`: per-step latency, images/s and peak memory of sampling with a config and sampler.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A named config (DiT-S/2 …).", DefaultValueFactory = _ => "DiT-S/2" };
        var latent = new Option<int>("--input-size") { Description = "Model input side (latent side for latent models).", DefaultValueFactory = _ => 32 }.InRange(1, 1024);
        var channels = new Option<int>("--channels") { DefaultValueFactory = _ => 4 }.InRange(1, 64);
        var sampler = new Option<string>("--sampler") { Description = "ddimN or a DDPM step count.", DefaultValueFactory = _ => "ddim25" }.SamplerSpecs();
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 1 }.InRange(1, 4096);
        var cfg = new Option<double>("--cfg") { Description = "Guidance scale (1 = no CFG, halves the work).", DefaultValueFactory = _ => 4.0 }.Finite(0, 100);
        var bf16 = new Option<bool>("--bf16") { Description = "bf16 weights and compute." };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 0 }.InRange(0, 1024);
        var cmd = new Command("bench", "Benchmark sampling speed and memory (TorchSharp, random weights).")
            { model, latent, channels, sampler, batch, cfg, bf16, threads };
        cmd.SetAction(r =>
        {
            if (r.GetValue(threads) > 0) TorchSharp.torch.set_num_threads(r.GetValue(threads));
            var config = DiTConfig.FromName(r.GetValue(model)!, r.GetValue(latent), r.GetValue(channels));
            var result = SamplerBenchmark.Run(config, r.GetValue(sampler)!, r.GetValue(batch), r.GetValue(cfg), r.GetValue(bf16));
            AnsiConsole.WriteLine($"{r.GetValue(model)}: {result}");
            return 0;
        });
        return cmd;
    }
}
