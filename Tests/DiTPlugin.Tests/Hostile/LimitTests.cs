using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using DiTPlugin.Runtime;
using NUnit.Framework;

namespace DiTPlugin.Tests.Hostile;

/// <summary>Item 1: every size the Plugin reads or allocates is capped (PackageLimits), and refused before the cost.</summary>
public class LimitTests
{
    [Test]
    public void ScheduleTimestepsAreCapped()
    {
        var e = Probe.RefusedManifest(m => m["schedule"]!["timesteps"] = 2_000_000_000);
        Assert.That(e.Message, Is.EqualTo("model.json: schedule.timesteps 2000000000 is outside 1..100000."));
        Probe.LoadsManifest(m => m["schedule"]!["timesteps"] = 100_000);
    }

    [Test]
    public void ExplicitBetasMustMatchTimesteps()
    {
        var e = Probe.RefusedManifest(m =>
        {
            m["schedule"]!["timesteps"] = 3;
            m["schedule"]!["betas"] = new JsonArray(0.1, 0.2);
        });
        Assert.That(e.Message, Does.Contain("schedule.betas lists 2 betas but schedule.timesteps is 3"));
    }

    [Test]
    public void TheLinearScheduleNeedsAtLeast20Timesteps()
    {
        // ADM's linear betas end at 0.02·1000/T: above 1 below T = 20, which the schedule itself rejects with an
        // ArgumentException; the manifest check makes it a package error naming the field and the valid range.
        var e = Probe.RefusedManifest(m => m["schedule"]!["timesteps"] = 10);
        Assert.That(e.Message, Does.StartWith("model.json: schedule.timesteps 10 is too few for the linear schedule").And.Contain("20..100000"));
        Probe.LoadsManifest(m => m["schedule"]!["timesteps"] = 20);
        Probe.LoadsManifest(m => { m["schedule"]!["timesteps"] = 10; m["schedule"]!["kind"] = "cosine"; });
    }

    [Test]
    public void ClassCountIsCapped()
    {
        var e = Probe.RefusedManifest(m => m["classes"]!["count"] = 100_001);
        Assert.That(e.Message, Is.EqualTo("model.json: classes.count 100001 is outside 1..100000."));
    }

    [Test]
    public void ImageSidesChannelsAndBatchAreCapped()
    {
        Assert.That(Probe.RefusedManifest(m => m["input"]!["size"] = 8193).Message, Is.EqualTo("model.json: input.size 8193 is outside 1..8192."));
        Assert.That(Probe.RefusedManifest(m => m["input"]!["channels"] = 17).Message, Is.EqualTo("model.json: input.channels 17 is outside 1..16."));
        Assert.That(Probe.RefusedManifest(m => m["output"]!["width"] = 100_000).Message, Is.EqualTo("model.json: output.width 100000 is outside 1..8192."));
        var batch = Probe.RefusedManifest(m => m["graphs"]![0]!["batch"] = 65);
        Assert.That(batch.File, Is.EqualTo("dit.onnx"));
        Assert.That(batch.Message, Does.Contain("batch 65 is more than 64 (graphs[0].batch must be in 1..64)"));
        var latent = Probe.RefusedManifest(m => m["latent"]!["downsample"] = 1 << 20, BasePackages.Latent);
        Assert.That(latent.Message, Is.EqualTo("model.json: latent.downsample 1048576 is outside 1..64."));
    }

    [Test]
    public void TensorsAreCappedAt2To28Values()
    {
        // 64 x 16 x 8192 x 8192 floats would overflow every int index; each factor is within its own limit.
        var e = Probe.RefusedManifest(m =>
        {
            foreach (var k in new[] { "input", "output" }) m[k]!["channels"] = 4;
            m["input"]!["size"] = 8192;
            m["output"]!["width"] = 8192;
            m["output"]!["height"] = 8192;
            m["graphs"]![0]!["batch"] = 64;
        });
        Assert.That(e.Message, Is.EqualTo("dit.onnx: its tensor [64, 4, 8192, 8192] has 17179869184 values, more than 268435456 (2^28, PackageLimits.MaxTensorElements); lower the batch or size."));
    }

