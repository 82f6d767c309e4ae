using System;
using System.CommandLine;
using DiT.Training.Eval.Classifier;
using Spectre.Console;

namespace DiT.Cli;

/// <summary>`dit train-classifier`: the feature network for `dit eval` on small datasets (class accuracy, FID on its features).</summary>
internal static class TrainClassifierCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Training images (ImageFolder, fashion-mnist).", Required = true };
        var test = new Option<string?>("--test") { Description = "Held-out images of the same classes (e.g. dit dataset's test/), for the reported accuracy." };
        var outPath = new Option<string>("--out") { Description = "Classifier file (.safetensors).", Required = true };
        var size = new Option<int>("--image-size") { DefaultValueFactory = _ => 32 }.InRange(8, 1024);
        var grayscale = new Option<bool>("--grayscale");
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 8 }.InRange(1, 10_000);
        var widths = new Option<string>("--widths") { Description = "Three stage widths.", DefaultValueFactory = _ => "16,32,64" };
        var batch = new Option<int>("--batch") { DefaultValueFactory = _ => 128 }.InRange(1, 65_536);
        var lr = new Option<double>("--lr") { DefaultValueFactory = _ => 2e-3 }.Finite(1e-12, 10);
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 0 }.InRange(0, long.MaxValue);
        var cmd = new Command("train-classifier", "Train the evaluation classifier (features for FID/sFID/precision-recall, logits for IS and class accuracy).")
            { data, test, outPath, size, grayscale, epochs, widths, batch, lr, seed };
        cmd.SetAction(r =>
        {
            void Warn(string s) => AnsiConsole.MarkupLineInterpolated($"[yellow]{s}[/]");
            var train = DataSources.Open(r.GetValue(data)!, r.GetValue(size), r.GetValue(grayscale), Warn);
            var held = r.GetValue(test) is { } t ? DataSources.Open(t, r.GetValue(size), r.GetValue(grayscale), Warn) : null;
            if (held is not null && !System.Linq.Enumerable.SequenceEqual(held.ClassNames, train.ClassNames))
                throw new ArgumentException($"--test has classes [{string.Join(", ", held.ClassNames)}], --data [{string.Join(", ", train.ClassNames)}].");
            var started = DateTime.UtcNow;
            using var model = ClassifierTrainer.Train(train, held, new ClassifierTrainOptions
            {
                Epochs = r.GetValue(epochs), Widths = System.Array.ConvertAll(r.GetValue(widths)!.Split(','), int.Parse), BatchSize = r.GetValue(batch), LearningRate = r.GetValue(lr), Seed = r.GetValue(seed),
                Progress = (e, loss, acc) => AnsiConsole.MarkupLineInterpolated(
                    $"epoch {e}/{r.GetValue(epochs)}  loss {loss:F4}  held-out accuracy {(double.IsNaN(acc) ? "-" : $"{acc:P1}")}  ({(DateTime.UtcNow - started).TotalSeconds:F0} s)"),
            });
            double accuracy = held is null ? double.NaN : ClassifierTrainer.Accuracy(model, held);
            ClassifierFile.Save(r.GetValue(outPath)!, model, train.ClassNames, accuracy, r.GetValue(data)!);
            AnsiConsole.MarkupLineInterpolated($"Wrote {r.GetValue(outPath)}: {train.ClassNames.Count} classes, held-out accuracy {accuracy:P1}.");
            return 0;
        });
        return cmd;
    }
}
