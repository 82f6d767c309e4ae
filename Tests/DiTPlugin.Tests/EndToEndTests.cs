using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DiTPlugin.Runtime;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>Loader, provider choice, validation and generation over the hand-encoded tiny graph.</summary>
public class EndToEndTests
{
    private LoadedPackage _pkg = null!;
    private DiT _dit => _pkg.Dit;
    private List<string> _log => _pkg.Log;

    [OneTimeSetUp]
    public void Setup() => _pkg = LoadedPackage.Tiny();

    [OneTimeTearDown]
    public void TearDown() => _pkg.Dispose();

    [Test]
    public void LoadsOnCpuAndLogsWhy()
    {
        Assert.That(_dit.Provider, Is.EqualTo(ExecutionProvider.Cpu));
        Assert.That(_log, Has.Some.Contains("dit.onnx runs on CPU ("));
        Assert.That(_dit.Classes, Is.EqualTo(TinyOnnxModel.ClassNames));
        Assert.That(_dit.License.Id, Is.EqualTo("CC-BY-4.0"));
        Assert.That(_dit.License.CommercialUse, Is.True);
        Assert.That(_dit.License.CommercialUseWarning, Is.Null);
        Assert.That(_dit.Timesteps, Is.EqualTo(100));
        Assert.That(_dit.FindClass("tee"), Is.EqualTo(0));
    }

