using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiT.Training.Formats;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Eval;

/// <summary>
/// The InceptionV3 that FID is defined with: Google's TensorFlow graph of 2015-12-05 (<c>classify_image_graph_def.pb</c>,
/// used by the original FID code and by ADM's evaluator), whose weights PyTorch users know as pytorch-fid's
/// <c>pt_inception-2015-12-05-6726825d.pth</c>. Field names equal that state dict's keys, so <see cref="Load(string)"/>
/// reads the file as published (or any .pt/.pth/.safetensors with the same names).
/// <para>Architecture (Szegedy et al. 2016): stem Conv2d_1a_3x3 (stride 2), Conv2d_2a_3x3, Conv2d_2b_3x3 (pad 1),
/// max pool 3/2, Conv2d_3b_1x1, Conv2d_4a_3x3, max pool 3/2; Mixed_5b/5c/5d (<see cref="InceptionA"/>, pool
/// features 32/64/64); Mixed_6a (<see cref="InceptionB"/>); Mixed_6b..6e (<see cref="InceptionC"/>, 7x7 channels
/// 128/160/160/192); Mixed_7a (<see cref="InceptionD"/>); Mixed_7b, Mixed_7c (<see cref="InceptionE"/>); global
/// average pool → 2048 (TF <c>pool_3</c>); fc → 1008 classes (the TF graph's 1000 ImageNet classes + 8 unused). Every
/// conv is conv (no bias) + BatchNorm (eps 0.001) + ReLU.</para>
/// <para>Where the FID graph differs from torchvision's ImageNet InceptionV3: the 3x3 average pools of the A, C and E
/// blocks do not count padding; Mixed_7c pools its pool branch by maximum; there are 1008 classes and no auxiliary
/// classifier.</para>
/// <para>Always an inference network: BatchNorm uses the running statistics whatever the training flag, there is no
/// dropout, and <see cref="Extract"/> runs without autograd.</para>
/// </summary>
public sealed class InceptionFid : Module<Tensor, Tensor>, IFeatureExtractor
{
    public const int InputSize = 299;
    public const int PoolFeatures = 2048;
    public const int Classes = 1008;
    /// <summary>ADM keeps the first 7 channels of the 17x17 <c>mixed_6/conv</c> map for sFID.</summary>
    public const int SpatialChannels = 7;
    public const int SpatialGrid = 17;

    /// <summary>Tensors in the published state dict without the BatchNorms' <c>num_batches_tracked</c> counters: 94 convs × 5 + fc weight and bias.</summary>
    public const int CheckpointTensorCount = 472;
    /// <summary>With the 94 <c>num_batches_tracked</c> counters, as a PyTorch module's state_dict() lists them.</summary>
    public const int StateDictTensorCount = 566;

    private const string BatchCounter = "num_batches_tracked";

#pragma warning disable IDE1006 // names are the checkpoint's keys
    private readonly BasicConv2d Conv2d_1a_3x3, Conv2d_2a_3x3, Conv2d_2b_3x3, Conv2d_3b_1x1, Conv2d_4a_3x3;
    private readonly InceptionA Mixed_5b, Mixed_5c, Mixed_5d;
    private readonly InceptionB Mixed_6a;
    private readonly InceptionC Mixed_6b, Mixed_6c, Mixed_6d, Mixed_6e;
    private readonly InceptionD Mixed_7a;
    private readonly InceptionE Mixed_7b, Mixed_7c;
    private readonly Linear fc;
#pragma warning restore IDE1006

    /// <summary>For reports: "InceptionV3-FID (&lt;file&gt;)" or "(random weights)".</summary>
    public string Name { get; private set; } = "InceptionV3-FID (random weights)";
    public int PooledDim => PoolFeatures;
    public int SpatialDim => SpatialChannels * SpatialGrid * SpatialGrid;
    public int NumClasses => Classes;

    /// <summary>
    /// Whether <see cref="Features.Logits"/> include fc's bias (default: yes, the fc layer's output). ADM's evaluator
    /// (and the original Inception Score code) take the softmax of <c>pool_3 · W</c> WITHOUT the bias (they reuse only
    /// the MatMul's weight), so set this to false to reproduce ADM's Inception Score exactly.
    /// </summary>
    public bool IncludeFcBiasInLogits { get; set; } = true;

    /// <summary>Images per forward inside <see cref="Extract"/> (memory: ~60 MB of activations per 299x299 image).</summary>
    public int MaxBatch { get; set; } = 32;

