using DiT.Training.Formats;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiT.Training.Data;
using DiT.Training.Eval;
using DiT.Training.Eval.Classifier;
using DiT.Training.Model;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Eval;

/// <summary>The evaluation plumbing, checked with a "sampler" that returns the real images themselves.</summary>
public class SampleEvaluationTests : TempDirectoryTest
{
    /// <summary>Three classes told apart by colour, each image with its own texture noise.</summary>
    private sealed class ColourDataset : IImageDataset
    {
        private readonly List<Example> items = new();
        public int Count => items.Count;
        public int Channels => 3;
        public int Height => 8;
        public int Width => 8;
        public IReadOnlyList<string> ClassNames { get; } = new[] { "red", "green", "blue" };
        public ColourDataset(int perClass)
        {
            var rng = new System.Random(1);
            for (int k = 0; k < perClass; k++)
                for (int c = 0; c < 3; c++)
                {
                    var px = new float[3 * 64];
                    for (int i = 0; i < px.Length; i++) px[i] = (i / 64 == c ? 0.6f : -0.6f) + (float)(rng.NextDouble() - 0.5) * 0.6f;
                    items.Add(new Example(px, c));
                }
        }
        public Example Get(int index) => items[index];
        /// <summary>The k-th image of class c (items are stored class-interleaved).</summary>
        public float[] Image(int c, int k) => items[k * 3 + c].Chw;
    }

    private ColourDataset data = null!;
    private ImageClassifier model = null!;
    private ClassifierFeatures clf = null!;
    private RealReference reference = null!;

    /// <summary>One classifier for all tests: trained on the colours, it must get every real image right.</summary>
    [OneTimeSetUp]
    public void TrainClassifier()
    {
        data = new ColourDataset(perClass: 20);
        model = ClassifierTrainer.Train(data, null, new ClassifierTrainOptions { Epochs = 40, BatchSize = 12, LearningRate = 5e-3, Widths = new[] { 8, 8, 16 }, Seed = 1 });
        clf = new ClassifierFeatures(model, "test classifier");
        reference = SampleEvaluation.Reference(data, clf, clf);
    }

    [OneTimeTearDown]
    public void Dispose()
    {
        reference.Dispose();
        model.Dispose();
    }

    /// <summary>A "sampler" that returns, for each asked label, the next real image of class map(label).</summary>
    private static Func<int[], long, Tensor> RealImages(ColourDataset data, Func<int, int> map)
    {
        var next = new int[3];
        return (labels, _) =>
        {
            var px = labels.SelectMany(l => { int c = map(l); return data.Image(c, next[c]++); }).ToArray();
            return tensor(px, new long[] { labels.Length, 3, 8, 8 });
        };
    }

    [Test]
    public void RealImagesAsSamplesScorePerfectly()
    {
        Assert.That(reference.ClassAccuracy, Is.EqualTo(1.0), "the colours are trivially separable");

        var npzPath = Path.Combine(Dir, "samples.npz");
        EvalResult result;
        using (var npz = new NpzWriter(npzPath, 60, 8, 8, 3))
        {
            result = SampleEvaluation.Evaluate(RealImages(data, c => c), 3, new EvalSetting("ddim50", 4), 20, 0, clf, reference, clf, npz);
            npz.Complete();
        }
        TestContext.Out.WriteLine(result);
        Assert.That(result.Samples, Is.EqualTo(60));
        Assert.That(result.Fid, Is.LessThan(1e-6), "the same 60 images: identical feature statistics");
        Assert.That(result.SFid, Is.LessThan(1e-6));
        Assert.That((result.Precision, result.Recall), Is.EqualTo((1.0, 1.0)));
        Assert.That(result.InceptionScore, Is.EqualTo(reference.InceptionScore).Within(1e-9));
        Assert.That(result.ClassAccuracy, Is.EqualTo(1.0));

        using var stored = NpzReader.Load(npzPath);
        Assert.That(stored.shape, Is.EqualTo(new long[] { 60, 8, 8, 3 }));
        using var first = SampleImages.ToUint8Nhwc(tensor(data.Image(0, 0), new long[] { 1, 3, 8, 8 }));
        Assert.That(stored[0].eq(first[0]).all().item<bool>(), Is.True, "sample 0 is the first image asked for (class 0)");
    }