    [Test]
    public void NamesListsAndTextsAreCapped()
    {
        Assert.That(Probe.RefusedManifest(m => m["name"] = new string('n', 257)).Message, Is.EqualTo("model.json: name is 257 characters long, more than 256."));
        Assert.That(Probe.RefusedManifest(m => m["classes"]!["names"]![1] = new string('c', 300)).Message,
            Is.EqualTo("model.json: classes.names[1] is 300 characters long, more than 256."));
        Assert.That(Probe.RefusedManifest(m => m["license"]!["text"] = new string('t', 300_000)).Message,
            Is.EqualTo("model.json: license.text is 300000 characters long, more than 262144."));
        var graphs = Probe.RefusedManifest(m =>
        {
            var list = m["graphs"]!.AsArray();
            for (int i = 0; i < 16; i++) list.Add(list[0]!.DeepClone());
        });
        Assert.That(graphs.Message, Is.EqualTo("model.json: graphs has 17 entries, more than 16."));
    }

    [Test]
    public void AnOversizedManifestIsRefusedBeforeItIsRead()
    {
        using var dir = new TempDir();
        BasePackages.Write(dir.Path, BasePackages.Pixel);
        using (var f = File.OpenWrite(dir.File("model.json"))) f.SetLength(PackageLimits.MaxManifestBytes + 1);   // sparse: costs no disk
        var r = LoadProbe.Run(dir.Path);
        Assert.That(r.Error?.Message, Is.EqualTo("model.json: is 16777217 bytes, more than the model.json limit of 16777216 bytes (16 MiB)."));
        Assert.That(r.Allocated, Is.LessThan(4 << 20), "refused from its size, without reading it");
    }

    [Test]
    public void AZipBombManifestIsRefusedFromItsDeclaredSize()
    {
        using var dir = new TempDir();
        var json = BasePackages.Pixel["model.json"].Concat(Enumerable.Repeat((byte)' ', 64 << 20)).ToArray();
        var zip = ZipCraft.Build(new[] { ("model.json", json), ("dit.onnx", BasePackages.Pixel["dit.onnx"]) });
        Assert.That(zip.Length, Is.LessThan(1 << 20), "64 MiB of model.json in under a megabyte of zip");
        var r = LoadProbe.Run(Probe.WriteZip(dir, zip));
        Assert.That(r.Error?.File, Is.EqualTo("model.json"));
        Assert.That(r.Error!.Message, Does.Contain($"is {json.Length} bytes (as its zip header declares), more than the model.json limit of 16777216 bytes"));
        Assert.That(r.Allocated, Is.LessThan(4 << 20));
    }

    [Test]
    public void AZipBombWhoseHeaderUnderstatesItsSizeIsStoppedAtTheDeclaredSize()
    {
        // .NET's reader ends the entry at the declared size, the counting stream would stop at the cap past it, and
        // the CRC-32 of what was read no longer matches: refused after reading about the declared size only.
        using var dir = new TempDir();
        var json = BasePackages.Pixel["model.json"].Concat(Enumerable.Repeat((byte)' ', 64 << 20)).ToArray();
        var zip = ZipCraft.Build(new[] { ("model.json", json), ("dit.onnx", BasePackages.Pixel["dit.onnx"]) });
        ZipCraft.SetDeclaredSize(zip, "model.json", 1000);
        var r = LoadProbe.Run(Probe.WriteZip(dir, zip));
        Assert.That(r.Error?.Message, Does.StartWith("model.json: ").And.Contain("its zip header declares"));
        Assert.That(r.Allocated, Is.LessThan(4 << 20));
    }

    [Test]
    public void AGraphThatDeclaresAGigabyteCostsOnlyWhatItHolds()
    {
        using var dir = new TempDir();
        var zip = ZipCraft.Build(BasePackages.Pixel);
        ZipCraft.SetDeclaredSize(zip, "dit.onnx", 1u << 30);
        var r = LoadProbe.Run(Probe.WriteZip(dir, zip));
        Assert.That(r.Error?.File, Is.EqualTo("dit.onnx"));
        Assert.That(r.Error!.Message, Does.Contain("not the 1073741824 its zip header declares"));
        Assert.That(r.Allocated, Is.LessThan(4 << 20), "the first buffer is bounded by what the compressed data could expand to");
    }

