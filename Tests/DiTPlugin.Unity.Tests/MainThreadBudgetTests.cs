using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DiTPlugin.TextureGen;
using DiTPlugin.Tests;
using NUnit.Framework;

namespace DiTPlugin.Unity.Tests;

/// <summary>
/// No main-thread call of the package waits on a model load or a denoising step it cannot afford: loads and worker
/// generation are held at a gate while the main-thread calls return, and the budgeted main-thread mode is measured with
/// a fake clock that each denoising step advances (no wall-clock timing).
/// </summary>
public class MainThreadBudgetTests
{
    /// <summary>A clock that only moves when a step says so.</summary>
    private sealed class FakeClock
    {
        public TimeSpan Now;
        public TimeSpan Read() => Now;
    }

    [Test]
    public void BudgetedTicksRunOnlyTheStepsThatFitAFrame()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path);
        using var dit = DiT.Load(dir.Path);
        var clock = new FakeClock();
        var stepCost = TimeSpan.FromMilliseconds(3);
        // Each denoising step "takes" 3 ms of fake time (OnStep runs inside the step).
        var options = new GenerationOptions { ClassIds = new[] { 0 }, Steps = 20, OnStep = (_, _, _) => clock.Now += stepCost, Clock = clock.Read };
        using var runner = GenerationRunner.Start(dit, options, mode: RunnerMode.MainThreadBudget);
        var budget = TimeSpan.FromMilliseconds(10);
        var perFrame = new List<(int Steps, TimeSpan Spent)>();
        while (!runner.IsDone)
        {
            int before = runner.StepsDone;
            var t0 = clock.Now;
            runner.Tick(budget);
            perFrame.Add((runner.StepsDone - before, clock.Now - t0));
        }
        // Frame 1 knows no step duration yet: it runs one, then 3 + 3 ≤ 10 → a second, 6 + 3 ≤ 10 → a third, 9 + 3 > 10 → stop.
        Assert.That(perFrame.Select(f => f.Steps), Is.EqualTo(new[] { 3, 3, 3, 3, 3, 3, 2 }));
        Assert.That(perFrame.Select(f => f.Spent), Is.All.LessThanOrEqualTo(budget), "no frame overran its budget");
        Assert.That(runner.State, Is.EqualTo(RunnerState.Completed));
    }

    [Test]
    public void AStepLongerThanTheFrameRunsAloneAndTheWorkerModeNeverWaits()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path);
        using var dit = DiT.Load(dir.Path);
        var clock = new FakeClock();
        var slow = new GenerationOptions { ClassIds = new[] { 0 }, Steps = 4, OnStep = (_, _, _) => clock.Now += TimeSpan.FromMilliseconds(50), Clock = clock.Read };
        using (var runner = GenerationRunner.Start(dit, slow, mode: RunnerMode.MainThreadBudget))
        {
            runner.Tick(TimeSpan.FromMilliseconds(16));
            Assert.That(runner.StepsDone, Is.EqualTo(1), "a step is indivisible: one per frame, never a second after an overrun");
            runner.Tick(TimeSpan.FromMilliseconds(16));
            Assert.That(runner.StepsDone, Is.EqualTo(2));
        }

        // Worker mode: the steps are held at a gate; every main-thread call still returns.
        using var gate = new ManualResetEventSlim(false);
        var held = new GenerationOptions { ClassIds = new[] { 0, 1 }, Steps = 5, PreviewEvery = 1, OnStep = (_, _, _) => gate.Wait() };
        using var worker = GenerationRunner.Start(dit, held, mode: RunnerMode.WorkerThread);
        for (int frame = 0; frame < 100; frame++)
        {
            worker.Tick(TimeSpan.FromMilliseconds(16));
            _ = worker.TakeAll().ToList();
            _ = (worker.State, worker.Progress, worker.IsDone);
        }
        Assert.That(worker.IsDone, Is.False, "100 frames went by while the worker was held");
        gate.Set();
        Assert.That(worker.Wait(TimeSpan.FromSeconds(60)), Is.True);
        Assert.That(worker.State, Is.EqualTo(RunnerState.Completed));
    }

    [Test]
    public void AModelRequestReturnsAtOnceAndSharesOneLoad()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WriteLatentPackage(dir.Path, 4, ("vae_decoder.onnx", "fp32", null, 1f));
        int before = ModelCache.Count;
        var a = ModelCache.Request(dir.Path, new DiTOptions());
        var b = ModelCache.Request(dir.Path + "/", new DiTOptions());
        Assert.That(ModelCache.Count, Is.EqualTo(before + 1), "the second request joins the first load");
        var model = a.Task.GetAwaiter().GetResult();
        Assert.That(b.Task.GetAwaiter().GetResult(), Is.SameAs(model));
        Assert.That((a.IsDone, a.Error, a.Progress!.Stage, a.Progress.Fraction), Is.EqualTo((true, (Exception?)null, "loaded", 1.0)));
        a.Dispose();
        a.Dispose();   // twice is harmless
        Assert.That(() => model.Generate(new GenerationOptions { ClassIds = new[] { 0 }, Steps = 2 }), Throws.Nothing, "b still holds it");
        b.Dispose();
        Assert.That(ModelCache.Count, Is.EqualTo(before));
        Assert.That(() => model.Generate(new GenerationOptions { ClassIds = new[] { 0 }, Steps = 2 }), Throws.InstanceOf<ObjectDisposedException>(), "the last release disposed it");
    }

    [Test]
    public void AFailedLoadIsReportedAndLeavesTheCache()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path);
        System.IO.File.WriteAllText(dir.File("model.json"), "{ not json");
        int before = ModelCache.Count;
        using var r = ModelCache.Request(dir.Path, new DiTOptions());
        Assert.That(() => r.Task.Wait(TimeSpan.FromSeconds(30)), Throws.InstanceOf<AggregateException>());
        Assert.That(r.Model, Is.Null);
        Assert.That(r.Error, Is.InstanceOf<Runtime.ModelPackageException>());
        Assert.That(r.Error!.Message, Does.Contain("model.json"));
        SpinWait.SpinUntil(() => ModelCache.Count == before, TimeSpan.FromSeconds(5));
        Assert.That(ModelCache.Count, Is.EqualTo(before), "the next request may try again");
    }
}
