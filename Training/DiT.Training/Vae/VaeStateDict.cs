using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace DiT.Training.Vae;

/// <summary>
/// Brings AutoencoderKL weight files to the key layout of our modules (diffusers' current names) and reads the
/// config off tensor shapes.
/// </summary>
public static partial class VaeStateDict
{
    /// <summary>Older diffusers files' attention names → the current ones.</summary>
    public static IReadOnlyDictionary<string, string> LegacyAttentionNames { get; } = new Dictionary<string, string>
    {
        ["query"] = "to_q", ["key"] = "to_k", ["value"] = "to_v", ["proj_attn"] = "to_out.0",
    };

    [GeneratedRegex(@"^(?<prefix>.*\.attentions\.\d+\.)(?<name>query|key|value|proj_attn)\.(?<kind>weight|bias)$")]
    private static partial Regex LegacyKey();

    [GeneratedRegex(@"^.*\.attentions\.\d+\.(to_q|to_k|to_v|to_out\.0)\.weight$")]
    private static partial Regex AttentionWeight();

    /// <summary>
    /// A copy of the map with legacy attention names (query, key, value, proj_attn) renamed to to_q, to_k, to_v,
    /// to_out.0, and attention projection weights stored as 1x1 convs ([C, C, 1, 1]) viewed as [C, C]. Other keys
    /// pass through unchanged (the strict load then reports anything that does not fit). The returned tensors are
    /// the inputs or views of them.
    /// </summary>
    public static Dictionary<string, Tensor> Normalize(IReadOnlyDictionary<string, Tensor> weights)
    {
        var outp = new Dictionary<string, Tensor>(weights.Count);
        foreach (var (key, t) in weights)
        {
            var m = LegacyKey().Match(key);
            var name = m.Success ? $"{m.Groups["prefix"].Value}{LegacyAttentionNames[m.Groups["name"].Value]}.{m.Groups["kind"].Value}" : key;
            if (outp.ContainsKey(name))
                throw new InvalidDataException($"The VAE weights hold both '{key}' and its other spelling '{name}'; keep one.");
            var value = t;
            if (AttentionWeight().IsMatch(name) && t.ndim == 4 && t.shape[2] == 1 && t.shape[3] == 1)
                value = t.view(t.shape[0], t.shape[1]);
            outp[name] = value;
        }
        return outp;
    }

    /// <summary>
    /// The config the weights were made with, read from shapes: block channels from each encoder stage's first
    /// resnet (or, for decoder-only maps, the decoder's, reversed), layers per block from the resnet count, latent
    /// channels from post_quant_conv, in/out channels from conv_in / conv_out. Group count, eps and scaling factor
    /// cannot be seen in shapes and come from <paramref name="template"/> (SD's by default).
    /// </summary>
    public static VaeConfig InferConfig(IReadOnlyDictionary<string, Tensor> weights, VaeConfig? template = null)
    {
        var w = Normalize(weights);
        template ??= VaeConfig.StableDiffusion;
        long[] Shape(string key) => w.TryGetValue(key, out var t) ? t.shape
            : throw new InvalidDataException($"Cannot infer the VAE config: the weights have no '{key}'.");

        List<int> channels;
        int layers;
        if (w.ContainsKey("encoder.down_blocks.0.resnets.0.conv1.weight"))
        {
            channels = Count(i => w.ContainsKey($"encoder.down_blocks.{i}.resnets.0.conv1.weight"))
                .Select(i => (int)Shape($"encoder.down_blocks.{i}.resnets.0.conv1.weight")[0]).ToList();
            layers = Count(j => w.ContainsKey($"encoder.down_blocks.0.resnets.{j}.conv1.weight")).Count();
        }
        else if (w.ContainsKey("decoder.up_blocks.0.resnets.0.conv1.weight"))
        {
            channels = Count(i => w.ContainsKey($"decoder.up_blocks.{i}.resnets.0.conv1.weight"))
                .Select(i => (int)Shape($"decoder.up_blocks.{i}.resnets.0.conv1.weight")[0]).Reverse().ToList();
            layers = Count(j => w.ContainsKey($"decoder.up_blocks.0.resnets.{j}.conv1.weight")).Count() - 1;
        }
        else throw new InvalidDataException(
            "Cannot infer the VAE config: the weights have neither 'encoder.down_blocks.0.resnets.0.conv1.weight' nor " +
            "'decoder.up_blocks.0.resnets.0.conv1.weight'; are these AutoencoderKL weights in the diffusers layout?");

        int latent = w.ContainsKey("post_quant_conv.weight") ? (int)Shape("post_quant_conv.weight")[0] : (int)Shape("decoder.conv_in.weight")[1];
        int inCh = w.ContainsKey("encoder.conv_in.weight") ? (int)Shape("encoder.conv_in.weight")[1] : template.InChannels;
        int outCh = w.ContainsKey("decoder.conv_out.weight") ? (int)Shape("decoder.conv_out.weight")[0] : template.OutChannels;
        return (template with
        {
            InChannels = inCh, OutChannels = outCh, LatentChannels = latent, BlockOutChannels = channels.ToArray(), LayersPerBlock = layers,
        }).Validate();
    }

    private static IEnumerable<int> Count(System.Func<int, bool> exists)
    {
        for (int i = 0; exists(i); i++) yield return i;
    }
}
