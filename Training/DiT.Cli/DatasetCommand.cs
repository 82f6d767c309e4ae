using System;
using System.CommandLine;
using System.Linq;
using DiT.Training.Data;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>`dit dataset`: a class-labelled ImageFolder of random texture crops from a game texture pack (.pk3).</summary>
internal static class DatasetCommand
{
    public const string DebianOpenArena = "/usr/share/games/openarena/baseoa/pak4-textures.pk3";
    public static readonly string[] DefaultClasses =
        { "base_wall", "base_floor", "base_light", "gothic_block", "gothic_floor", "gothic_trim", "liquids", "skies" };

    public static Command Create()
    {
        var pk3 = new Option<string>("--pk3") { Description = "Texture pack (Debian: apt-get install openarena-081-textures).", DefaultValueFactory = _ => DebianOpenArena };
        var classes = new Option<string>("--classes") { Description = "Comma-separated material folders to use as classes.", DefaultValueFactory = _ => string.Join(",", DefaultClasses) };
        var outDir = new Option<string>("--out") { Description = "Output folder (train/ and test/ ImageFolders).", Required = true };
        var size = new Option<int>("--size") { DefaultValueFactory = _ => 32 }.InRange(8, 4096);
        var train = new Option<int>("--train-per-class") { DefaultValueFactory = _ => 2000 }.InRange(1, 1_000_000);
        var test = new Option<int>("--test-per-class") { DefaultValueFactory = _ => 300 }.InRange(0, 1_000_000);
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0 };
        var list = new Option<bool>("--list") { Description = "List the pack's materials and their texture counts, then exit." };
        var cmd = new Command("dataset", "Build a class-labelled dataset of random crops from a texture pack (held-out textures for test).")
            { pk3, classes, outDir, size, train, test, seed, list };
        cmd.SetAction(r =>
        {
            var pack = TexturePack.Open(r.GetValue(pk3)!);
            if (r.GetValue(list))
            {
                foreach (var (m, files) in pack.Materials.OrderByDescending(kv => kv.Value.Count)) AnsiConsole.WriteLine($"{m,-20} {files.Count}");
                return 0;
            }
            var started = DateTime.UtcNow;
            var summary = TextureCrops.Build(pack, r.GetValue(outDir)!, new TextureCropOptions
            {
                Classes = r.GetValue(classes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Size = r.GetValue(size), TrainPerClass = r.GetValue(train), TestPerClass = r.GetValue(test), Seed = r.GetValue(seed),
                Log = s => AnsiConsole.WriteLine(s),
            });
            AnsiConsole.MarkupLineInterpolated($"Wrote {summary.TrainImages} train and {summary.TestImages} test images to {r.GetValue(outDir)} in {(DateTime.UtcNow - started).TotalSeconds:F0} s.");
            return 0;
        });
        return cmd;
    }
}
