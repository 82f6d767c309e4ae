using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using DiTPlugin.Contract.Package;
using DiT.Training.Export;
using DiT.Training.Export.Onnx;
using DiT.Training.Model;
using Microsoft.ML.OnnxRuntime;
using NUnit.Framework;
using static DiT.Training.Tests.Export.OnnxTestUtil;

namespace DiT.Training.Tests.Export;

/// <summary>
/// DiT graphs with their weights in an external data file (docs/model-package.md, "External data"): what fp32
/// DiT-XL/2 needs past protobuf's 2 GB, here forced on a tiny model so that it runs in a test.
/// </summary>
public class ExternalDataExportTests : TempDirectoryTest
{
    private static ModelPackageRequest Request(DiTModel model, bool? external) => new()
    {
        Config = model.Config,
        Weights = model.state_dict(),
        ClassNames = new[] { "zero", "one", "two", "three", "four" },
        Name = "tiny-dit",
        GuidedChannels = 3,
        IncludeFp16 = false,
        ExternalData = external,
    };

    /// <summary>Both graphs, each run by path by ONNX Runtime on the same inputs, give exactly the same eps and v.</summary>
    private static void AssertSameOutputs(DiTModel model, string graphA, string graphB)
    {
        var inp = RandomInputs(model.Config, 1);
        using var a = new InferenceSession(graphA);
        using var b = new InferenceSession(graphB);
        var (eps1, v1) = RunOrt(a, inp, 4f);
        var (eps2, v2) = RunOrt(b, inp, 4f);
        Assert.That(eps2, Is.EqualTo(eps1));
        Assert.That(v2, Is.EqualTo(v1));
    }

    private static DiTModel Model() => RandomModel(Tiny(BlockType.AdaLNZero, size: 16) with { HiddenSize = 128, NumHeads = 4 });

