using System;
using System.CommandLine;
using System.IO;
using DiT.Cli;
using Spectre.Console;

// The Training console: each command parses its options and calls into DiT.Training.
var root = new RootCommand("dit: train, sample, export and inspect Diffusion Transformers (DiT, Peebles & Xie 2023).");
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(SampleCommand.Create());
root.Subcommands.Add(PruneCommand.Create());
root.Subcommands.Add(DatasetCommand.Create());
root.Subcommands.Add(ImportCommand.Create());
root.Subcommands.Add(CacheLatentsCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(QuantizeCommand.Create());
root.Subcommands.Add(UpgradeCommand.Create());
root.Subcommands.Add(TrainClassifierCommand.Create());
root.Subcommands.Add(TrainUpscalerCommand.Create());
root.Subcommands.Add(EvalCommand.Create());
root.Subcommands.Add(SampleNpzCommand.Create());
root.Subcommands.Add(BenchCommand.Create());

// Bad input (a missing, corrupt or mismatched file, a wrong option value) is the user's to fix: one clear line,
// no stack trace. Anything else is a bug and keeps its stack trace.
try
{
    return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or NotSupportedException or UnauthorizedAccessException)
{
    // IOException covers a missing file or folder, an --out under a regular file, a full disk: the machine's state, not a bug.
    AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {CliErrors.Describe(e)}");
    return 2;
}