    /// <summary>The network with PyTorch-style random initialisation (BatchNorms the identity); for tests. Use <see cref="Load(string)"/> for FID.</summary>
    public InceptionFid() : base(nameof(InceptionFid))
    {
        Conv2d_1a_3x3 = new BasicConv2d(3, 32, 3, stride: 2);
        Conv2d_2a_3x3 = new BasicConv2d(32, 32, 3);
        Conv2d_2b_3x3 = new BasicConv2d(32, 64, 3, padding: 1);
        Conv2d_3b_1x1 = new BasicConv2d(64, 80, 1);
        Conv2d_4a_3x3 = new BasicConv2d(80, 192, 3);
        Mixed_5b = new InceptionA(192, poolFeatures: 32);
        Mixed_5c = new InceptionA(256, poolFeatures: 64);
        Mixed_5d = new InceptionA(288, poolFeatures: 64);
        Mixed_6a = new InceptionB(288);
        Mixed_6b = new InceptionC(768, channels7x7: 128);
        Mixed_6c = new InceptionC(768, channels7x7: 160);
        Mixed_6d = new InceptionC(768, channels7x7: 160);
        Mixed_6e = new InceptionC(768, channels7x7: 192);
        Mixed_7a = new InceptionD(768);
        Mixed_7b = new InceptionE(1280, maxPool: false);
        Mixed_7c = new InceptionE(2048, maxPool: true);
        fc = Linear(PoolFeatures, Classes, hasBias: true);
        RegisterComponents();
        eval();
    }

    /// <summary>
    /// Loads the FID Inception weights from <paramref name="path"/> (pytorch-fid's <c>pt_inception-2015-12-05-6726825d.pth</c>,
    /// torch-fidelity's conversion of the same graph, or a safetensors file with the same names). Throws
    /// <see cref="InvalidDataException"/> naming every missing, unexpected and mis-shaped key, or saying what the file
    /// looks like when it is not this network at all.
    /// </summary>
    public static InceptionFid Load(string path)
    {
        using var sd = StateDictFile.Load(path);
        var model = Load(sd.Tensors, $"'{path}'");
        model.Name = $"InceptionV3-FID ({Path.GetFileName(path)})";
        return model;
    }

