using System.Linq;
using System;
using System.IO;
using DiTPlugin.Runtime;
using NUnit.Framework;

namespace DiTPlugin.Tests.Hostile;

/// <summary>
/// Items 2 and 4: damaged or foreign graphs (with their hashes recomputed) are package errors, not ONNX Runtime's
/// exceptions; graphs that keep tensors in other files (ONNX external data) are refused.
/// </summary>
public class GraphIntegrityTests
{
    private static readonly byte[] Graph = BasePackages.Pixel["dit.onnx"];

    [Test]
    public void ATruncatedGraphIsAPackageErrorNamingTheByte()
    {
        var e = Probe.Refused(BasePackages.WithGraph(BasePackages.Pixel, "dit.onnx", Graph[..(Graph.Length / 2)]));
        Assert.That(e.File, Is.EqualTo("dit.onnx"));
        Assert.That(e.Message, Does.Match(@"^dit\.onnx: is not a valid ONNX graph \(truncated or not an ONNX file: .* at byte \d+\)\.$"));
    }

    [Test]
    public void OnnxRuntimesOwnRefusalIsWrapped()
    {
        // Well-formed protobuf (ir_version only) that ONNX Runtime cannot load: its OnnxRuntimeException, wrapped.
        var e = Probe.Refused(BasePackages.WithGraph(BasePackages.Pixel, "dit.onnx", Proto.Number(1, 8)));
        Assert.That(e.Message, Does.StartWith("dit.onnx: ONNX Runtime could not load the graph: "));
        Assert.That(e.Message, Does.Not.Contain("\n"));
    }

    [Test]
    public void AForcedProviderFailingOnABadGraphIsAPackageErrorToo()
    {
        using var dir = new TempDir();
        BasePackages.Write(dir.Path, BasePackages.WithGraph(BasePackages.Pixel, "dit.onnx", Proto.Number(1, 8)));
        var e = Assert.Throws<ModelPackageException>(() => DiT.Load(dir.Path, new DiTOptions { ExecutionProvider = ExecutionProvider.Cpu }))!;
        Assert.That(e.Message, Does.StartWith("dit.onnx: ONNX Runtime could not "));
    }

    [Test]
    public void AForcedProviderThisMachineLacksIsASettingErrorRaisedBeforeReading()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("DirectML may exist on Windows.");
        var e = Assert.Throws<InvalidOperationException>(() => DiT.Load("/no/such/package", new DiTOptions { ExecutionProvider = ExecutionProvider.DirectML }))!;
        Assert.That(e.Message, Is.EqualTo("Execution provider DirectML was forced but DirectML runs on Windows only."));
    }

    [Test]
    public void ExternalDataIsRefusedNamingTheTensorAndItsLocation()
    {
        // Were it loaded, ONNX Runtime would read weights.bin from the current directory (the Plugin passes bytes, not
        // a path): a file no hash covers. The graph's own hash matches, so only the scan can stop it.
        using var dir = new TempDir();
        var graph = TinyOnnxModel.BuildGraph(new TinyOnnxModel.Spec { ExternalDataLocation = "weights.bin" });
        BasePackages.Write(dir.Path, BasePackages.WithGraph(BasePackages.Pixel, "dit.onnx", graph));
        File.WriteAllBytes(dir.File("weights.bin"), BitConverter.GetBytes(0.1f));
        var e = Probe.Refused(dir.Path);
        Assert.That(e.Message, Is.EqualTo("dit.onnx: tensor 'c_eps' keeps its data outside the graph (ONNX external data, location 'weights.bin'), " +
                                          "and model.json declares no dataFile for this graph: only a declared data file is covered by the package's hashes."));
    }

    [Test]
    public void ExternalDataDeepInASubgraphIsFoundToo()
    {
        var attribute = Proto.Message(5, Proto.Text(1, "value"), Proto.Number(20, 4), Proto.Message(5, Proto.ExternalTensor("hidden", "/etc/hostname")));
        var subgraph = Proto.Message(6, Proto.Message(1, Proto.Text(4, "Constant"), attribute));
        var node = Proto.Message(1, Proto.Text(4, "If"), Proto.Message(5, Proto.Text(1, "else_branch"), Proto.Number(20, 5), subgraph));
        var e = Probe.Refused(BasePackages.WithGraph(BasePackages.Pixel, "dit.onnx", Proto.Join(Graph, Proto.Message(7, node))));
        Assert.That(e.Message, Does.StartWith("dit.onnx: tensor 'hidden' keeps its data outside the graph").And.Contain("/etc/hostname"));
    }

    [Test]
    public void TheScanPassesEveryShippedGraph()
    {
        foreach (var package in new[] { "models/freedoom-textures/package", "models/openarena-textures/package" })
        {
            string folder = TestSupport.RepoPaths.Find(package);
            var manifest = DiTPlugin.Contract.Package.ModelManifest.Parse(File.ReadAllBytes(Path.Combine(folder, "model.json")));
            foreach (var file in manifest.Graphs.Select(g => g.File))
                Assert.DoesNotThrow(() => OnnxExternalDataScan.Check(file, File.ReadAllBytes(Path.Combine(folder, file))), $"{package}/{file}");
        }
        Assert.DoesNotThrow(() => OnnxExternalDataScan.Check("vae_decoder.onnx", BasePackages.Latent["vae_decoder.onnx"]));
    }
}
