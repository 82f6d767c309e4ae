using System.CommandLine;
using DiTPlugin.Cli;

// The Training console: each command parses its options and calls into DiT.Training.
var root = new RootCommand("dit: train, sample, export and inspect Diffusion Transformers (DiT, Peebles & Xie 2023).");
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(SampleCommand.Create());
root.Subcommands.Add(PruneCommand.Create());
root.Subcommands.Add(ImportCommand.Create());
root.Subcommands.Add(CacheLatentsCommand.Create());
root.Subcommands.Add(ExportCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
return root.Parse(args).Invoke();
