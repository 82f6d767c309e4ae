using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Model;

/// <summary>
/// Class labels to vectors. With label dropout enabled the table has num_classes + 1 rows: the last row is the
/// "null" class that classifier-free guidance uses as the unconditional branch.
/// </summary>
public sealed class LabelEmbedder : Module<Tensor, Tensor>
{
    private readonly Embedding embedding_table;
    public int NumClasses { get; }
    public double DropoutProb { get; }
    /// <summary>The label id of the null class (== NumClasses).</summary>
    public int NullClass => NumClasses;

    public LabelEmbedder(int numClasses, int hiddenSize, double dropoutProb) : base(nameof(LabelEmbedder))
    {
        NumClasses = numClasses;
        DropoutProb = dropoutProb;
        embedding_table = Embedding(numClasses + (dropoutProb > 0 ? 1 : 0), hiddenSize);
        RegisterComponents();
    }

    /// <summary>
    /// Replaces each label by the null class with probability DropoutProb. Kept out of forward() so that the
    /// trainer draws the mask from its own seeded generator, which makes resumed runs bit-identical.
    /// </summary>
    public Tensor DropLabels(Tensor labels, Generator? generator)
    {
        if (DropoutProb <= 0) return labels.alias();
        using var scope = NewDisposeScope();
        var drop = rand(labels.shape, generator: generator, device: labels.device) < DropoutProb;
        return where(drop, full_like(labels, NullClass), labels).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor labels) => embedding_table.forward(labels);

    internal Embedding Table => embedding_table;
}
