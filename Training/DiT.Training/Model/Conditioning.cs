using System;
using static TorchSharp.torch;

namespace DiT.Training.Model;

/// <summary>
/// The condition (timestep and class) in the two forms the paper's block designs read (Sec. 3.2), as one value so
/// that every block takes the same (x, condition) whichever form its design uses: the adaLN designs and the final
/// layer regress their shifts, scales and gates from one vector, the sum of the two embeddings; cross-attention
/// attends to, and in-context conditioning appends, the two embeddings kept apart as a two-token sequence.
/// </summary>
/// <param name="Vector">c = t_emb + y_emb, (B, D).</param>
/// <param name="Tokens">[t_emb, y_emb] stacked, (B, 2, D); null when the design reads no condition tokens
/// (<see cref="BlockDesign.ReadsConditionTokens"/>), so that the adaLN designs do not build a tensor no block uses.</param>
public readonly record struct Conditioning(Tensor Vector, Tensor? Tokens)
{
    /// <summary>The condition of timestep embedding <paramref name="tEmb"/> and label embedding <paramref name="yEmb"/>, both (B, D).</summary>
    public static Conditioning Of(Tensor tEmb, Tensor yEmb, bool withTokens) =>
        new(tEmb + yEmb, withTokens ? stack(new[] { tEmb, yEmb }, dim: 1) : null);

    /// <summary>The token form, for a block whose design reads it: its absence is a wiring error, named here rather
    /// than as a null dereference inside the attention.</summary>
    public Tensor RequiredTokens => Tokens ?? throw new InvalidOperationException(
        "This condition was built without its tokens [t_emb, y_emb]: the model builds them only for designs that read them (BlockDesign.ReadsConditionTokens).");
}
