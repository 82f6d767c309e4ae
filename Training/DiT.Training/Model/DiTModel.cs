using System;
using System.Linq;
using DiT.Training.Model.Blocks;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Model;

/// <summary>
/// Diffusion Transformer (Peebles &amp; Xie 2023). Reads top to bottom like the paper's Figure 3:
/// patchify + position embedding, the condition from t_emb and y_emb, N blocks, final layer, unpatchify.
/// Field names equal the official state_dict keys (x_embedder.proj.weight, blocks.0.attn.qkv.weight, …).
/// Called DiTModel so that DiT names only the Plugin's runtime API (DiTPlugin.DiT).
/// </summary>
public sealed class DiTModel : Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly PatchEmbed x_embedder;
    private readonly TimestepEmbedder t_embedder;
    private readonly LabelEmbedder y_embedder;
    private readonly Tensor pos_embed;                 // fixed sin-cos, a persistent buffer (not trained)
    private readonly ModuleList<DiTBlockBase> blocks;
    private readonly FinalLayer final_layer;

    public DiTConfig Config { get; }

    /// <summary>The conditioning design's row of the block table: counts, condition tokens, zero-initialised modules.</summary>
    public BlockDesign Design { get; }
    public LabelEmbedder Labels => y_embedder;

    public DiTModel(DiTConfig config) : base(nameof(DiTModel))
    {
        Config = config.Validate();
        Design = BlockDesign.For(config.Block);
        int d = config.HiddenSize;
        x_embedder = new PatchEmbed(config.PatchSize, config.InChannels, d);
        t_embedder = new TimestepEmbedder(d);
        y_embedder = new LabelEmbedder(config.NumClasses, d, config.ClassDropoutProb);
        pos_embed = tensor(PositionEmbedding.SinCos2D(d, config.GridSize), new long[] { 1, config.NumPatches, d });
        blocks = new ModuleList<DiTBlockBase>(Enumerable.Range(0, config.Depth).Select(_ => DiTBlockBase.Create(config)).ToArray());
        final_layer = new FinalLayer(d, config.PatchSize, config.OutChannels, Design.AdaptiveFinalLayer);
        RegisterComponents();
        InitializeWeights();
    }

    /// <summary>How <see cref="forward"/> runs each block; null runs <c>block.forward(x, cond)</c>. Training sets it
    /// (to recompute blocks in backward, or to mark where backward leaves a block); the result must equal the plain run's.</summary>
    public BlockRunner? BlockRunner { get; set; }

    /// <summary>x (B,C,H,W), t (B) timesteps, y (B) labels (the null class allowed) → (B, out_channels, H, W).</summary>
    public override Tensor forward(Tensor x, Tensor t, Tensor y)
    {
        if (x.ndim != 4 || x.shape[1] != Config.InChannels || x.shape[2] != Config.InputSize || x.shape[3] != Config.InputSize)
            throw new ArgumentException(
                $"DiT expects x of shape (B, {Config.InChannels}, {Config.InputSize}, {Config.InputSize}), got ({string.Join(", ", x.shape)}).");
        using var scope = NewDisposeScope();
        var tokens = x_embedder.forward(x) + pos_embed;                 // (B, T, D)
        var cond = Conditioning.Of(t_embedder.forward(t), y_embedder.forward(y), Design.ReadsConditionTokens);
        if (Design.AppendedTokens > 0) tokens = cat(new[] { tokens, cond.RequiredTokens }, dim: 1);   // in-context: the condition as tokens
        for (int i = 0; i < blocks.Count; i++)
            tokens = BlockRunner is null ? blocks[i].forward(tokens, cond) : BlockRunner(i, blocks[i], tokens, cond);
        if (Design.AppendedTokens > 0) tokens = tokens[.., ..Config.NumPatches];   // drop the appended condition tokens
        var patches = final_layer.forward(tokens, cond.Vector);         // (B, T, p*p*out)
        return Unpatchify(patches).MoveToOuterDisposeScope();
    }

    /// <summary>(B, T, p*p*C) tokens back to (B, C, H, W); token n = row*grid + col, channels ordered (p, q, c).</summary>
    public Tensor Unpatchify(Tensor x)
    {
        int p = Config.PatchSize, g = Config.GridSize, c = Config.OutChannels;
        using var scope = NewDisposeScope();
        long b = x.shape[0];
        return x.reshape(b, g, g, p, p, c)
            .permute(0, 5, 1, 3, 2, 4)                                  // n h w p q c -> n c h p w q
            .reshape(b, c, g * p, g * p).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Classifier-free guidance as DiT's forward_with_cfg: the batch is [x, x] with labels [y, null]; the guided eps
    /// uncond + s (cond - uncond) replaces the first <paramref name="guidedChannels"/> eps channels of both halves
    /// (3 reproduces the paper's published FIDs on 4-channel latents; null guides every channel). The learned
    /// variance channels pass through from the model.
    /// </summary>
    public Tensor ForwardWithCfg(Tensor x, Tensor t, Tensor y, double cfgScale, int? guidedChannels = null)
    {
        using var scope = NewDisposeScope();
        long half = x.shape[0] / 2;
        var xh = x[..(int)half];
        var combined = cat(new[] { xh, xh }, dim: 0);
        var outp = forward(combined, t, y);
        int c = Config.InChannels, g = Math.Clamp(guidedChannels ?? c, 1, c);
        var eps = outp[.., ..g];
        var rest = outp[.., g..];
        var cond = eps[..(int)half];
        var uncond = eps[(int)half..];
        var guided = uncond + (cond - uncond) * cfgScale;
        var eps2 = cat(new[] { guided, guided }, dim: 0);
        return cat(new[] { eps2, rest }, dim: 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The paper's initialisation: xavier-uniform Linear weights (zero bias), patch conv as a Linear, N(0, 0.02)
    /// label table and timestep MLP, then zero for the modules the design's table row lists (adaLN-Zero's modulations,
    /// and the final linear in every design). Zeroing draws no random numbers, so doing it last keeps the RNG stream.
    /// </summary>
    private void InitializeWeights()
    {
        using var _ = no_grad();
        foreach (var (_, m) in named_modules())
            if (m is Linear lin)
            {
                init.xavier_uniform_(lin.weight!);
                if (lin.bias is not null) init.zeros_(lin.bias);
            }
        var w = x_embedder.Proj.weight!;
        using (var flat = w.view(w.shape[0], -1)) init.xavier_uniform_(flat);
        init.zeros_(x_embedder.Proj.bias!);
        init.normal_(y_embedder.Table.weight!, std: 0.02);
        init.normal_(t_embedder.FrequencyProjection.weight!, std: 0.02);
        init.normal_(t_embedder.OutputProjection.weight!, std: 0.02);
        foreach (var (name, p) in named_parameters())
            if (Design.IsZeroInit(name)) init.zeros_(p);
    }
}
