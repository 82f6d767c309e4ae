using System.CommandLine;
using DiT.Training.Model;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>`dit info`: parameters and Gflops (multiply-accumulates, as the paper counts) for any config.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "A config such as DiT-XL/2; omit for the whole S/B/L/XL x 2/4/8 table." };
        var imageSize = new Option<int>("--image-size") { Description = "Image side in pixels (latent side = size / 8).", DefaultValueFactory = _ => 256 }.InRange(8, 4096);
        var block = ModelOptions.BlockOption();
        var cmd = new Command("info", "Print parameter counts and Gflops.") { model, imageSize, block };
        cmd.SetAction(r =>
        {
            int latent = r.GetValue(imageSize) / 8;
            var name = r.GetValue(model);
            var blockType = r.GetValue(block);
            if (name is not null)
            {
                var cfg = DiTConfig.FromName(name, inputSize: latent) with { Block = blockType };
                AnsiConsole.WriteLine(ParamCount.Format(ParamCount.Count(cfg)));
                AnsiConsole.WriteLine(Gflops.Format(Gflops.Count(cfg)));
                return 0;
            }
            var table = new Table().AddColumns("Model", "Depth", "Hidden", "Heads", "Params", $"Gflops @ {r.GetValue(imageSize)}px");
            foreach (var n in DiTConfig.Names)
            {
                var cfg = DiTConfig.FromName(n, inputSize: latent) with { Block = blockType };
                table.AddRow(n, cfg.Depth.ToString(), cfg.HiddenSize.ToString(), cfg.NumHeads.ToString(),
                    $"{ParamCount.Trainable(cfg) / 1e6:F1}M", $"{Gflops.Of(cfg):F2}");
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return cmd;
    }
}
