using System;
using System.IO;
using System.IO.Compression;
using System.Text.Json.Nodes;
using DiTPlugin.Contract.Classes;
using DiTPlugin.Runtime;
using NUnit.Framework;

namespace DiTPlugin.Tests;

public class ManifestTests
{
    private static ModelPackageException OpenFails(Action<JsonObject, TempDir> mutate)
    {
        using var dir = new TempDir();
        var m = TinyOnnxModel.WritePackage(dir.Path);
        mutate(m, dir);
        TinyOnnxModel.WriteManifest(dir.Path, m);
        return Assert.Throws<ModelPackageException>(() => ModelPackage.Open(dir.Path))!;
    }

    [Test]
    public void ValidPackageOpensFromFolderAndZip()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.File("pkg"));
        var p = ModelPackage.Open(dir.File("pkg"));
        Assert.That(p.Manifest.Classes.Count, Is.EqualTo(3));
        Assert.That(p.Warnings, Is.Empty);
        ZipFile.CreateFromDirectory(dir.File("pkg"), dir.File("pkg.zip"));
        var z = ModelPackage.Open(dir.File("pkg.zip"));
        Assert.That(z.ReadFile("dit.onnx"), Is.EqualTo(p.ReadFile("dit.onnx")));
        Assert.That(z.ContentHash, Is.EqualTo(p.ContentHash));
    }

    [Test]
    public void UnknownFormat() =>
        Assert.That(OpenFails((m, _) => m["format"] = "something-else").Message, Does.Contain("model.json: unknown format 'something-else'"));

    [Test]
    public void FormatVersionTooNew() =>
        Assert.That(OpenFails((m, _) => m["formatVersion"] = 6).Message, Does.Contain("formatVersion 6 is newer than this plugin reads (5)"));

    [Test]
    public void UnsupportedOpset()
    {
        var e = OpenFails((m, _) => m["graphs"]![0]!["opset"] = 18);
        Assert.That(e.File, Is.EqualTo("dit.onnx"));
        Assert.That(e.Message, Does.Contain("opset 18 is not supported").And.Contain("opset 17"));
    }

    [Test]
    public void MissingFile()
    {
        var e = OpenFails((_, d) => File.Delete(d.File("dit.onnx")));
        Assert.That(e.Message, Does.StartWith("dit.onnx: missing"));
    }

    [Test]
    public void MissingManifest()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(dir.Path))!;
        Assert.That(e.Message, Does.StartWith("model.json: missing"));
    }

    [Test]
    public void Sha256Mismatch()
    {
        var e = OpenFails((_, d) => File.AppendAllText(d.File("dit.onnx"), "x"));
        Assert.That(e.Message, Does.StartWith("dit.onnx: sha256 mismatch"));
    }

    [Test]
    public void BadFields()
    {
        Assert.That(OpenFails((m, _) => m["classes"]!["nullClass"] = 0).Message, Does.Contain("classes.nullClass is 0, expected 3"));
        Assert.That(OpenFails((m, _) => m["classes"]!["count"] = 5).Message, Does.Contain("classes.names has 3 names but classes.count is 5"));
        Assert.That(OpenFails((m, _) => m["schedule"]!["kind"] = "sigmoid").Message, Does.Contain("schedule.kind 'sigmoid'"));
        Assert.That(OpenFails((m, _) => m["output"]!["colorSpace"] = "P3").Message, Does.Contain("output.colorSpace 'P3'"));
        Assert.That(OpenFails((m, _) => m["graphs"]![0]!["role"] = "vae").Message, Does.Contain("no entry with role 'dit'"));
        Assert.That(OpenFails((m, _) => m["output"]!["width"] = 16).Message, Does.Contain("does not match input"));
        Assert.That(OpenFails((m, _) => m.Remove("license")).Message, Does.Contain("license.id is missing"));
    }

    [Test]
    public void InvalidJson()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path);
        File.WriteAllText(dir.File("model.json"), "{ not json");
        Assert.That(Assert.Throws<ModelPackageException>(() => ModelPackage.Open(dir.Path))!.Message, Does.StartWith("model.json: invalid JSON"));
    }

    [Test]
    public void GraphShapesMustMatchTheManifest()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WritePackage(dir.Path, new TinyOnnxModel.Spec { Size = 8, GraphSize = 4 });
        var e = Assert.Throws<ModelPackageException>(() => DiT.Load(dir.Path))!;
        Assert.That(e.Message, Does.Contain("dit.onnx: input 'x' has shape [1, 1, 4, 4], expected [1, 1, 8, 8]"));
    }
}

public class ClassSearchTests
{
    private static readonly ClassCatalog Catalog = new(new[] { "T-shirt/top", "Trouser", "Pullover", "Ankle boot" },
        new System.Collections.Generic.Dictionary<string, int> { ["tee"] = 0, ["pants"] = 1 });

    [Test]
    public void SearchOrder()
    {
        Assert.That(Catalog.Find("Trouser"), Is.EqualTo(1));
        Assert.That(Catalog.Find("trouser"), Is.EqualTo(1));
        Assert.That(Catalog.Find("PULLOVER"), Is.EqualTo(2));
        Assert.That(Catalog.Find("boot"), Is.EqualTo(3));
        Assert.That(Catalog.Find("shirt"), Is.EqualTo(0));
        Assert.That(Catalog.Find("tee"), Is.EqualTo(0));
        Assert.That(Catalog.Find("Pants"), Is.EqualTo(1));
        Assert.That(Catalog.Find("sandal"), Is.Null);
        Assert.That(Catalog.Find(""), Is.Null);
    }

    [Test]
    public void ClosestSuggestion()
    {
        Assert.That(Catalog.Closest("trousr"), Is.EqualTo("Trouser"));
        Assert.That(Catalog.Closest("pullovr"), Is.EqualTo("Pullover"));
    }
}
