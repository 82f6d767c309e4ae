using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Eval;

/// <summary>
/// The pooling ops of the mixed blocks. The FID graph (TF 2015-12-05) averages over the 3x3 window's positions that
/// lie inside the map (padding is not counted), unlike torchvision's InceptionV3 which divides by 9 everywhere.
/// </summary>
internal static class InceptionPool
{
    /// <summary>3x3, stride 1, padding 1 average; border windows divide by the number of in-map positions.</summary>
    public static Tensor AverageExcludingPadding(Tensor x) =>
        functional.avg_pool2d(x, new long[] { 3, 3 }, new long[] { 1, 1 }, new long[] { 1, 1 }, count_include_pad: false);

    /// <summary>3x3, stride 1, padding 1 maximum (padding never wins).</summary>
    public static Tensor MaxSame(Tensor x) =>
        functional.max_pool2d(x, new long[] { 3, 3 }, new long[] { 1, 1 }, new long[] { 1, 1 });

    /// <summary>3x3, stride 2, no padding maximum (the grid reductions).</summary>
    public static Tensor MaxReduce(Tensor x) =>
        functional.max_pool2d(x, new long[] { 3, 3 }, new long[] { 2, 2 });
}

/// <summary>
/// 35x35 block (Mixed_5b/5c/5d): 1x1 | 1x1 → 5x5 | 1x1 → 3x3 → 3x3 | avg pool → 1x1, concatenated in that order:
/// 64 + 64 + 96 + <c>poolFeatures</c> channels.
/// </summary>
public sealed class InceptionA : Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3, branch_pool;

    public InceptionA(long inChannels, long poolFeatures) : base(nameof(InceptionA))
    {
        branch1x1 = new BasicConv2d(inChannels, 64, 1);
        branch5x5_1 = new BasicConv2d(inChannels, 48, 1);
        branch5x5_2 = new BasicConv2d(48, 64, 5, padding: 2);
        branch3x3dbl_1 = new BasicConv2d(inChannels, 64, 1);
        branch3x3dbl_2 = new BasicConv2d(64, 96, 3, padding: 1);
        branch3x3dbl_3 = new BasicConv2d(96, 96, 3, padding: 1);
        branch_pool = new BasicConv2d(inChannels, poolFeatures, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b1 = branch1x1.forward(x);
        var b5 = branch5x5_2.forward(branch5x5_1.forward(x));
        var b3 = branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x)));
        var bp = branch_pool.forward(InceptionPool.AverageExcludingPadding(x));
        return cat(new[] { b1, b5, b3, bp }, 1).MoveToOuterDisposeScope();
    }
}

/// <summary>35x35 → 17x17 reduction (Mixed_6a): 3x3/2 | 1x1 → 3x3 → 3x3/2 | max pool 3/2: 384 + 96 + in channels.</summary>
public sealed class InceptionB : Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3;

    public InceptionB(long inChannels) : base(nameof(InceptionB))
    {
        branch3x3 = new BasicConv2d(inChannels, 384, 3, stride: 2);
        branch3x3dbl_1 = new BasicConv2d(inChannels, 64, 1);
        branch3x3dbl_2 = new BasicConv2d(64, 96, 3, padding: 1);
        branch3x3dbl_3 = new BasicConv2d(96, 96, 3, stride: 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b3 = branch3x3.forward(x);
        var bd = branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x)));
        var bp = InceptionPool.MaxReduce(x);
        return cat(new[] { b3, bd, bp }, 1).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// 17x17 block with factorised 7x7 convolutions (Mixed_6b..6e): 1x1 | 1x1 → 1x7 → 7x1 | 1x1 → 7x1 → 1x7 → 7x1 → 1x7 |
