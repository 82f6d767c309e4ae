using System;
using System.Collections.Generic;
using System.Linq;
using DiTPlugin.Runtime;
using Microsoft.ML.OnnxRuntime;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>
/// The DirectML and CUDA session settings and the provider the Plugin reports, checked where neither provider can run:
/// a <see cref="ProviderRuntime"/> that says "Windows, DirectML and CUDA in this build" and records what the Plugin asks
/// of it, over real ONNX Runtime CPU sessions (so the placement the report rests on is ONNX Runtime's own).
/// </summary>
public class ProviderSessionTests
{
    /// <summary>Claims Windows and the given providers, records every append with the session settings at that moment.</summary>
    private sealed class RecordingRuntime : ProviderRuntime
    {
        private readonly string[] _available;
        private readonly string?[]? _placed;
        public readonly List<(string Provider, int Device, bool MemoryPattern, ExecutionMode Mode)> Appended = new();

        public RecordingRuntime(string[] available, string?[]? placed = null)
        {
            _available = available;
            _placed = placed;
        }

        public override bool IsWindows => true;
        public override IReadOnlyList<string> AvailableProviders() => _available;
        public override void AppendDirectML(SessionOptions options, int adapterIndex) =>
            Appended.Add(("DirectML", adapterIndex, options.EnableMemoryPattern, options.ExecutionMode));
        public override void AppendCuda(SessionOptions options, int deviceId) =>
            Appended.Add(("CUDA", deviceId, options.EnableMemoryPattern, options.ExecutionMode));
        public override IReadOnlyList<string?> InputProviders(InferenceSession session) => _placed ?? base.InputProviders(session);
    }

    private static readonly string[] AllThree = { RunningProvider.DirectMLName, RunningProvider.CudaName, RunningProvider.CpuName };

    private TempDir _dir = null!;

    [OneTimeSetUp]
    public void Setup()
    {
        _dir = new TempDir();
        TinyOnnxModel.WritePackage(_dir.Path);
    }

    [OneTimeTearDown]
    public void TearDown() => _dir.Dispose();

