using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DiTPlugin.Runtime;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>DiT.LoadAsync: off the calling thread, with stage progress and cancellation between stages.</summary>
public class LoadAsyncTests
{
    /// <summary>Reports synchronously on the loading thread (Progress&lt;T&gt; would post them later).</summary>
    private sealed class Recorder : IProgress<LoadProgress>
    {
        public readonly List<(LoadProgress P, int Thread)> Reports = new();
        public Action<LoadProgress>? OnReport;
        public void Report(LoadProgress value)
        {
            lock (Reports) Reports.Add((value, Environment.CurrentManagedThreadId));
            OnReport?.Invoke(value);
        }
    }

    [Test]
    public async Task LoadsOffTheCallingThreadReportingEveryStage()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WriteLatentPackage(dir.Path, 4, ("vae_decoder.onnx", "fp32", null, 1f));
        var rec = new Recorder();
        int caller = Environment.CurrentManagedThreadId;
        using var dit = await DiT.LoadAsync(dir.Path, progress: rec);
        Assert.That(dit.Classes, Has.Count.EqualTo(3));
        var stages = rec.Reports.Select(r => r.P.Stage).ToList();
        Assert.That(stages, Is.EqualTo(new[]
        {
            "verifying dit.onnx", "verifying vae_decoder.onnx", "creating the ONNX Runtime session for dit.onnx", "creating the VAE decoder session", "loaded",
        }));
        Assert.That(rec.Reports.Select(r => r.P.Done), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
        Assert.That(rec.Reports.Select(r => r.P.Total), Is.All.EqualTo(4));
        Assert.That(rec.Reports[^1].P.Fraction, Is.EqualTo(1.0));
        Assert.That(rec.Reports.Select(r => r.Thread), Is.All.Not.EqualTo(caller), "the work runs on a worker thread");
    }

    [Test]
    public void TheCallerReturnsWhileTheLoadIsHeld()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path);
        using var gate = new ManualResetEventSlim(false);
        var rec = new Recorder { OnReport = _ => gate.Wait() };   // the load cannot move until the gate opens
        var task = DiT.LoadAsync(dir.Path, progress: rec);
        Assert.That(task.IsCompleted, Is.False, "LoadAsync returned before any stage could run: nothing was done on this thread");
        gate.Set();
        using var dit = task.GetAwaiter().GetResult();
        Assert.That(dit.Name, Is.Not.Empty);
    }

    [Test]
    public void CancellationBetweenStagesStopsTheLoad()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path);
        using var cts = new CancellationTokenSource();
        var rec = new Recorder { OnReport = p => { if (p.Stage.StartsWith("creating", StringComparison.Ordinal)) cts.Cancel(); } };
        var task = DiT.LoadAsync(dir.Path, progress: rec, cancellationToken: cts.Token);
        Assert.That(() => task.GetAwaiter().GetResult(), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(rec.Reports.Select(r => r.P.Stage), Does.Not.Contain("loaded"));
        using var done = new CancellationTokenSource();
        done.Cancel();
        Assert.That(() => DiT.LoadAsync(dir.Path, cancellationToken: done.Token).GetAwaiter().GetResult(), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void AThrowingProgressHandlerIsNotReportedAsABadPackage()
    {
        // Load wraps whatever a package makes go wrong as ModelPackageException; the caller's own exception is not that.
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path);
        var rec = new Recorder { OnReport = _ => throw new FormatException("the handler's own bug") };
        var e = Assert.Throws<FormatException>(() => DiT.LoadAsync(dir.Path, progress: rec).GetAwaiter().GetResult())!;
        Assert.That(e.Message, Is.EqualTo("the handler's own bug"));
    }

    [Test]
    public async Task ABadPackageFaultsTheTaskWithTheUsualError()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path);
        System.IO.File.WriteAllBytes(dir.File("dit.onnx"), new byte[] { 1, 2, 3 });
        var e = await Assert.ThrowsAsync<ModelPackageException>(() => DiT.LoadAsync(dir.Path));
        Assert.That(e!.Message, Does.Contain("dit.onnx").And.Contain("sha256 mismatch"));
    }
}
