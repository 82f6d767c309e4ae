using System.CommandLine;
using DiT.Training.Export;
using DiT.Training.Export.Int8;
using DiTPlugin.Contract.Package;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>`dit quantize`: add dit_int8.onnx to a package folder from its fp32 DiT graph (no checkpoint needed).</summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var package = new Option<string>("--package") { Description = "A model package folder with an fp32 DiT graph.", Required = true };
        var replace = new Option<bool>("--replace") { Description = "Make the int8 graph again when the package already has one." };
        var cmd = new Command("quantize", "Add an int8 DiT graph (dit_int8.onnx) to a package folder, made from its fp32 dit graph.") { package, replace };
        cmd.SetAction(r =>
        {
            var folder = r.GetValue(package)!;
            var manifest = Int8PackageUpgrade.AddInt8(folder, replace: r.GetValue(replace));
            ModelPackageWriter.ReadAndVerify(folder);
            foreach (var g in manifest.Graphs)
                AnsiConsole.MarkupLineInterpolated($"  {g.File}  {g.Precision.ToJson()}  sha256 {g.Sha256[..16]}…");
            AnsiConsole.MarkupLineInterpolated($"{folder}: formatVersion {manifest.FormatVersion}, contentHash {manifest.ContentHash?[..16]}…");
            return 0;
        });
        return cmd;
    }
}
