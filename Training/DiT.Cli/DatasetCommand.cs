using System;
using System.CommandLine;
using System.Linq;
using DiT.Training.Data;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>
/// `dit dataset`: a class-labelled ImageFolder of random texture crops from game textures: OpenArena's texture pack
/// (.pk3, GPL-2.0-or-later) or Freedoom's WAD (BSD-3-Clause, material classes from texture names).
/// </summary>
internal static class DatasetCommand
{
    public const string DebianOpenArena = "/usr/share/games/openarena/baseoa/pak4-textures.pk3";
    public static readonly string[] DefaultClasses =
        { "base_wall", "base_floor", "base_light", "gothic_block", "gothic_floor", "gothic_trim", "liquids", "skies" };

    public static Command Create()
    {
        var sourceKind = new Option<string>("--source") { Description = "openarena (a .pk3 texture pack) or freedoom (a Doom WAD).", DefaultValueFactory = _ => "openarena" };
        sourceKind.AcceptOnlyFromAmong("openarena", "freedoom");
        var pk3 = new Option<string>("--pk3") { Description = "Texture pack (Debian: apt-get install openarena-081-textures).", DefaultValueFactory = _ => DebianOpenArena };
        var wad = new Option<string>("--wad") { Description = "Freedoom WAD (Debian: apt-get install freedoom).", DefaultValueFactory = _ => FreedoomTextures.DebianWad };
        var classes = new Option<string?>("--classes") { Description = "Comma-separated materials to use as classes (default: the source's own list)." };
        var cropSide = new Option<int?>("--crop-side") { Description = "Crop squares of exactly this many texture pixels (wrapping), instead of 25-60% of the texture's side." }.InRange(8, 4096);
        var sheet = new Option<string?>("--sheet") { Description = "Also write a contact sheet PNG: one row of thumbnails per class." };
        var outDir = new Option<string?>("--out") { Description = "Output folder (train/ and test/ ImageFolders)." };
        var size = new Option<int>("--size") { DefaultValueFactory = _ => 32 }.InRange(8, 4096);
        var train = new Option<int>("--train-per-class") { DefaultValueFactory = _ => 2000 }.InRange(1, 1_000_000);
        var test = new Option<int>("--test-per-class") { DefaultValueFactory = _ => 300 }.InRange(0, 1_000_000);
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0 };
        var list = new Option<bool>("--list") { Description = "List the pack's materials and their texture counts, then exit." };
        var cmd = new Command("dataset", "Build a class-labelled dataset of random crops from a texture pack (held-out textures for test).")
            { sourceKind, pk3, wad, classes, outDir, size, train, test, seed, list, sheet, cropSide };
        cmd.SetAction(r =>
        {
            bool freedoom = r.GetValue(sourceKind) == "freedoom";
            using ITextureSource pack = freedoom ? FreedoomTextures.Open(r.GetValue(wad)!) : TexturePack.Open(r.GetValue(pk3)!);
            if (r.GetValue(sheet) is { } sheetPath)
            {
                TextureSheet.Write(pack, sheetPath);
                AnsiConsole.MarkupLineInterpolated($"Wrote the contact sheet {sheetPath}.");
            }
            if (r.GetValue(list))
            {
                foreach (var (m, files) in pack.Materials.OrderByDescending(kv => kv.Value.Count)) AnsiConsole.WriteLine($"{m,-20} {files.Count}");
                if (pack is FreedoomTextures f) AnsiConsole.WriteLine($"{"(no class)",-20} {f.Unclassified.Count}");
                return 0;
            }
            var output = r.GetValue(outDir) ?? throw new ArgumentException("Give --out DIR (or --list to list the materials).");
            OutputPaths.Check(output, "--out");
            var started = DateTime.UtcNow;
            var chosen = r.GetValue(classes) is { } given
                ? given.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : freedoom ? FreedoomClasses.Names.Where(pack.Materials.ContainsKey).ToArray() : DefaultClasses;
            var summary = TextureCrops.Build(pack, output, new TextureCropOptions
            {
                Classes = chosen,
                Size = r.GetValue(size), CropSide = r.GetValue(cropSide), TrainPerClass = r.GetValue(train), TestPerClass = r.GetValue(test), Seed = r.GetValue(seed),
                Log = s => AnsiConsole.WriteLine(s),
            });
            AnsiConsole.MarkupLineInterpolated($"Wrote {summary.TrainImages} train and {summary.TestImages} test images to {output} in {(DateTime.UtcNow - started).TotalSeconds:F0} s.");
            return 0;
        });
        return cmd;
    }
}
