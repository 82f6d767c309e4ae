using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiTPlugin.Training.Model.Blocks;

/// <summary>
/// One transformer block of any conditioning design: forward(x (B,T,D), c (B,D) = t_emb + y_emb,
/// cond (B,2,D) = [t_emb, y_emb]). Each design reads the form of the condition it needs.
/// </summary>
public abstract class DiTBlockBase : Module<Tensor, Tensor, Tensor, Tensor>
{
    protected DiTBlockBase(string name) : base(name) { }

    public static DiTBlockBase Create(DiTConfig cfg) => cfg.Block switch
    {
        BlockType.AdaLNZero => new AdaLNZeroBlock(cfg.HiddenSize, cfg.NumHeads, cfg.MlpHidden),
        BlockType.AdaLN => new AdaLNBlock(cfg.HiddenSize, cfg.NumHeads, cfg.MlpHidden),
        BlockType.CrossAttention => new CrossAttentionBlock(cfg.HiddenSize, cfg.NumHeads, cfg.MlpHidden),
        BlockType.InContext => new InContextBlock(cfg.HiddenSize, cfg.NumHeads, cfg.MlpHidden),
        _ => throw new System.ArgumentOutOfRangeException(nameof(cfg), $"Unknown block type {cfg.Block}."),
    };
}