    [Test]
    public void TheManifestDeclaresTheDataFileAndItsHashAndContentHashCoversIt()
    {
        using var model = Model();
        var dir = Path.Combine(Dir, "pkg");
        var m = ModelPackageWriter.Write(dir, Request(model, true));
        var g = m.Graphs.Single();
        Assert.That(g.DataFile, Is.EqualTo("dit.onnx.data"));
        Assert.That(g.DataSha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, "dit.onnx.data"))))));
        Assert.That(m.ContentHash, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(g.Sha256 + " " + g.DataSha256)))));
        Assert.That(ModelPackageWriter.ReadAndVerify(dir), Is.EqualTo(m));
    }

    [Test]
    public void TheSplitGraphRunsByPathAndGivesTheSameOutputsAsTheSelfContainedOne()
    {
        using var model = Model();
        var inline = Path.Combine(Dir, "inline");
        var external = Path.Combine(Dir, "external");
        ModelPackageWriter.Write(inline, Request(model, false));
        ModelPackageWriter.Write(external, Request(model, true));
        Assert.That(File.Exists(Path.Combine(inline, "dit.onnx.data")), Is.False);
        Assert.That(new FileInfo(Path.Combine(external, "dit.onnx")).Length, Is.LessThan(new FileInfo(Path.Combine(inline, "dit.onnx")).Length / 2));

        AssertSameOutputs(model, Path.Combine(inline, "dit.onnx"), Path.Combine(external, "dit.onnx"));
    }

    [Test]
    public void TheInt8GraphKeepsItsWeightsInADataFileOfItsOwnAndRunsAsTheInlineOne()
    {
        using var model = Model();
        var inline = Path.Combine(Dir, "int8-inline");
        var external = Path.Combine(Dir, "int8-external");
        ModelPackageWriter.Write(inline, Request(model, false) with { IncludeInt8 = true });
        var m = ModelPackageWriter.Write(external, Request(model, true) with { IncludeInt8 = true });
        var int8 = m.Graphs.Single(g => g.Precision == Precision.Int8);
        Assert.That(int8.DataFile, Is.EqualTo("dit_int8.onnx.data"));
        Assert.That(int8.DataSha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(external, "dit_int8.onnx.data"))))));
        Assert.That(m.FormatVersion, Is.EqualTo(PackageFormat.UnconditionalLabelVersion), "int8 and a data file need 2, the y_uncond input 3");
        Assert.That(ModelPackageWriter.ReadAndVerify(external), Is.EqualTo(m));
        Assert.That(File.Exists(Path.Combine(inline, "dit_int8.onnx.data")), Is.False, "--external-data false keeps the int8 weights inline");

        AssertSameOutputs(model, Path.Combine(inline, "dit_int8.onnx"), Path.Combine(external, "dit_int8.onnx"));
    }

    [Test]
    public void EveryExternalTensorIsAlignedToMapAndLiesInTheFile()
    {
        using var model = Model();
        var dir = Path.Combine(Dir, "pkg");
        ModelPackageWriter.Write(dir, Request(model, true));
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(dir, "dit.onnx")));
        long size = new FileInfo(Path.Combine(dir, "dit.onnx.data")).Length;
        var external = proto.Graph.Initializer.Where(t => t.DataLocation == TensorProto.Types.DataLocation.External).ToList();
        Assert.That(external, Is.Not.Empty);
        foreach (var t in external)
        {
            var kv = t.ExternalData.ToDictionary(e => e.Key, e => e.Value);
            Assert.That(kv["location"], Is.EqualTo("dit.onnx.data"));
            long offset = long.Parse(kv["offset"]), length = long.Parse(kv["length"]);
            Assert.That(offset % OnnxExternalData.Alignment, Is.Zero, t.Name);
            Assert.That(offset + length, Is.LessThanOrEqualTo(size), t.Name);
            Assert.That(length, Is.GreaterThanOrEqualTo(OnnxExternalData.MinExternalBytes), t.Name);
            Assert.That(t.RawData.IsEmpty, t.Name);
        }
        Assert.That(proto.Graph.Initializer.Where(t => t.DataLocation != TensorProto.Types.DataLocation.External).All(t => t.RawData.Length < OnnxExternalData.MinExternalBytes));
    }

    [Test]
    public void AZipCannotCarryExternalData()
    {
        using var model = Model();
        var e = Assert.Throws<ArgumentException>(() => ModelPackageWriter.Write(Path.Combine(Dir, "pkg.zip"), Request(model, true)))!;
        Assert.That(e.Message, Does.Contain("dit.onnx.data").And.Contain("is a folder, not a .zip"));
        Assert.That(File.Exists(Path.Combine(Dir, "pkg.zip")), Is.False);
    }

    [Test]
    public void ReadAndVerifyCatchesAChangedDataFile()
    {
        using var model = Model();
        var dir = Path.Combine(Dir, "pkg");
        ModelPackageWriter.Write(dir, Request(model, true));
        using (var f = new FileStream(Path.Combine(dir, "dit.onnx.data"), FileMode.Open)) { f.Position = OnnxExternalData.Alignment; f.WriteByte(0x5A); }
        var e = Assert.Throws<InvalidDataException>(() => ModelPackageWriter.ReadAndVerify(dir))!;
        Assert.That(e.Message, Does.StartWith("dit.onnx.data: sha256 "));
    }

    [Test]
    public void OnlyGraphsOverTwoGigabytesNeedItByDefault()
    {
        using var model = Model();
        Assert.That(ExternalDataPlan.Needed(model.state_dict(), Precision.Fp32), Is.False);
        // fp32 DiT-XL/2: 675M parameters, 2.7 GB; its fp16 graph (1.35 GB) fits one file.
        var xl = DiTConfig.FromName("DiT-XL/2", inputSize: 32);
        Assert.That(ParamCount.Trainable(xl) * 4L, Is.GreaterThan(GraphBuilder.MaxInitializerBytes));
        Assert.That(ParamCount.Trainable(xl) * 2L, Is.LessThan(GraphBuilder.MaxInitializerBytes));
    }
}
