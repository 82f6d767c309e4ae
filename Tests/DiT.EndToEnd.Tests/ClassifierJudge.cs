using System.Collections.Generic;
using System.Linq;
using DiT.Training.Eval.Classifier;
using DiT.Training.Upscale;
using static TorchSharp.torch;

namespace DiTPlugin.EndToEnd.Tests;

/// <summary>
/// How the shipped-model tests score the Plugin's images with a shipped classifier: the 8-bit pixels back to [-1, 1],
/// box-filtered down to the classifier's side when they are larger (an upscaled texture, judged at the scale the
/// model was trained at), and the share whose predicted class is the one asked for.
/// </summary>
internal static class ClassifierJudge
{
    /// <summary>The images' RGB as one [N, 3, side, side] tensor in [-1, 1], as the models and classifiers take them.</summary>
    public static Tensor Pixels(IReadOnlyList<GeneratedImage> images)
    {
        int side = images[0].Width;
        var pixels = images.SelectMany(img => Enumerable.Range(0, 3).SelectMany(c =>
            Enumerable.Range(0, side * side).Select(p => img.Rgba8[4 * p + c] / 127.5f - 1f))).ToArray();
        return tensor(pixels, new long[] { images.Count, 3, side, side });
    }

    public static double Accuracy(ImageClassifier classifier, IReadOnlyList<GeneratedImage> images, IReadOnlyList<int> labels, int classifierSide)
    {
        using var scope = NewDisposeScope();
        int side = images[0].Width;
        var x = Pixels(images);
        if (side != classifierSide) x = UpscalerTrainer.Downscale(x, side / classifierSide);
        using var noGrad = no_grad();
        var predicted = classifier.forward(x).argmax(1).data<long>().ToArray();
        return predicted.Zip(labels, (p, l) => p == l ? 1.0 : 0.0).Average();
    }
}
