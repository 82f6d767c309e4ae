using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using DiT.Training.Formats;
using static TorchSharp.torch;

namespace DiT.Training.Eval.Classifier;

/// <summary>A trained classifier as one safetensors file: weights (incl. BatchNorm statistics), config, class names and its held-out accuracy.</summary>
public static class ClassifierFile
{
    public const string Format = "ditplugin-classifier/1";

    public sealed record Info(ClassifierConfig Config, IReadOnlyList<string> ClassNames, double TestAccuracy, string TrainedOn);

    public static void Save(string path, ImageClassifier model, IReadOnlyList<string> classNames, double testAccuracy, string trainedOn)
    {
        if (classNames.Count != model.Config.NumClasses)
            throw new ArgumentException($"{classNames.Count} class names for a classifier of {model.Config.NumClasses} classes.");
        var meta = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["config"] = JsonSerializer.Serialize(model.Config),
            ["class_names"] = JsonSerializer.Serialize(classNames),
            ["test_accuracy"] = testAccuracy.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["trained_on"] = trainedOn,
        };
        Safetensors.Save(path, model.state_dict(), meta);
    }

    public static (ImageClassifier Model, Info Info) Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Classifier '{path}' does not exist.", path);
        using var file = Safetensors.Load(path);
        string Meta(string k) => file.Metadata.TryGetValue(k, out var v) ? v
            : throw new InvalidDataException($"'{path}' has no '{k}' metadata; is it a classifier written by dit train-classifier ({Format})?");
        if (Meta("format") != Format) throw new InvalidDataException($"'{path}' has format '{Meta("format")}', expected '{Format}'.");
        var config = JsonSerializer.Deserialize<ClassifierConfig>(Meta("config"))!.Validate();
        var names = JsonSerializer.Deserialize<List<string>>(Meta("class_names"))!;
        var model = new ImageClassifier(config);
        try { StateDictLoader.Load(model, file.Tensors, $"Classifier '{path}'"); }
        catch { model.Dispose(); throw; }
        model.eval();
        double acc = double.Parse(Meta("test_accuracy"), System.Globalization.CultureInfo.InvariantCulture);
        return (model, new Info(config, names, acc, file.Metadata.GetValueOrDefault("trained_on", "")));
    }
}
