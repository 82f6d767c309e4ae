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
    private TempDir _dir = null!;
    private DiT _dit = null!;
    private readonly List<string> _log = new();

    [OneTimeSetUp]
    public void Setup()
    {
        _dir = new TempDir();
        TinyOnnxModel.WritePackage(_dir.Path);
        _dit = DiT.Load(_dir.Path, new DiTOptions { Log = m => { lock (_log) _log.Add(m); } });
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _dit.Dispose();
        _dir.Dispose();
    }

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
        var e = Assert.Throws<InvalidOperationException>(() => DiT.Load(_dir.Path, new DiTOptions { ExecutionProvider = ExecutionProvider.DirectML }));
        Assert.That(e!.Message, Does.Contain("DirectML was forced"));
        using var cpu = DiT.Load(_dir.Path, new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu });
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

    [Test]
    public void FrameBudgetedJob()
    {
        var options = new GenerationOptions { ClassIds = new[] { 0, 1, 2 }, Steps = 20, Seed = 9 };
        var job = _dit.CreateJob(options);
        Assert.That(job.TotalSteps, Is.EqualTo(60));
        Assert.Throws<InvalidOperationException>(() => _ = job.Result);
        Assert.That(job.Step(TimeSpan.Zero), Is.EqualTo(1)); // always at least one step
        int calls = 1;
        while (!job.IsCompleted) { Assert.That(job.Step(TimeSpan.FromMilliseconds(2)), Is.GreaterThanOrEqualTo(1)); calls++; }
        Assert.That(job.Progress.Step, Is.EqualTo(60));
        Assert.That(calls, Is.LessThanOrEqualTo(60));
        var direct = _dit.Generate(options);
        for (int i = 0; i < 3; i++) Assert.That(job.Result[i].Rgba8, Is.EqualTo(direct[i].Rgba8));
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
