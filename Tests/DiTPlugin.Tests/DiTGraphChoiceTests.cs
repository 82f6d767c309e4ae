using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiTPlugin.Contract.Package;
using DiTPlugin.Runtime;
using DiTPlugin.TestSupport;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>Which DiT graph the Plugin runs: int8 on the CPU when the package has it, unless DiTOptions.Precision says otherwise.</summary>
public class DiTGraphChoiceTests
{
    private sealed class Runtime : ProviderRuntime
    {
        private readonly bool _windows;
        private readonly string[] _available;
        public Runtime(bool windows, params string[] available) { _windows = windows; _available = available; }
        public override bool IsWindows => _windows;
        public override IReadOnlyList<string> AvailableProviders() => _available;
    }

    private static readonly ModelManifest Shipped = ModelManifest.Parse(File.ReadAllBytes(RepoPaths.Find("models/openarena-textures/package/model.json")));

    /// <summary>The shipped manifest's graphs replaced by DiT graphs of <paramref name="precisions"/>, in that order.</summary>
    private static ModelManifest With(params Precision[] precisions) => Shipped with
    {
        FormatVersion = PackageFormat.VersionFor(precisions),
        Graphs = precisions.Select((p, i) => Shipped.Graphs[0] with { File = PackageFiles.DiTGraph(p), Precision = p, Sha256 = i.ToString("x2") + new string('0', 62) }).ToArray(),
    };

    private static Precision Chosen(ModelManifest m, Precision? wanted = null, bool fp16 = false, bool cpu = true) =>
        DiTGraphChoice.Select(m, wanted, fp16, cpu, null).Precision;

    [Test]
    public void Int8OnTheCpuWhenThePackageHasIt()
    {
        var all = With(Precision.Fp32, Precision.Fp16, Precision.Int8);
        Assert.That(Chosen(all), Is.EqualTo(Precision.Int8));
        Assert.That(Chosen(all, fp16: true), Is.EqualTo(Precision.Int8), "PreferFp16 does not outrank int8 on the CPU");
        Assert.That(Chosen(all, cpu: false), Is.EqualTo(Precision.Fp32), "a GPU provider gets the float graph");
        Assert.That(Chosen(all, fp16: true, cpu: false), Is.EqualTo(Precision.Fp16));
        Assert.That(Chosen(With(Precision.Fp32, Precision.Fp16)), Is.EqualTo(Precision.Fp32), "no int8 graph: as before");
        Assert.That(Chosen(With(Precision.Int8), cpu: false), Is.EqualTo(Precision.Int8), "an int8-only package runs it anywhere");
    }

    [Test]
    public void ThePrecisionOptionOverrides()
    {
        var all = With(Precision.Fp32, Precision.Fp16, Precision.Int8);
        Assert.That(Chosen(all, Precision.Fp32), Is.EqualTo(Precision.Fp32));
        Assert.That(Chosen(all, Precision.Fp16), Is.EqualTo(Precision.Fp16));
        Assert.That(Chosen(all, Precision.Int8, cpu: false), Is.EqualTo(Precision.Int8));
        var logged = new List<string>();
        Assert.That(DiTGraphChoice.Select(With(Precision.Fp32), Precision.Int8, false, true, logged.Add).Precision, Is.EqualTo(Precision.Fp32));
        Assert.That(logged.Single(), Does.Contain("has no int8 DiT graph (it has fp32)"));
    }

    [Test]
    public void TheCpuIsKnownBeforeTheSessionExists()
    {
        Assert.That(DiTGraphChoice.RunsOnCpu(ExecutionProvider.Cpu, new Runtime(true, RunningProvider.DirectMLName)), Is.True);
        Assert.That(DiTGraphChoice.RunsOnCpu(ExecutionProvider.Auto, new Runtime(false, RunningProvider.CpuName)), Is.True);
        Assert.That(DiTGraphChoice.RunsOnCpu(ExecutionProvider.Auto, new Runtime(false, RunningProvider.DirectMLName, RunningProvider.CpuName)), Is.True,
            "DirectML runs on Windows only");
        Assert.That(DiTGraphChoice.RunsOnCpu(ExecutionProvider.Auto, new Runtime(true, RunningProvider.DirectMLName, RunningProvider.CpuName)), Is.False);
        Assert.That(DiTGraphChoice.RunsOnCpu(ExecutionProvider.Auto, new Runtime(false, RunningProvider.CudaName, RunningProvider.CpuName)), Is.False);
        Assert.That(DiTGraphChoice.RunsOnCpu(ExecutionProvider.Cuda, new Runtime(false, RunningProvider.CudaName)), Is.False);
    }

    [Test]
    public void TheShippedPackagesReportWhatRuns()
    {
        // The default package has an fp16 graph (for GPUs) and an int8 one (the CPU's); the OpenArena one int8 only.
        const string freedoom = "models/freedoom-textures/package";
        using (var dit = DiT.Load(RepoPaths.Find(freedoom), new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu }))
            Assert.That(dit.Precision, Is.EqualTo(Precision.Int8));
        using (var fp16 = DiT.Load(RepoPaths.Find(freedoom), new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu, Precision = Precision.Fp16 }))
            Assert.That(fp16.Precision, Is.EqualTo(Precision.Fp16));
        using (var oa = DiT.Load(RepoPaths.Find("models/openarena-textures/package"), new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu, Precision = Precision.Fp32 }))
            Assert.That(oa.Precision, Is.EqualTo(Precision.Int8), "asked for a graph it lacks, a package runs what it has");
    }
}
