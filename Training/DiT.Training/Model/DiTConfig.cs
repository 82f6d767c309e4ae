using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace DiT.Training.Model;

/// <summary>How the conditioning c = t_emb + y_emb enters each transformer block (paper, Section 3.2, Fig. 3).</summary>
public enum BlockType
{
    /// <summary>Adaptive LayerNorm with zero-initialised residual gates: the paper's best design and the default.</summary>
    AdaLNZero,
    /// <summary>Adaptive LayerNorm (shift and scale regressed from c), no gates.</summary>
    AdaLN,
    /// <summary>Multi-head cross-attention to the length-2 sequence [t_emb, y_emb] after self-attention.</summary>
    CrossAttention,
    /// <summary>t_emb and y_emb appended as two tokens; standard ViT blocks; the tokens are dropped before the final layer.</summary>
    InContext,
}

/// <summary>The shape of a DiT: the paper's S/B/L/XL x patch 2/4/8 grid, or a custom size for small experiments.</summary>
public sealed record DiTConfig
{
    public int Depth { get; init; } = 28;
    public int HiddenSize { get; init; } = 1152;
    public int NumHeads { get; init; } = 16;
    public int PatchSize { get; init; } = 2;
    /// <summary>Spatial size of the model input (latent side for latent models, pixel side for pixel models).</summary>
    public int InputSize { get; init; } = 32;
    public int InChannels { get; init; } = 4;
    public int NumClasses { get; init; } = 1000;
    public double MlpRatio { get; init; } = 4.0;
    /// <summary>Also predict the interpolation v of the learned-range variance: doubles the output channels.</summary>
    public bool LearnSigma { get; init; } = true;
    /// <summary>Label dropout during training (classifier-free guidance). 0 disables the null class entirely.</summary>
    public double ClassDropoutProb { get; init; } = 0.1;
    public BlockType Block { get; init; } = BlockType.AdaLNZero;

    public int OutChannels => LearnSigma ? InChannels * 2 : InChannels;
    public int GridSize => InputSize / PatchSize;
    public int NumPatches => GridSize * GridSize;
    public int MlpHidden => (int)(HiddenSize * MlpRatio);

    /// <summary>Depth, hidden size, heads of the paper's model sizes (Table 1).</summary>
    public static readonly IReadOnlyDictionary<string, (int Depth, int Hidden, int Heads)> Sizes =
        new Dictionary<string, (int, int, int)>
        {
            ["S"] = (12, 384, 6),
            ["B"] = (12, 768, 12),
            ["L"] = (24, 1024, 16),
            ["XL"] = (28, 1152, 16),
        };

    /// <summary>Every named config, "DiT-S/2" … "DiT-XL/8".</summary>
    public static IEnumerable<string> Names
    {
        get
        {
            foreach (var s in Sizes.Keys)
                foreach (var p in new[] { 2, 4, 8 })
                    yield return $"DiT-{s}/{p}";
        }
    }

    /// <summary>Parses "DiT-XL/2" (case-insensitive, "DiT-" optional). Image size 256 means a 32x32x4 latent.</summary>
    public static DiTConfig FromName(string name, int inputSize = 32, int inChannels = 4, int numClasses = 1000)
    {
        var m = Regex.Match(name.Trim(), @"^(?:DiT-)?(S|B|L|XL)/(2|4|8)$", RegexOptions.IgnoreCase);
        if (!m.Success)
            throw new ArgumentException($"Unknown DiT config '{name}'. Valid: {string.Join(", ", Names)}.", nameof(name));
        var (depth, hidden, heads) = Sizes[m.Groups[1].Value.ToUpperInvariant()];
        return new DiTConfig
        {
            Depth = depth, HiddenSize = hidden, NumHeads = heads, PatchSize = int.Parse(m.Groups[2].Value),
            InputSize = inputSize, InChannels = inChannels, NumClasses = numClasses,
        };
    }

    // Upper bounds on a config. They are far above any DiT that is trained or sampled (the paper's largest, XL, is
    // depth 28, hidden 1152, 1000 classes, 64x64 latents at 512 px) and exist so that a config read from a file cannot
    // ask for absurd allocations: hidden 2^20 alone would make one qkv matrix of 3·2^40 floats (12 TB).
    public const int MaxDepth = 512;
    public const int MaxHiddenSize = 8192;
    public const int MaxInputSize = 1024;
    public const int MaxInChannels = 256;
    public const int MaxNumClasses = 100_000;
    public const double MaxMlpRatio = 16;
    /// <summary>
    /// Tokens per image (grid²). pos_embed (T x D floats) is built in one managed array, so T·D must stay well below
    /// 2^31; 65536 tokens (a 256x256 grid) x 8192 is 2^29. Attention over more tokens than that is out of reach anyway.
    /// </summary>
    public const int MaxTokens = 65_536;

    /// <summary>Throws with a message naming the offending field and its valid range when the shape cannot (or should not) form a DiT.</summary>
    public DiTConfig Validate()
    {
        if (Depth < 1 || Depth > MaxDepth) throw new ArgumentException($"Depth must be in 1..{MaxDepth}, got {Depth}.");
        if (HiddenSize < 1 || HiddenSize > MaxHiddenSize) throw new ArgumentException($"HiddenSize must be in 1..{MaxHiddenSize}, got {HiddenSize}.");
        if (NumHeads < 1 || HiddenSize % NumHeads != 0)
            throw new ArgumentException($"HiddenSize ({HiddenSize}) must be a positive multiple of NumHeads ({NumHeads}).");
        if (HiddenSize % 4 != 0)
            throw new ArgumentException($"HiddenSize ({HiddenSize}) must be divisible by 4 for the 2-D sin-cos position embedding.");
        if (InputSize > MaxInputSize) throw new ArgumentException($"InputSize must be at most {MaxInputSize}, got {InputSize}.");
        if (PatchSize < 1 || InputSize < PatchSize || InputSize % PatchSize != 0)
            throw new ArgumentException($"InputSize ({InputSize}) must be a positive multiple of PatchSize ({PatchSize}).");
        if (NumPatches > MaxTokens)
            throw new ArgumentException($"InputSize {InputSize} with PatchSize {PatchSize} makes {NumPatches} tokens; at most {MaxTokens} are allowed (use a larger patch).");
        if (InChannels < 1 || InChannels > MaxInChannels) throw new ArgumentException($"InChannels must be in 1..{MaxInChannels}, got {InChannels}.");
        if (NumClasses < 1 || NumClasses > MaxNumClasses) throw new ArgumentException($"NumClasses must be in 1..{MaxNumClasses}, got {NumClasses}.");
        // Written as !(in range) so that NaN, which fails every comparison, is refused too.
        if (!(MlpRatio > 0 && MlpRatio <= MaxMlpRatio) || MlpHidden < 1)
            throw new ArgumentException($"MlpRatio must be in (0, {MaxMlpRatio}] with HiddenSize * MlpRatio >= 1, got {MlpRatio}.");
        if (!(ClassDropoutProb >= 0 && ClassDropoutProb < 1))
            throw new ArgumentException($"ClassDropoutProb must be in [0, 1), got {ClassDropoutProb}.");
        if (!Enum.IsDefined(Block))
            throw new ArgumentException($"Block {(int)Block} is not a block design (valid: {string.Join(", ", Enum.GetNames<BlockType>())}).");
        return this;
    }
}
