using System.CommandLine;
using DiT.Training.Export;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>`dit upgrade`: give an older package's DiT graphs the y_uncond input (negative guidance), no checkpoint needed.</summary>
internal static class UpgradeCommand
{
    public static Command Create()
    {
        var package = new Option<string>("--package") { Description = "A model package folder written before negative guidance (formatVersion 1 or 2).", Required = true };
        var cmd = new Command("upgrade", "Give a package's DiT graphs the formatVersion-3 inputs: unconditional labels (negative guidance) and class mixing.") { package };
        cmd.SetAction(r =>
        {
            var folder = r.GetValue(package)!;
            var manifest = GuidanceInputsUpgrade.Apply(folder);
            ModelPackageWriter.ReadAndVerify(folder);
            foreach (var g in manifest.Graphs)
                AnsiConsole.MarkupLineInterpolated($"  {g.File}  sha256 {g.Sha256[..16]}…");
            AnsiConsole.MarkupLineInterpolated($"{folder}: formatVersion {manifest.FormatVersion}, contentHash {manifest.ContentHash[..16]}…; negative guidance and class mixing available");
            return 0;
        });
        return cmd;
    }
}
