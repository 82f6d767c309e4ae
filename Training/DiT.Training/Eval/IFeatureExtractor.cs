using static TorchSharp.torch;

namespace DiT.Training.Eval;

/// <summary>
/// What the sample-quality metrics look at (ADM's evaluation suite, Dhariwal &amp; Nichol 2021): pooled features for FID
/// and precision/recall, spatial features for sFID, class logits for the Inception Score and class accuracy.
/// Implemented by InceptionV3 with the standard FID weights (for ImageNet-like data) and by a small classifier
/// trained on the same data (for small datasets, where ImageNet features say little).
/// </summary>
public interface IFeatureExtractor
{
    /// <summary>For reports: which network and weights.</summary>
    string Name { get; }
    /// <summary>Length of <see cref="Features.Pooled"/> rows.</summary>
    int PooledDim { get; }
    /// <summary>Length of <see cref="Features.Spatial"/> rows.</summary>
    int SpatialDim { get; }
    /// <summary>Number of classes of <see cref="Features.Logits"/>.</summary>
    int NumClasses { get; }
    /// <summary>Images (B, 3, H, W) in [-1, 1], any size (the extractor resizes as its definition says) → features, on the CPU, float32.</summary>
    Features Extract(Tensor images);
}

/// <param name="Pooled">(B, PooledDim): the FID / precision-recall features.</param>
/// <param name="Spatial">(B, SpatialDim): the sFID features (ADM: the first 7 channels of an intermediate Inception map, flattened).</param>
/// <param name="Logits">(B, NumClasses): unnormalised class scores (Inception Score, class accuracy).</param>
public sealed record Features(Tensor Pooled, Tensor Spatial, Tensor Logits);
