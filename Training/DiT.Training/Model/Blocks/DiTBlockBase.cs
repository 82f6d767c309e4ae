using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiTPlugin.Training.Model.Blocks;

/// <summary>
/// One transformer block of any conditioning design: forward(x (B,T,D), condition) → (B,T,D). Each design reads the
/// form of the <see cref="Conditioning"/> it needs.
/// </summary>
public abstract class DiTBlockBase : Module<Tensor, Conditioning, Tensor>
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
