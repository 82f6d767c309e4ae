using DiTPlugin.TestSupport;
using System.Linq;
using DiT.Training.Eval.Classifier;
using NUnit.Framework;

namespace DiTPlugin.EndToEnd.Tests;

/// <summary>
/// The OpenArena model (models/openarena-textures/package), as the README's second texturegen command runs it through
/// the Plugin (its int8 graph, its defaults, its upscaler), draws the texture classes asked for: judged by the shipped evaluation
/// classifier, which was trained on the same crops and scores its own accuracy on crops of held-out textures (see the
/// model card).
/// </summary>
public class ShippedTextureModelTests
{
    [Test]
    public void OpenArenaPackageGeneratesTheRequestedMaterials()
    {
        using var dit = DiT.Load(RepoPaths.Find("models/openarena-textures/package"));
        var (clf, info) = ClassifierFile.Load(RepoPaths.Find("models/openarena-textures/classifier.safetensors"));
        using var _ = clf;
        Assert.That(dit.Classes, Is.EqualTo(info.ClassNames), "the classifier judges the model's classes");
        Assert.That(dit.License.CommercialUse, Is.False, "trained on GPL-2+ textures: the card and the package say so");

        int classes = dit.Classes.Count;
        var labels = Enumerable.Range(0, 6).SelectMany(_ => Enumerable.Range(0, classes)).ToArray();
        Assert.That(dit.UpscaleFactor, Is.EqualTo(4));
        // The package's defaults (DPM-Solver++ 25 steps, cfg 2.5), through its upscaler as the README's command runs it.
        var images = dit.Generate(new GenerationOptions { ClassIds = labels, Seed = 11, Upscale = true });
        Assert.That(images.All(i => i.Width == 128 && i.Height == 128), Is.True);

        double accuracy = ClassifierJudge.Accuracy(clf, images, labels, info.Config.ImageSize);
        TestContext.Out.WriteLine($"Plugin, defaults: class accuracy {accuracy:P0} over {labels.Length} textures " +
                                  $"(chance {1.0 / classes:P0}; the classifier scores {info.TestAccuracy:P0} on held-out real crops)");
        Assert.That(accuracy, Is.GreaterThanOrEqualTo(ShippedThreshold));
    }

    /// <summary>About half of what the model card measures with these settings: far above chance, room for sampling noise.</summary>
    private const double ShippedThreshold = 0.3;
}