    [Test]
    public void GraphPackageAndZipDirectoryCapsApply()
    {
        // The real caps are gigabytes; the same code paths with small caps.
        using var dir = new TempDir();
        BasePackages.Write(dir.File("pkg"), BasePackages.Pixel);
        long graph = BasePackages.Pixel["dit.onnx"].Length, manifest = BasePackages.Pixel["model.json"].Length;
        ModelPackageException Open(string path, ReadLimits limits) =>
            Assert.Throws<ModelPackageException>(() => ModelPackage.Open(path, LoadReporter.None, limits))!;

        Assert.That(Open(dir.File("pkg"), new ReadLimits { GraphBytes = 100 }).Message,
            Is.EqualTo($"dit.onnx: is {graph} bytes, more than the graph file limit of 100 bytes."));
        Assert.That(Open(dir.File("pkg"), new ReadLimits { PackageBytes = manifest + 10 }).Message,
            Is.EqualTo($"dit.onnx: brings the package to {manifest + graph} bytes, more than the package limit of {manifest + 10} bytes."));
        Assert.That(Open(dir.File("pkg"), new ReadLimits { ManifestBytes = 100 }).Message,
            Is.EqualTo($"model.json: is {manifest} bytes, more than the model.json limit of 100 bytes."));

        string zip = Probe.WriteZip(dir, ZipCraft.Build(BasePackages.Pixel));
        Assert.That(Open(zip, new ReadLimits { GraphBytes = 100 }).Message, Does.StartWith("dit.onnx: is ").And.Contain("more than the graph file limit of 100 bytes"));
        Assert.That(Open(zip, new ReadLimits { ZipDirectoryBytes = 50 }).Message, Does.Contain("the zip's central directory spans").And.Contain("more than the limit of 50"));
        Assert.That(Open(zip, new ReadLimits { ZipEntries = 1 }).Message, Does.Contain("the zip declares 2 entries, more than the 1 a package may hold"));
        Assert.That(Open(zip, new ReadLimits { ZipFileBytes = 100 }).Message, Does.Contain("more than the package zip limit of 100 bytes"));
        Assert.That(ModelPackage.Open(zip, LoadReporter.None, new ReadLimits()).Manifest.Name, Is.EqualTo("tiny-test"), "the defaults read it");
    }

    /// <summary>The tester's zip bombs at full size: a 1.2 GB model.json, and a 2.2 GB graph, each in a few MB of zip.</summary>
    [Test, Explicit("writes gigabytes through deflate (about ten seconds)")]
    public void GigabyteZipBombs()
    {
        using var dir = new TempDir();
        string Bomb(string name, int mebibytes, byte fill)
        {
            string path = dir.File(name + ".zip");
            var chunk = new byte[1 << 20];
            Array.Fill(chunk, fill);
            using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
            foreach (var (file, data) in BasePackages.Pixel)
                using (var s = zip.CreateEntry(file, CompressionLevel.SmallestSize).Open())
                {
                    s.Write(data);
                    if (file == name) for (int i = 0; i < mebibytes; i++) s.Write(chunk);
                }
            Assert.That(new FileInfo(path).Length, Is.LessThan(3 << 20));
            return path;
        }

        string manifestBomb = Bomb("model.json", 1200, (byte)' ');
        var r = LoadProbe.Run(manifestBomb);
        Assert.That(r.Error?.Message, Does.StartWith("model.json: is 1258").And.Contain("more than the model.json limit of 16777216 bytes (16 MiB)"));
        Assert.That(r.Allocated, Is.LessThan(4 << 20));

        // The same bomb with a header that understates it: read up to the declared size, then refused.
        var bytes = File.ReadAllBytes(manifestBomb);
        ZipCraft.SetDeclaredSize(bytes, "model.json", (uint)BasePackages.Pixel["model.json"].Length);
        File.WriteAllBytes(manifestBomb, bytes);
        r = LoadProbe.Run(manifestBomb);
        Assert.That(r.Error?.Message, Does.StartWith("model.json: ").And.Contain("its zip header declares"));
        Assert.That(r.Allocated, Is.LessThan(4 << 20));

        r = LoadProbe.Run(Bomb("dit.onnx", 2200, 0));
        Assert.That(r.Error?.File, Is.EqualTo("dit.onnx"), r.Message);
        Assert.That(r.Error!.Message, Does.Contain("more than the graph file limit of 2147483591 bytes (2 GiB)"));
        Assert.That(r.Allocated, Is.LessThan(4 << 20));
    }

    [Test]
    public void EveryLimitIsDocumented()
    {
        string docs = File.ReadAllText(TestSupport.RepoPaths.Find("docs/model-package.md"));
        var limits = typeof(PackageLimits).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).ToList();
        Assert.That(limits, Has.Count.GreaterThan(10));
        foreach (var f in limits)
            Assert.That(docs, Does.Contain("`" + f.Name + "`"), $"docs/model-package.md names PackageLimits.{f.Name}");
    }
}
