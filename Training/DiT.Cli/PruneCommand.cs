using System.CommandLine;
using DiT.Training.Model;
using DiT.Training.Trainer;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>`dit prune`: keep only the EMA weights of a checkpoint, for shipping a model that samples.</summary>
internal static class PruneCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--checkpoint") { Description = "A full checkpoint written by dit train.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the weights-only checkpoint.", Required = true };
        var cmd = new Command("prune", "Write a weights-only (EMA) checkpoint that samples but cannot resume.") { input, output };
        cmd.SetAction(r =>
        {
            using var c = Checkpoint.Load(r.GetValue(input)!);
            using var ema = c.CreateModel();
            Checkpoint.Save(r.GetValue(output)!, null, ema, null, c.Step, c.Options, c.ClassNames, c.Provenance);
            AnsiConsole.MarkupLineInterpolated($"Wrote {r.GetValue(output)} (EMA weights at step {c.Step}).");
            return 0;
        });
        return cmd;
    }
}