    /// <summary>
    /// The network holding <paramref name="weights"/> (checkpoint names; dtypes converted). The BatchNorms'
    /// <c>num_batches_tracked</c> counters are optional (they do not affect inference; torch-fidelity's conversion
    /// omits them), every other tensor is required and nothing else is accepted.
    /// </summary>
    public static InceptionFid Load(IReadOnlyDictionary<string, Tensor> weights, string what = "The weights")
    {
        ArgumentNullException.ThrowIfNull(weights);
        var model = new InceptionFid();
        try
        {
            var own = model.state_dict();
            var required = own.Keys.Where(k => !k.EndsWith("." + BatchCounter, StringComparison.Ordinal)).ToList();
            int present = required.Count(weights.ContainsKey);
            if (present < required.Count / 2)
                throw new InvalidDataException(NotInceptionMessage(weights, what, present, required.Count));
            if (weights.TryGetValue("fc.weight", out var fcw) && fcw.shape.Length == 2 && fcw.shape[0] == 1000)
                throw new InvalidDataException(
                    $"{what} has a 1000-class fc: that is torchvision's ImageNet InceptionV3, not the FID network " +
                    $"(TF 2015-12-05 graph, 1008 classes; pytorch-fid's pt_inception-2015-12-05-6726825d.pth). " +
                    $"Its features differ, so FID values would not be comparable.");

            using var scope = NewDisposeScope();
            var complete = new Dictionary<string, Tensor>(weights, StringComparer.Ordinal);
            foreach (var (k, v) in own)
                if (k.EndsWith("." + BatchCounter, StringComparison.Ordinal) && !complete.ContainsKey(k))
                    complete[k] = zeros_like(v); // as PyTorch does for state dicts saved before the counter existed
            StateDictLoader.Load(model, complete, $"{what} (FID InceptionV3)");
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.Name = "InceptionV3-FID (loaded weights)";
        model.eval();
        return model;
    }

    private static string NotInceptionMessage(IReadOnlyDictionary<string, Tensor> weights, string what, int present, int required)
    {
        var sample = weights.Keys.Take(8).Select(k => $"{k} ({StateDictLoader.Shape(weights[k])})");
        return $"{what} is not the FID InceptionV3 (pytorch-fid's pt_inception-2015-12-05-6726825d.pth): it has " +
               $"{present} of the network's {required} tensors. It holds {weights.Count} tensors" +
               (weights.Count == 0 ? "" : $", e.g. {string.Join(", ", sample)}") +
               "; expected names such as Conv2d_1a_3x3.conv.weight (32x3x3x3), Mixed_5b.branch1x1.bn.running_mean (64), " +
               "Mixed_7c.branch3x3dbl_3a.conv.weight (384x384x1x3) and fc.weight (1008x2048).";
    }

    /// <summary>Trainable parameters (conv weights, BatchNorm affines, fc): 23,850,960. BatchNorm running statistics are buffers.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Images already 299x299 and in [-1, 1] → pool3 features (B, 2048). See <see cref="Extract"/> for all outputs.</summary>
    public override Tensor forward(Tensor x) => Run(x).Pool;

    /// <summary>
    /// The three outputs for images (B, 3, 299, 299) in [-1, 1]: pool3 (B, 2048); the 17x17 <c>mixed_6/conv</c> map
    /// (Mixed_6d's branch1x1, B x 192 x 17 x 17); logits (B, 1008).
    /// </summary>
    public (Tensor Pool, Tensor Mixed6Conv, Tensor Logits) Run(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = Conv2d_2b_3x3.forward(Conv2d_2a_3x3.forward(Conv2d_1a_3x3.forward(x)));
        x = InceptionPool.MaxReduce(x);
        x = Conv2d_4a_3x3.forward(Conv2d_3b_1x1.forward(x));
        x = InceptionPool.MaxReduce(x);
        x = Mixed_5d.forward(Mixed_5c.forward(Mixed_5b.forward(x)));
        x = Mixed_6a.forward(x);
        x = Mixed_6d.forward(Mixed_6c.forward(Mixed_6b.forward(x)));
        // TF 'mixed_6/conv:0' is the 1x1 branch of the 7th mixed block (mixed, mixed_1, ... → Mixed_5b, 5c, 5d, 6a,
        // 6b, 6c, 6d): its output after BN and ReLU, which InceptionC puts first in its concatenation.
        var mixed6Conv = x.narrow(1, 0, 192);
        x = Mixed_7a.forward(Mixed_6e.forward(x));
        x = Mixed_7c.forward(Mixed_7b.forward(x));
        var pool = x.mean(new long[] { 2, 3 });
        var logits = IncludeFcBiasInLogits ? fc.forward(pool) : pool.matmul(fc.weight!.t());
        return (pool.MoveToOuterDisposeScope(), mixed6Conv.MoveToOuterDisposeScope(), logits.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Images (B, 3, H, W) in [-1, 1] (the range the network expects: pytorch-fid maps [0, 1] there by 2x - 1, the TF
    /// graph maps [0, 255] by (x - 128) / 128), any size: resized to 299x299 by bilinear interpolation with
    /// half-pixel centres (PyTorch's align_corners=False, no antialiasing, as pytorch-fid does; skipped at 299x299).
    /// Returns, on the CPU in float32: Pooled (B, 2048) = pool3; Spatial (B, 2023) = ADM's sFID features, the first 7
    /// channels of <c>mixed_6/conv</c> flattened in TF's NHWC order (index (h·17 + w)·7 + c); Logits (B, 1008).
    /// Runs on the device the module is on.
    /// <para>Not bit-for-bit ADM: its evaluator feeds [0, 255] images to the TF graph, which maps them by
    /// (x - 128) / 128 (so [-1, 1] images land on 0.996·x - 0.004) and resizes inside the graph with TF1's
    /// ResizeBilinear (align_corners=False without half-pixel centres: source = destination · in/out). Like
    /// pytorch-fid, this class resizes with half-pixel centres, which moves features slightly for inputs that are not
    /// 299x299.</para>
    /// </summary>
    public Features Extract(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.ndim != 4 || images.shape[1] != 3 || images.shape[2] < 1 || images.shape[3] < 1)
            throw new ArgumentException($"InceptionFid expects images (B, 3, H, W) in [-1, 1], got ({string.Join(", ", images.shape)}).");
        if (MaxBatch < 1) throw new InvalidOperationException($"MaxBatch must be at least 1, is {MaxBatch}.");
        long n = images.shape[0];
        if (n == 0)
            return new Features(zeros(0, PooledDim), zeros(0, SpatialDim), zeros(0, NumClasses));
        var device = fc.weight!.device;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var pools = new List<Tensor>();
        var spatials = new List<Tensor>();
        var logits = new List<Tensor>();
        for (long start = 0; start < n; start += MaxBatch)
        {
            using var chunk = NewDisposeScope(); // frees each chunk's input copy and activations before the next
            long len = Math.Min(MaxBatch, n - start);
            var x = images.narrow(0, start, len).to(float32, device);
            if (x.shape[2] != InputSize || x.shape[3] != InputSize)
                x = functional.interpolate(x, new long[] { InputSize, InputSize }, mode: InterpolationMode.Bilinear, align_corners: false);
            var (pool, map, logit) = Run(x);
            // ADM: spatial[..., :7] of the NHWC map, then reshape (B, -1).
            var spatial = map.narrow(1, 0, SpatialChannels).permute(0, 2, 3, 1).reshape(len, -1);
            pools.Add(pool.cpu().MoveToOuterDisposeScope());
            spatials.Add(spatial.cpu().MoveToOuterDisposeScope());
            logits.Add(logit.cpu().MoveToOuterDisposeScope());
        }
        Tensor Join(List<Tensor> parts) => (parts.Count == 1 ? parts[0].contiguous() : cat(parts, 0)).MoveToOuterDisposeScope();
        return new Features(Join(pools), Join(spatials), Join(logits));
    }
}