    [Test]
    public void DirectMLSessionsHaveMemoryPatternsOffSequentialExecutionAndTheAdapterIndex()
    {
        var rt = new RecordingRuntime(AllThree);
        using (var options = SessionSetup.Create(ExecutionProvider.DirectML, 3, rt))
        {
            Assert.That(rt.Appended, Is.EqualTo(new[] { ("DirectML", 3, false, ExecutionMode.ORT_SEQUENTIAL) }));
            Assert.That(options.EnableMemoryPattern, Is.False);
            Assert.That(options.ExecutionMode, Is.EqualTo(ExecutionMode.ORT_SEQUENTIAL));
        }
        // CUDA keeps ONNX Runtime's defaults (memory patterns on); CPU appends nothing.
        using (SessionSetup.Create(ExecutionProvider.Cuda, 1, rt)) { }
        using (SessionSetup.Create(ExecutionProvider.Cpu, 5, rt)) { }
        Assert.That(rt.Appended.Skip(1), Is.EqualTo(new[] { ("CUDA", 1, true, ExecutionMode.ORT_SEQUENTIAL) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionSetup.Create(ExecutionProvider.Auto, 0, rt));
    }

    [Test]
    public void OnTheCpuADecoderStopsBeforeLayoutOptimizationsAndTheTransformerKeepsThemAll()
    {
        var rt = new RecordingRuntime(AllThree);
        using (var dit = SessionSetup.Create(ExecutionProvider.Cpu, 0, rt))
            Assert.That(dit.GraphOptimizationLevel, Is.EqualTo(GraphOptimizationLevel.ORT_ENABLE_ALL));
        using (var decoder = SessionSetup.Create(ExecutionProvider.Cpu, 0, rt, GraphKind.ConvolutionalDecoder))
            Assert.That(decoder.GraphOptimizationLevel, Is.EqualTo(GraphOptimizationLevel.ORT_ENABLE_EXTENDED));
        // Other providers keep ONNX Runtime's default for both kinds.
        using (var gpu = SessionSetup.Create(ExecutionProvider.Cuda, 0, rt, GraphKind.ConvolutionalDecoder))
            Assert.That(gpu.GraphOptimizationLevel, Is.EqualTo(GraphOptimizationLevel.ORT_ENABLE_ALL));
    }

    /// <summary>
    /// DiTOptions.DeviceId reaches DirectML as the adapter index with the settings it needs. The recording runtime does not
    /// really append DirectML, so ONNX Runtime places the inputs on the CPU, and the Plugin reports Cpu, not DirectML.
    /// </summary>
    [Test]
    public void ForcedDirectMLGetsItsSettingsAndReportsWhereTheSessionRuns()
    {
        var rt = new RecordingRuntime(AllThree);
        var log = new List<string>();
        using var dit = DiT.Load(_dir.Path, new DiTOptions
        {
            ExecutionProvider = ExecutionProvider.DirectML, DeviceId = 2, ProviderRuntime = rt, Log = log.Add,
        });
        Assert.That(rt.Appended, Is.EqualTo(new[] { ("DirectML", 2, false, ExecutionMode.ORT_SEQUENTIAL) }));
        Assert.That(dit.Provider, Is.EqualTo(ExecutionProvider.Cpu));
        Assert.That(log, Has.Some.Contains("dit.onnx runs on CPU, not DirectML: inputs placed on CPUExecutionProvider"));
    }

    [Test]
    public void AutoTriesDirectMLFirstOnWindowsAndReportsThePlacement()
    {
        var rt = new RecordingRuntime(AllThree, placed: new[] { RunningProvider.DirectMLName, RunningProvider.DirectMLName, RunningProvider.CpuName, RunningProvider.DirectMLName });
        using var dit = DiT.Load(_dir.Path, new DiTOptions { DeviceId = 1, ProviderRuntime = rt });
        Assert.That(rt.Appended.Select(a => (a.Provider, a.Device)), Is.EqualTo(new[] { ("DirectML", 1) }));
        Assert.That(dit.Provider, Is.EqualTo(ExecutionProvider.DirectML));
    }

    [Test]
    public void TheRealRuntimeNamesTheInputsDevices()
    {
        var log = new List<string>();
        using var dit = DiT.Load(_dir.Path, new DiTOptions { Log = log.Add });
        Assert.That(dit.Provider, Is.EqualTo(ExecutionProvider.Cpu));
        Assert.That(log, Has.Some.Contains("dit.onnx runs on CPU (").And.Contains("inputs placed on CPUExecutionProvider"));
        Assert.That(ProviderRuntime.Default.AvailableProviders(), Does.Contain(RunningProvider.CpuName));
    }

    [Test]
    public void AProviderMissingFromTheNativeBuildIsRefusedBeforeTheSession()
    {
        var rt = new RecordingRuntime(new[] { RunningProvider.CpuName });
        var e = Assert.Throws<InvalidOperationException>(() => DiT.Load(_dir.Path,
            new DiTOptions { ExecutionProvider = ExecutionProvider.Cuda, ProviderRuntime = rt }))!;
        Assert.That(e.Message, Does.StartWith("Execution provider Cuda was forced but this ONNX Runtime build has no Cuda provider (it has CPUExecutionProvider;"));
        Assert.That(rt.Appended, Is.Empty);
    }

    [TestCase(ExecutionProvider.DirectML, new[] { "DmlExecutionProvider", "CPUExecutionProvider" }, ExecutionProvider.DirectML)]
    [TestCase(ExecutionProvider.DirectML, new[] { "CPUExecutionProvider", "CPUExecutionProvider" }, ExecutionProvider.Cpu)]
    [TestCase(ExecutionProvider.Cuda, new[] { "CUDAExecutionProvider" }, ExecutionProvider.Cuda)]
    [TestCase(ExecutionProvider.Cpu, new[] { "CPUExecutionProvider" }, ExecutionProvider.Cpu)]
    public void ThePlacementDecides(ExecutionProvider appended, string[] placed, ExecutionProvider expected)
    {
        var (running, evidence) = RunningProvider.Decide(appended, placed, AllThree);
        Assert.That(running, Is.EqualTo(expected));
        Assert.That(evidence, Is.EqualTo("inputs placed on " + string.Join(", ", placed.Distinct())));
    }

    [Test]
    public void WithoutPlacementTheAppendedProviderCountsOnlyIfTheBuildHasIt()
    {
        Assert.That(RunningProvider.Decide(ExecutionProvider.DirectML, null, AllThree).Provider, Is.EqualTo(ExecutionProvider.DirectML));
        Assert.That(RunningProvider.Decide(ExecutionProvider.DirectML, new string?[] { null, null }, AllThree).Provider, Is.EqualTo(ExecutionProvider.DirectML));
        Assert.That(RunningProvider.Decide(ExecutionProvider.DirectML, null, new[] { RunningProvider.CpuName }).Provider, Is.EqualTo(ExecutionProvider.Cpu));
        Assert.That(RunningProvider.Decide(ExecutionProvider.Cpu, null, AllThree).Provider, Is.EqualTo(ExecutionProvider.Cpu));
    }
}