    [Test]
    public void ForcedProviderThatIsMissingFails()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("DirectML may be present on Windows.");
        var e = Assert.Throws<InvalidOperationException>(() => DiT.Load(_pkg.Path, new DiTOptions { ExecutionProvider = ExecutionProvider.DirectML }));
        Assert.That(e!.Message, Does.Contain("DirectML was forced"));
        using var cpu = DiT.Load(_pkg.Path, new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu });
        Assert.That(cpu.Provider, Is.EqualTo(ExecutionProvider.Cpu));
    }

    [Test]
    public void GenerateIsDeterministicAndRecordsTheRecipe([Values] SamplerKind sampler)
    {
        var options = new GenerationOptions { ClassIds = new[] { 2, 0 }, Seed = 5, Steps = 10, Sampler = sampler, CfgScale = 2 };
        var a = _dit.Generate(options);
        var b = _dit.Generate(options);
        Assert.That(a, Has.Count.EqualTo(2));
        Assert.That(a[0].Width, Is.EqualTo(8));
        Assert.That(a[0].Rgba8, Has.Length.EqualTo(8 * 8 * 4));
        Assert.That(a[0].Rgba8, Is.EqualTo(b[0].Rgba8));
        Assert.That(a[0].Rgba8, Is.Not.EqualTo(a[1].Rgba8));
        var r = a[1].Recipe;
        Assert.That((r.ClassId, r.ClassName, r.Seed, r.ImageIndex, r.Steps, r.Sampler, r.CfgScale),
            Is.EqualTo((0, "T-shirt/top", 5UL, 1u, 10, sampler, 2f)));
        Assert.That(r.ModelHash, Is.EqualTo(_dit.ContentHash));
        // The recipe alone regenerates the second image.
        var again = _dit.Generate(GenerationOptions.FromRecipe(Recipe.FromJson(r.ToJson())));
        Assert.That(again[0].Rgba8, Is.EqualTo(a[1].Rgba8));
    }

    [Test]
    public void GenerateByNameAndShortcuts()
    {
        Assert.That(_dit.Generate("trouser").Recipe.ClassId, Is.EqualTo(1));
        Assert.That(_dit.Generate(2).Recipe.ClassId, Is.EqualTo(2));
    }

    [Test]
    public void BadInputNamesTheValidRange()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _dit.Generate(3))!.Message, Does.Contain("0..2"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _dit.Generate(-1))!.Message, Does.Contain("0..2"));
        Assert.That(Assert.Throws<ArgumentException>(() => _dit.Generate("trousr-x"))!.Message,
            Does.StartWith("Unknown class name 'trousr-x'; did you mean 'Trouser' (1)? Classes: T-shirt/top, Trouser, Ankle boot."));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _dit.Generate(new GenerationOptions { ClassIds = new[] { 0 }, Steps = 0 }))!.Message, Does.Contain("1..100"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _dit.Generate(new GenerationOptions { ClassIds = new[] { 0 }, Steps = 101 }))!.Message, Does.Contain("1..100"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _dit.Generate(new GenerationOptions { ClassIds = new[] { 0 }, CfgScale = -1 }))!.Message, Does.Contain(">= 0"));
        Assert.Throws<ArgumentException>(() => _dit.Generate(new GenerationOptions()));
    }

    [Test]
    public async Task GenerateAsyncReportsProgressAndPreviews()
    {
        var reports = new ConcurrentQueue<GenerationProgress>();
        var progress = new SyncProgress(reports.Enqueue);
        var options = new GenerationOptions { ClassIds = new[] { 1, 2 }, Steps = 6, Seed = 1, PreviewEvery = 2 };
        var images = await _dit.GenerateAsync(options, progress);
        Assert.That(images, Has.Count.EqualTo(2));
        var list = reports.ToList();
        Assert.That(list.Select(p => p.Step), Is.EqualTo(Enumerable.Range(1, 12)));
        Assert.That(list.All(p => p.Total == 12 && p.ItersPerSec > 0));
        Assert.That(list.Count(p => p.Preview != null), Is.EqualTo(4)); // steps 2 and 4 of each image (not the last)
        Assert.That(images[0].Rgba8, Is.EqualTo(_dit.Generate(options)[0].Rgba8));
    }

    [Test]
    public void GenerateAsyncCancels()
    {
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.Step == 3) cts.Cancel(); });
        var task = _dit.GenerateAsync(new GenerationOptions { ClassIds = new[] { 0 }, Steps = 50 }, progress, cts.Token);
        Assert.That(async () => await task, Throws.InstanceOf<OperationCanceledException>());
    }

    /// <summary>
    /// One image, one step per chain index, and a fake clock that only moves inside a step: step k costs
    /// <paramref name="costsMs"/>[k] (advanced by OnStep, which runs inside the step).
    /// </summary>
    private GenerationJob FakeClockJob(double[] costsMs, Action<int>? onStep = null)
    {
        var now = TimeSpan.Zero;
        int k = 0;
        return _dit.CreateJob(new GenerationOptions
        {
            ClassIds = new[] { 0 }, Steps = costsMs.Length, Seed = 9, Clock = () => now,
            OnStep = (_, _, _) => { onStep?.Invoke(k); now += TimeSpan.FromMilliseconds(costsMs[k++]); },
        });
    }

    [Test]
    public void FrameBudgetRunsTheStepsThatFitByTheLastStepsCost()
    {
        // Budget 10 ms. A step starts only if (time spent in this call) + (last step's cost) <= 10, except the first.
        //   call 1: 3, 3 (3+3 <= 10), 3 (6+3 <= 10); then 9+3 > 10                                -> 3 steps, 9 ms
        //   call 2: 3, 8 (3+3 <= 10); then 11+8 > 10 (the 8 was predicted as 3: one overrun)      -> 2 steps
        //   call 3: 1, 1, 1, 1, 1, 20 (5+1 <= 10); then 25+20 > 10                                -> 6 steps
        //   call 4: 2 (the first step always runs, and it is the last)                            -> 1 step, done
        var costs = new double[] { 3, 3, 3, 3, 8, 1, 1, 1, 1, 1, 20, 2 };
        var job = FakeClockJob(costs);
        Assert.That(job.TotalSteps, Is.EqualTo(12));
        var budget = TimeSpan.FromMilliseconds(10);
        var perCall = new List<int>();
        while (!job.IsCompleted) perCall.Add(job.Step(budget));
        Assert.That(perCall, Is.EqualTo(new[] { 3, 2, 6, 1 }));
        Assert.That(job.Step(budget), Is.EqualTo(0), "a completed job runs nothing");
        // The rate is steps over the time spent inside steps, on the same clock: 12 steps in 47 ms.
        Assert.That(job.Progress.Step, Is.EqualTo(12));
        Assert.That(job.Progress.ItersPerSec, Is.EqualTo(12 / 0.047).Within(1e-6));
        var direct = _dit.Generate(new GenerationOptions { ClassIds = new[] { 0 }, Steps = 12, Seed = 9 });
        Assert.That(job.Result[0].Rgba8, Is.EqualTo(direct[0].Rgba8), "budgeting changes when steps run, not what they compute");
    }

    [Test]
    public void FrameBudgetAlwaysRunsOneStepAndNeverStartsOneThatCannotFit()
    {
        // Every step costs 4 ms. Budgets below 8 ms fit one step (4 + 4 > budget); 8..11 fit two; 12 fits three.
        foreach (var (budgetMs, expected) in new[] { (0.0, 1), (7.9, 1), (8.0, 2), (11.9, 2), (12.0, 3) })
        {
            var job = FakeClockJob(Enumerable.Repeat(4.0, 9).ToArray());
            var perCall = new List<int>();
            while (!job.IsCompleted) perCall.Add(job.Step(TimeSpan.FromMilliseconds(budgetMs)));
            Assert.That(perCall.Take(perCall.Count - 1), Is.All.EqualTo(expected), $"budget {budgetMs} ms");
            Assert.That(perCall.Sum(), Is.EqualTo(9));
            Assert.That(perCall.Last(), Is.InRange(1, expected));
        }
        // A first step dearer than the whole budget still runs, alone; the next call predicts from it.
        var slow = FakeClockJob(new double[] { 50, 1, 1, 1 });
        Assert.That(slow.Step(TimeSpan.FromMilliseconds(10)), Is.EqualTo(1));
        Assert.That(slow.Step(TimeSpan.FromMilliseconds(10)), Is.EqualTo(3), "1 ms steps fit again once the last step was cheap");
    }

    [Test]
    public void ConcurrentGenerateEqualsSequential()
    {
        var opts = Enumerable.Range(0, 8).Select(i => new GenerationOptions
        {
            ClassIds = new[] { i % 3 }, Seed = (ulong)(100 + i), Steps = 15, Sampler = (SamplerKind)(i % 3),
        }).ToArray();
        var sequential = opts.Select(o => _dit.Generate(o)[0].Rgba8).ToArray();
        var concurrent = new byte[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => concurrent[i] = _dit.Generate(opts[i])[0].Rgba8);
        for (int i = 0; i < 8; i++) Assert.That(concurrent[i], Is.EqualTo(sequential[i]), $"image {i}");
    }

    [Test]
    public void BatchSizeOfTheGraphDoesNotChangeThePixels()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path, new TinyOnnxModel.Spec { Batch = 2 });
        using var b2 = DiT.Load(dir.Path);
        var options = new GenerationOptions { ClassIds = new[] { 0, 1, 2 }, Steps = 8, Seed = 3, Sampler = SamplerKind.Ddpm };
        var x = b2.Generate(options);
        var y = _dit.Generate(options);
        for (int i = 0; i < 3; i++) Assert.That(x[i].Rgba8, Is.EqualTo(y[i].Rgba8));
    }

    [Test]
    public void NonFiniteOutputOnCpuThrowsClearly()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path, new TinyOnnxModel.Spec { EpsScale = float.NaN });
        using var bad = DiT.Load(dir.Path);
        var e = Assert.Throws<NonFiniteOutputException>(() => bad.Generate(0));
        Assert.That(e!.Message, Does.Contain("dit.onnx: output 'eps' has NaN or infinite values on the CPU provider"));
    }

    [Test]
    public void LinearColorSpaceAppliesTheOetf()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path, new TinyOnnxModel.Spec { ColorSpace = "linear" });
        using var lin = DiT.Load(dir.Path);
        var options = new GenerationOptions { ClassIds = new[] { 0 }, Steps = 5 };
        var a = lin.Generate(options)[0].Rgba8;
        var b = _dit.Generate(options)[0].Rgba8;
        Assert.That(a, Is.Not.EqualTo(b));
        for (int p = 0; p < a.Length; p += 4) Assert.That(a[p], Is.GreaterThanOrEqualTo(b[p])); // the OETF brightens
    }

    /// <summary>IProgress that reports synchronously on the worker thread.</summary>
    private sealed class SyncProgress : IProgress<GenerationProgress>
    {
        private readonly Action<GenerationProgress> _a;
        public SyncProgress(Action<GenerationProgress> a) => _a = a;
        public void Report(GenerationProgress value) => _a(value);
    }
}
