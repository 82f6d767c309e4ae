using static TorchSharp.torch;

namespace DiT.Training.Eval.Classifier;

/// <summary>A trained <see cref="ImageClassifier"/> as the metrics' feature extractor.</summary>
public sealed class ClassifierFeatures : IFeatureExtractor
{
    private readonly ImageClassifier _model;

    public ClassifierFeatures(ImageClassifier model, string name)
    {
        _model = model;
        _model.eval();
        Name = name;
    }

    public string Name { get; }
    public int PooledDim => _model.Config.PooledDim;
    public int SpatialDim => _model.Config.SpatialDim;
    public int NumClasses => _model.Config.NumClasses;

    public Features Extract(Tensor images)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        int s = _model.Config.ImageSize;
        // The metrics hand over RGB (grey images repeated to 3 channels, for Inception); a classifier trained on grey
        // data (Fashion-MNIST) takes one channel: the repeated grey is any of the three (the first, exactly).
        if (_model.Config.InChannels == 1 && images.shape[1] == 3) images = images.narrow(1, 0, 1);
        var x = images.shape[2] == s && images.shape[3] == s ? images
            : nn.functional.interpolate(images, new long[] { s, s }, mode: InterpolationMode.Bilinear, align_corners: false);
        var (pooled, mid, logits) = _model.Forward(x);
        // NHWC before taking channels, as ADM flattens its spatial map.
        var spatial = mid[.., ..(int)_model.Config.SpatialChannels].permute(0, 2, 3, 1).reshape(images.shape[0], -1);
        return new Features(pooled.contiguous().MoveToOuterDisposeScope(), spatial.contiguous().MoveToOuterDisposeScope(),
            logits.contiguous().MoveToOuterDisposeScope());
    }
}
