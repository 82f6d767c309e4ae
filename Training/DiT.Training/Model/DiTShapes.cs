using System.Collections.Generic;
using DiT.Training.Formats;

namespace DiT.Training.Model;

/// <summary>
/// The state_dict a <see cref="DiTModel"/> of a config has, name → shape, computed without building the model. Loaders
/// compare a file's shapes with this before allocating anything, so a file whose config and tensors disagree (or
/// that claims a huge config next to small tensors) is refused for the price of a dictionary instead of gigabytes.
/// Mirrors the modules in Model/ and Model/Blocks/; DiTShapesTests checks it against the real state_dict of every
/// block design.
/// </summary>
public static class DiTShapes
{
    public static Dictionary<string, long[]> Expected(DiTConfig c)
    {
        long d = c.HiddenSize, p = c.PatchSize, h = c.MlpHidden;
        var s = new Dictionary<string, long[]>(System.StringComparer.Ordinal);
        void Linear(string name, long inF, long outF)
        {
            s[name + ".weight"] = new[] { outF, inF };
            s[name + ".bias"] = new[] { outF };
        }
        void Norm(string name)
        {
            s[name + ".weight"] = new[] { d };
            s[name + ".bias"] = new[] { d };
        }

        s["x_embedder.proj.weight"] = new[] { d, c.InChannels, p, p };
        s["x_embedder.proj.bias"] = new[] { d };
        Linear("t_embedder.mlp.0", TimestepEmbedder.FrequencySize, d);
        Linear("t_embedder.mlp.2", d, d);
        s["y_embedder.embedding_table.weight"] = new[] { c.NumClasses + (c.ClassDropoutProb > 0 ? 1L : 0L), d };
        s["pos_embed"] = new[] { 1, (long)c.NumPatches, d };
        var design = BlockDesign.For(c.Block);
        for (int i = 0; i < c.Depth; i++)
        {
            string b = $"blocks.{i}.";
            for (int k = 1; k <= design.AffineNormsPerBlock; k++) Norm(b + "norm" + k);   // norm3: cross-attention's
            Linear(b + "attn.qkv", d, 3 * d);
            Linear(b + "attn.proj", d, d);
            if (design.CrossAttends)
            {
                Linear(b + "cross_attn.q", d, d);
                Linear(b + "cross_attn.kv", d, 2 * d);
                Linear(b + "cross_attn.proj", d, d);
            }
            Linear(b + "mlp.fc1", d, h);
            Linear(b + "mlp.fc2", h, d);
            if (design.ModulationChunks > 0) Linear(b + "adaLN_modulation.1", d, design.ModulationChunks * d);
        }
        if (design.AdaptiveFinalLayer) Linear("final_layer.adaLN_modulation.1", d, BlockDesign.FinalModulationChunks * d);
        else Norm("final_layer.norm_final");
        Linear("final_layer.linear", d, p * p * c.OutChannels);
        return s;
    }

    /// <summary>Missing, unexpected and mis-shaped keys of <paramref name="actual"/> against the config; empty when it fits.</summary>
    public static List<string> Problems(DiTConfig config, IReadOnlyDictionary<string, long[]> actual) =>
        StateDictLoader.Problems(Expected(config), actual);
}
