using DiTPlugin.TestSupport;
using System.Linq;
using DiT.Training.Eval.Classifier;
using NUnit.Framework;

namespace DiTPlugin.EndToEnd.Tests;

/// <summary>
/// The default model (models/freedoom-textures/package, BSD-3-Clause data), exactly as the README's main command runs
/// it through the Plugin: 128x128 textures through its upscaler, of the material classes asked for (judged by the
/// shipped classifier on the textures box-filtered back to the model's 32x32, the scale it was trained at), and
/// seamless textures that stay seamless through the upscaler.
/// </summary>
public class ShippedFreedoomModelTests
{
    private const string Package = "models/freedoom-textures/package";

    [Test]
    public void DefaultPackageMakesUpscaledTexturesOfTheRequestedMaterials()
    {
        using var dit = DiT.Load(RepoPaths.Find(Package));
        var (clf, info) = ClassifierFile.Load(RepoPaths.Find("models/freedoom-textures/classifier.safetensors"));
        using var _ = clf;
        Assert.That(dit.Classes, Is.EqualTo(info.ClassNames), "the classifier judges the model's classes");
        Assert.That(dit.License.CommercialUse, Is.True, "Freedoom's textures are BSD-3-Clause");
        Assert.That(dit.License.Id, Is.EqualTo("BSD-3-Clause"));
        Assert.That(dit.License.Attribution, Does.Contain("Freedoom"), "BSD-3-Clause asks that the copyright notice travel with the work");
        Assert.That(dit.UpscaleFactor, Is.EqualTo(4));

        int classes = dit.Classes.Count;
        var labels = Enumerable.Range(0, 4).SelectMany(_ => Enumerable.Range(0, classes)).ToArray();
        var images = dit.Generate(new GenerationOptions { ClassIds = labels, Seed = 11, Upscale = true });   // the package's sampler, steps and guidance scale
        Assert.That(images.All(i => i.Width == 128 && i.Height == 128), Is.True);

        double accuracy = ClassifierJudge.Accuracy(clf, images, labels, info.Config.ImageSize);
        TestContext.Out.WriteLine($"Plugin, defaults + upscaler: class accuracy {accuracy:P0} over {labels.Length} textures " +
                                  $"(chance {1.0 / classes:P0}; the classifier scores {info.TestAccuracy:P0} on held-out real crops)");
        Assert.That(accuracy, Is.GreaterThanOrEqualTo(ShippedThreshold));
    }

    [Test]
    public void SeamlessTexturesStaySeamlessThroughTheUpscaler()
    {
        using var dit = DiT.Load(RepoPaths.Find(Package));
        var images = dit.Generate(new GenerationOptions { ClassIds = Enumerable.Range(0, dit.Classes.Count).ToArray(), Seed = 5, Seamless = true, Upscale = true });
        // Inside pairs at the wrap edge's phase of the 4x enlargement (the upscaler adds its detail to a nearest-neighbour one).
        var (seam, inside) = SeamMetric.Measure(images, dit.UpscaleFactor!.Value);
        TestContext.Out.WriteLine($"{images.Count} seamless 128x128 textures: wrap-edge |Δ| {seam:F1} against {inside:F1} between neighbours inside");
        Assert.That(seam, Is.LessThanOrEqualTo(inside * 1.15), "no seam across the wrap edge beyond the texture's own variation");
    }

    /// <summary>About half of what the model card measures: far above chance (10%), room for sampling noise.</summary>
    private const double ShippedThreshold = 0.3;
}
