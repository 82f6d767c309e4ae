using DiTPlugin.TestSupport;
using System.IO;
using System.Linq;
using DiT.Training.Data;
using DiT.Training.Export;
using DiT.Training.Trainer;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiTPlugin.EndToEnd.Tests;

/// <summary>
/// The shipped Fashion-MNIST checkpoint, exported to a package and run by the Plugin (ONNX Runtime, DPM-Solver++),
/// draws the classes asked for, judged by a 1-nearest-neighbour classifier over the 10,000 real test images.
/// </summary>
public class ShippedModelThroughPluginTests
{
    [Test]
    public void ExportedShippedModelDrawsTheRequestedClassesInThePlugin()
    {
        var files = FashionMnist.Find();
        if (files is null) Assert.Ignore($"Fashion-MNIST is not installed in {FashionMnist.DebianDirectory} (apt-get install dataset-fashion-mnist).");
        var dir = Directory.CreateTempSubdirectory("dit-shipped-").FullName;
        try
        {
            var package = Path.Combine(dir, "fashion-mnist.zip");
            using (var ckpt = Checkpoint.Load(RepoPaths.Find("models/fashion-mnist/dit.ckpt")))
                ModelPackageWriter.Write(package, ModelPackageRequest.FromCheckpoint(ckpt, "fashion-mnist") with { Batch = 10 });

            using var dit = DiT.Load(package);
            var labels = Enumerable.Range(0, 5).SelectMany(_ => Enumerable.Range(0, 10)).ToArray();
            var images = dit.Generate(new GenerationOptions { ClassIds = labels, Seed = 2, Steps = 20, CfgScale = 3f });

            var test = FashionMnist.Load(files.Test);
            using var scope = NewDisposeScope();
            var real = stack(Enumerable.Range(0, test.Count).Select(i => tensor(test.Get(i).Chw)).ToArray()).view(test.Count, -1);
            var realLabels = tensor(Enumerable.Range(0, test.Count).Select(i => (long)test.LabelAt(i)).ToArray());
            var gen = stack(images.Select(img => tensor(Enumerable.Range(0, 32 * 32).Select(i => img.Rgba8[4 * i] / 127.5f - 1f).ToArray())).ToArray());
            var d2 = gen.square().sum(1, keepdim: true) - 2 * gen.matmul(real.T) + real.square().sum(1).unsqueeze(0);
            var predicted = realLabels.index_select(0, d2.argmin(1)).data<long>().ToArray();
            double accuracy = predicted.Zip(labels, (p, l) => p == l ? 1.0 : 0.0).Average();
            TestContext.Out.WriteLine($"Plugin (ORT, DPM-Solver++ 20 steps, cfg 3): 1-NN class accuracy {accuracy:P0} over {labels.Length} images (chance 10%)");
            // Same judge and bound as DefaultModelTests: far above chance, with room for sampling noise.
            Assert.That(accuracy, Is.GreaterThanOrEqualTo(0.4));
        }
        finally { Directory.Delete(dir, true); }
    }
}
