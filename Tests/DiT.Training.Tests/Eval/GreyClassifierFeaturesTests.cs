using DiT.Training.Eval.Classifier;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Eval;

/// <summary>A classifier trained on grey data (1 channel) takes the metrics' RGB images: repeated grey, as the evaluation hands them over.</summary>
public class GreyClassifierFeaturesTests
{
    [Test]
    public void RepeatedGreyGivesTheFeaturesOfTheGreyImage()
    {
        using var model = new ImageClassifier(new ClassifierConfig { InChannels = 1, ImageSize = 16, NumClasses = 3 });
        var features = new ClassifierFeatures(model, "grey");
        using var scope = NewDisposeScope();
        var grey = rand(new long[] { 4, 1, 16, 16 }, generator: new Generator(2)) * 2 - 1;
        var fromGrey = features.Extract(grey);
        var fromRgb = features.Extract(grey.expand(-1, 3, -1, -1).contiguous());
        Assert.That(fromRgb.Logits.equal(fromGrey.Logits).all().item<bool>(), Is.True);
        Assert.That(fromRgb.Pooled.equal(fromGrey.Pooled).all().item<bool>(), Is.True);
    }
}