/// avg pool → 1x1, 192 channels each (768). The first 192 output channels are <c>branch1x1</c>'s, which the TF graph
/// calls <c>mixed_N/conv</c>.
/// </summary>
public sealed class InceptionC : Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1;
    private readonly BasicConv2d branch7x7_1, branch7x7_2, branch7x7_3;
    private readonly BasicConv2d branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5;
    private readonly BasicConv2d branch_pool;

    public InceptionC(long inChannels, long channels7x7) : base(nameof(InceptionC))
    {
        long c7 = channels7x7;
        branch1x1 = new BasicConv2d(inChannels, 192, 1);
        branch7x7_1 = new BasicConv2d(inChannels, c7, 1);
        branch7x7_2 = new BasicConv2d(c7, c7, (1, 7), padding: (0, 3));
        branch7x7_3 = new BasicConv2d(c7, 192, (7, 1), padding: (3, 0));
        branch7x7dbl_1 = new BasicConv2d(inChannels, c7, 1);
        branch7x7dbl_2 = new BasicConv2d(c7, c7, (7, 1), padding: (3, 0));
        branch7x7dbl_3 = new BasicConv2d(c7, c7, (1, 7), padding: (0, 3));
        branch7x7dbl_4 = new BasicConv2d(c7, c7, (7, 1), padding: (3, 0));
        branch7x7dbl_5 = new BasicConv2d(c7, 192, (1, 7), padding: (0, 3));
        branch_pool = new BasicConv2d(inChannels, 192, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b1 = branch1x1.forward(x);
        var b7 = branch7x7_3.forward(branch7x7_2.forward(branch7x7_1.forward(x)));
        var bd = branch7x7dbl_1.forward(x);
        bd = branch7x7dbl_3.forward(branch7x7dbl_2.forward(bd));
        bd = branch7x7dbl_5.forward(branch7x7dbl_4.forward(bd));
        var bp = branch_pool.forward(InceptionPool.AverageExcludingPadding(x));
        return cat(new[] { b1, b7, bd, bp }, 1).MoveToOuterDisposeScope();
    }
}

/// <summary>17x17 → 8x8 reduction (Mixed_7a): 1x1 → 3x3/2 | 1x1 → 1x7 → 7x1 → 3x3/2 | max pool 3/2: 320 + 192 + in channels.</summary>
public sealed class InceptionD : Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch3x3_1, branch3x3_2;
    private readonly BasicConv2d branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4;

    public InceptionD(long inChannels) : base(nameof(InceptionD))
    {
        branch3x3_1 = new BasicConv2d(inChannels, 192, 1);
        branch3x3_2 = new BasicConv2d(192, 320, 3, stride: 2);
        branch7x7x3_1 = new BasicConv2d(inChannels, 192, 1);
        branch7x7x3_2 = new BasicConv2d(192, 192, (1, 7), padding: (0, 3));
        branch7x7x3_3 = new BasicConv2d(192, 192, (7, 1), padding: (3, 0));
        branch7x7x3_4 = new BasicConv2d(192, 192, 3, stride: 2);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b3 = branch3x3_2.forward(branch3x3_1.forward(x));
        var b7 = branch7x7x3_4.forward(branch7x7x3_3.forward(branch7x7x3_2.forward(branch7x7x3_1.forward(x))));
        var bp = InceptionPool.MaxReduce(x);
        return cat(new[] { b3, b7, bp }, 1).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// 8x8 block with expanded filter banks (Mixed_7b, Mixed_7c): 1x1 (320) | 1x1 → [1x3, 3x1] (768) |
/// 1x1 → 3x3 → [1x3, 3x1] (768) | pool → 1x1 (192) = 2048 channels. The FID graph pools by averaging (padding not
/// counted) in Mixed_7b and by taking the maximum in Mixed_7c.
/// </summary>
public sealed class InceptionE : Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1;
    private readonly BasicConv2d branch3x3_1, branch3x3_2a, branch3x3_2b;
    private readonly BasicConv2d branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b;
    private readonly BasicConv2d branch_pool;
    private readonly bool maxPool;

    public InceptionE(long inChannels, bool maxPool) : base(nameof(InceptionE))
    {
        this.maxPool = maxPool;
        branch1x1 = new BasicConv2d(inChannels, 320, 1);
        branch3x3_1 = new BasicConv2d(inChannels, 384, 1);
        branch3x3_2a = new BasicConv2d(384, 384, (1, 3), padding: (0, 1));
        branch3x3_2b = new BasicConv2d(384, 384, (3, 1), padding: (1, 0));
        branch3x3dbl_1 = new BasicConv2d(inChannels, 448, 1);
        branch3x3dbl_2 = new BasicConv2d(448, 384, 3, padding: 1);
        branch3x3dbl_3a = new BasicConv2d(384, 384, (1, 3), padding: (0, 1));
        branch3x3dbl_3b = new BasicConv2d(384, 384, (3, 1), padding: (1, 0));
        branch_pool = new BasicConv2d(inChannels, 192, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b1 = branch1x1.forward(x);
        var t = branch3x3_1.forward(x);
        var b3 = cat(new[] { branch3x3_2a.forward(t), branch3x3_2b.forward(t) }, 1);
        var u = branch3x3dbl_2.forward(branch3x3dbl_1.forward(x));
        var bd = cat(new[] { branch3x3dbl_3a.forward(u), branch3x3dbl_3b.forward(u) }, 1);
        var pooled = maxPool ? InceptionPool.MaxSame(x) : InceptionPool.AverageExcludingPadding(x);
        var bp = branch_pool.forward(pooled);
        return cat(new[] { b1, b3, bd, bp }, 1).MoveToOuterDisposeScope();
    }
}