    [Test]
    public void SamplesOfTheWrongClassKeepFidButLoseAccuracy()
    {
        // Every class asked gets the next class's images: the same set of images, all labelled wrong.
        var result = SampleEvaluation.Evaluate(RealImages(data, c => (c + 1) % 3), 3, new EvalSetting("dpm20", 1), 20, 0, clf, reference, clf);
        Assert.That(result.Fid, Is.LessThan(1e-6));
        Assert.That(result.ClassAccuracy, Is.EqualTo(0.0));
    }

    [Test]
    public void TheBaselineHandsOutEachRealImageOnceInASeededOrder()
    {
        var green = Enumerable.Repeat(1, 20).ToArray();
        using var a = new RealImageBaseline(data, 3, seed: 5).Sample(green, 0);
        using var b = new RealImageBaseline(data, 3, seed: 5).Sample(green, 0);
        using var c = new RealImageBaseline(data, 3, seed: 6).Sample(green, 0);
        Assert.That(a.eq(b).all().item<bool>(), Is.True, "the same seed, the same images in the same order");
        Assert.That(a.eq(c).all().item<bool>(), Is.False, "another seed, another order");

        // Which of the class's 20 images each drawn one is: all 20, each once.
        var drawn = Enumerable.Range(0, 20).Select(i =>
        {
            var px = a[i].flatten().data<float>().ToArray();
            return Enumerable.Range(0, 20).Single(k => data.Image(1, k).SequenceEqual(px));
        });
        Assert.That(drawn.OrderBy(k => k), Is.EqualTo(Enumerable.Range(0, 20)));
    }

    [Test]
    public void TheBaselineRefusesToRepeatImagesAndSaysHowManyThereAre()
    {
        var source = new RealImageBaseline(data, 3, seed: 0);
        var ex = Assert.Throws<ArgumentException>(() => source.Require(21));
        Assert.That(ex!.Message, Does.Contain("20 of class 0 (red)").And.Contain("at most 20"));
        source.Sample(Enumerable.Repeat(2, 20).ToArray(), 0).Dispose();
        ex = Assert.Throws<ArgumentException>(() => source.Sample(new[] { 2 }, 0));
        Assert.That(ex!.Message, Does.Contain("20 of class 2 (blue)"));
    }

    [Test]
    public void TheReferenceAsItsOwnBaselineScoresPerfectly()
    {
        // The whole reference, drawn in a shuffled order: order does not matter to any figure.
        var result = RealImageBaseline.Score(data, 3, perClass: 20, seed: 3, clf, reference, clf);
        Assert.That((result.Sampler, result.Samples), Is.EqualTo((RealImageBaseline.Name, 60)));
        Assert.That(result.Fid, Is.LessThan(1e-6));
        Assert.That((result.Precision, result.Recall, result.ClassAccuracy), Is.EqualTo((1.0, 1.0, 1.0)));
    }

    [Test]
    public void SamplerSettingsParseAndBadOnesNameWhatIsValid()
    {
        // One grammar (Diffusion/SamplerSpec): a bare count is DDPM, and settings are named canonically.
        Assert.That(EvalSetting.Parse("250", 1.5).Sampler, Is.EqualTo("ddpm250"));
        Assert.That(EvalSetting.Parse("ddim50", 4).Respacing, Is.EqualTo("ddim50"));
        Assert.That(EvalSetting.Parse("DPM20", 4).Sampler, Is.EqualTo("dpm20"));
        var ex = Assert.Throws<ArgumentException>(() => EvalSetting.Parse("euler20", 1));
        Assert.That(ex!.Message, Does.Contain("ddpmN or N (ancestral DDPM), ddimN (DDIM), dpmN (DPM-Solver++(2M))"));
        Assert.Throws<ArgumentException>(() => EvalSetting.Parse("dpm0", 1));
        Assert.Throws<ArgumentException>(() => EvalSetting.Parse("ddim50", -1));
    }

    [Test]
    public void ATinyDiTRunsThroughEverySampler([Values("ddpm4", "ddim4", "dpm4")] string sampler)
    {
        using var dit = new DiTModel(new DiTConfig { Depth = 1, HiddenSize = 32, NumHeads = 2, PatchSize = 2, InputSize = 8, InChannels = 3, NumClasses = 3 });
        var r = SampleEvaluation.Evaluate(dit, new EvalSetting(sampler, 2), 2, 0, clf, reference, clf);
        Assert.That(r.Samples, Is.EqualTo(6));
        Assert.That(new[] { r.Fid, r.SFid, r.InceptionScore, r.Precision, r.Recall, r.SecondsPerImage }.All(double.IsFinite), Is.True);
    }
}
