using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DiTPlugin.Textures;
using DiTPlugin.TextureGen;
using DiTPlugin.Tests;
using NUnit.Framework;

namespace DiTPlugin.Unity.Tests;

/// <summary>
/// The component's and window's generation loop without Unity: a worker (or the main thread within a budget) steps
/// the job, the "main thread" polls the newest texture data and uploads it.
/// </summary>
public class GenerationRunnerTests
{
    private LoadedPackage _pkg = null!;
    private DiT _dit => _pkg.Dit;

    [OneTimeSetUp]
    public void Setup() => _pkg = LoadedPackage.Tiny();

    [OneTimeTearDown]
    public void TearDown() => _pkg.Dispose();

    private static GenerationOptions Options(int steps = 20) => new GenerationOptions { ClassIds = new[] { 1, 2 }, Seed = 5, Steps = steps, PreviewEvery = 2 };

    /// <summary>A stand-in for the Unity texture: what the main thread uploaded, in order.</summary>
    private static List<TextureFrame> PollUntilDone(GenerationRunner runner, Action? perFrame = null)
    {
        var uploads = new List<TextureFrame>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            perFrame?.Invoke();
            bool done = runner.IsDone;                  // read before taking, so the last frame is not missed
            uploads.AddRange(runner.TakeAll());
            if (done) break;
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the runner did not finish");
            Thread.Sleep(1);
        }
        return uploads;
    }

    [TestCase(RunnerMode.WorkerThread)]
    [TestCase(RunnerMode.MainThreadBudget)]
    public void UploadsPreviewsThenTheFinalImageInUnityLayout(RunnerMode mode)
    {
        using var runner = GenerationRunner.Start(_dit, Options(), TextureSettings.Unity(), mode);
        Assert.That(runner.Layout, Has.Property("Width").EqualTo(8).And.Property("MipCount").EqualTo(4));
        Assert.That(runner.TotalSteps, Is.EqualTo(40));
        var uploads = PollUntilDone(runner, mode == RunnerMode.MainThreadBudget ? () => runner.Tick(TimeSpan.FromMilliseconds(1)) : null);

        Assert.That(runner.State, Is.EqualTo(RunnerState.Completed));
        Assert.That(runner.StepsDone, Is.EqualTo(40));
        Assert.That(runner.Progress, Is.EqualTo(1f));
        var images = runner.Result!;
        for (int k = 0; k < 2; k++)
        {
            var mine = uploads.Where(u => u.Image == k).ToList();
            Assert.That(mine, Is.Not.Empty);
            Assert.That(mine.Last().IsFinal, Is.True, "the last upload is the final image");
            Assert.That(mine.Take(mine.Count - 1).Select(u => u.IsFinal), Is.All.False);
            Assert.That(mine.Select(u => u.Data.Length), Is.All.EqualTo((int)runner.Layout.ByteSize));
            // Level 0 of the final upload is the image, rows flipped (Unity's raw data starts at the bottom row).
            var level0 = mine.Last().Data.AsSpan(0, 8 * 8 * 4).ToArray();
            for (int y = 0; y < 8; y++)
                Assert.That(level0.AsSpan(y * 32, 32).ToArray(), Is.EqualTo(images[k].Rgba8.AsSpan((7 - y) * 32, 32).ToArray()));
        }
        Assert.That(runner.TakeAll(), Is.Empty, "nothing new after the final image");
    }

    [Test]
    public void BothModesGiveTheSamePixelsAsGenerate()
    {
        var reference = _dit.Generate(Options(7));
        foreach (var mode in new[] { RunnerMode.WorkerThread, RunnerMode.MainThreadBudget })
        {
            using var runner = GenerationRunner.Start(_dit, Options(7), null, mode);
            PollUntilDone(runner, () => runner.Tick(TimeSpan.FromMilliseconds(50)));
            Assert.That(runner.Result!.Select(i => i.Rgba8), Is.EqualTo(reference.Select(i => i.Rgba8)), mode.ToString());
        }
    }

    [Test]
    public void MainThreadModeRespectsTheBudget()
    {
        using var runner = GenerationRunner.Start(_dit, Options(30), null, RunnerMode.MainThreadBudget);
        runner.Tick(TimeSpan.Zero);
        Assert.That(runner.StepsDone, Is.EqualTo(1), "a zero budget still makes progress: one step a frame");
        runner.Tick(TimeSpan.FromSeconds(30));
        Assert.That(runner.State, Is.EqualTo(RunnerState.Completed), "a generous budget finishes in one frame");
    }

    [TestCase(RunnerMode.WorkerThread)]
    [TestCase(RunnerMode.MainThreadBudget)]
    public void CancelStopsAtAStepBoundary(RunnerMode mode)
    {
        // Cancel arrives during step 3 (deterministically: the worker is held inside the step by a gate; on the main
        // thread the step itself cancels). Step 3 finishes, is counted, and no step 4 starts, even with budget to spare.
        const int cancelDuring = 3;
        using var reached = new ManualResetEventSlim();
        using var gate = new ManualResetEventSlim();
        GenerationRunner runner = null!;
        int started = 0;
        var options = new GenerationOptions
        {
            ClassIds = new[] { 1 }, Steps = 50,
            OnStep = (_, _, _) =>
            {
                if (Interlocked.Increment(ref started) != cancelDuring) return;
                if (mode == RunnerMode.WorkerThread)
                {
                    reached.Set();
                    gate.Wait(TimeSpan.FromSeconds(30));
                }
                else runner.Cancel();
            },
        };
        runner = GenerationRunner.Start(_dit, options, null, mode);
        try
        {
            if (mode == RunnerMode.WorkerThread)
            {
                Assert.That(reached.Wait(TimeSpan.FromSeconds(30)), Is.True, "the worker reached step 3");
                Assert.That(runner.StepsDone, Is.EqualTo(cancelDuring - 1), "step 3 is under way, not done");
                runner.Cancel();
                Assert.That(runner.State, Is.EqualTo(RunnerState.Running), "the step in progress is not abandoned");
                gate.Set();
                Assert.That(runner.Wait(TimeSpan.FromSeconds(30)), Is.True);
            }
            else runner.Tick(TimeSpan.FromHours(1));       // budget for all 50 steps: only the cancel stops it
            runner.Tick(TimeSpan.FromHours(1));            // a cancelled runner runs nothing more

            Assert.That(runner.State, Is.EqualTo(RunnerState.Cancelled));
            Assert.That(runner.Result, Is.Null);
            Assert.That(runner.StepsDone, Is.EqualTo(cancelDuring), "the step in progress completes and counts");
            Assert.That(Volatile.Read(ref started), Is.EqualTo(cancelDuring), "no step starts after the cancel");
        }
        finally
        {
            gate.Set();
            runner.Dispose();
        }
    }

    [Test]
    public void BadOptionsFailOnTheCallingThread() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GenerationRunner.Start(_dit, new GenerationOptions { ClassIds = new[] { 9 } }));
}
