using DiTPlugin.TestSupport;
using System.Linq;
using DiT.Training.Eval.Classifier;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiTPlugin.EndToEnd.Tests;

/// <summary>
/// The default model (models/openarena-textures/package), exactly as the README's main command runs it through the
/// Plugin, draws the texture classes asked for: judged by the shipped evaluation classifier, which was trained on
/// the same crops and scores its own accuracy on crops of held-out textures (see the model card).
/// </summary>
public class ShippedTextureModelTests
{
    [Test]
    public void DefaultPackageGeneratesTheRequestedMaterials()
    {
        using var dit = DiT.Load(RepoPaths.Find("models/openarena-textures/package"));
        var (clf, info) = ClassifierFile.Load(RepoPaths.Find("models/openarena-textures/classifier.safetensors"));
        using var _ = clf;
        Assert.That(dit.Classes, Is.EqualTo(info.ClassNames), "the classifier judges the model's classes");
        Assert.That(dit.License.CommercialUse, Is.False, "trained on GPL-2+ textures: the card and the package say so");

        int classes = dit.Classes.Count;
        var labels = Enumerable.Range(0, 6).SelectMany(_ => Enumerable.Range(0, classes)).ToArray();
        var images = dit.Generate(new GenerationOptions { ClassIds = labels, Seed = 11 });   // the defaults: DPM-Solver++ 25 steps, cfg 4
        Assert.That(images.All(i => i.Width == 32 && i.Height == 32), Is.True);

        using var scope = NewDisposeScope();
        var pixels = images.SelectMany(img => Enumerable.Range(0, 3).SelectMany(c =>
            Enumerable.Range(0, 32 * 32).Select(p => img.Rgba8[4 * p + c] / 127.5f - 1f))).ToArray();
        var x = tensor(pixels, new long[] { labels.Length, 3, 32, 32 });
        using var noGrad = no_grad();
        var predicted = clf.forward(x).argmax(1).data<long>().ToArray();
        double accuracy = predicted.Zip(labels, (p, l) => p == l ? 1.0 : 0.0).Average();
        TestContext.Out.WriteLine($"Plugin, defaults: class accuracy {accuracy:P0} over {labels.Length} textures " +
                                  $"(chance {1.0 / classes:P0}; the classifier scores {info.TestAccuracy:P0} on held-out real crops)");
        Assert.That(accuracy, Is.GreaterThanOrEqualTo(ShippedThreshold));
    }

    /// <summary>About half of what the model card measures with these settings: far above chance, room for sampling noise.</summary>
    private const double ShippedThreshold = 0.3;
}
