using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using DiT.Training.Formats;

namespace DiT.Training.Upscale;

/// <summary>The upscaler's weights file: safetensors with its config (factor, channels, features, blocks) in the metadata.</summary>
public static class UpscalerFile
{
    public const string Format = "ditplugin-upscaler";

    public static void Save(string path, UpscalerModel model, string trainedOn)
    {
        var c = model.Config;
        var meta = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["factor"] = c.Factor.ToString(CultureInfo.InvariantCulture),
            ["channels"] = c.Channels.ToString(CultureInfo.InvariantCulture),
            ["features"] = c.Features.ToString(CultureInfo.InvariantCulture),
            ["blocks"] = c.Blocks.ToString(CultureInfo.InvariantCulture),
            ["trained_on"] = trainedOn,
        };
        Safetensors.Save(path, model.state_dict(), meta);
    }

    public static UpscalerModel Load(string path)
    {
        using var file = Safetensors.Load(path);
        int Int(string key) => file.Metadata.TryGetValue(key, out var v) && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i
            : throw new InvalidDataException($"'{path}' has no valid '{key}' metadata; is it an upscaler written by dit train-upscaler ({Format})?");
        if (!file.Metadata.TryGetValue("format", out var f) || f != Format)
            throw new InvalidDataException($"'{path}' is not an upscaler file (format '{f ?? "(none)"}', expected '{Format}').");
        var model = new UpscalerModel(new UpscalerConfig { Factor = Int("factor"), Channels = Int("channels"), Features = Int("features"), Blocks = Int("blocks") });
        var state = model.state_dict();
        foreach (var (name, tensor) in state)
        {
            if (!file.Tensors.TryGetValue(name, out var saved)) throw new InvalidDataException($"'{path}' has no tensor '{name}'.");
            if (!saved.shape.AsSpan().SequenceEqual(tensor.shape)) throw new InvalidDataException($"'{path}': '{name}' is [{string.Join(", ", saved.shape)}], the model has [{string.Join(", ", tensor.shape)}].");
            using (TorchSharp.torch.no_grad()) tensor.copy_(saved);
        }
        model.eval();
        return model;
    }
}
