using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using DiTPlugin.TestSupport;
using DiT.Training.Model;
using DiT.Training.Trainer;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Trainer;

/// <summary>
/// Checkpoint.Load on damaged or hand-edited files: every metadata field, the config's bounds, the tensors against
/// the config, and files of another kind. Each failure is one InvalidDataException naming the file and the field.
/// </summary>
public class CheckpointValidationTests : TempDirectoryTest
{
    private string _good = "";

    [SetUp]
    public void WriteGood() => _good = TinyCheckpoint.Write(Dir);

    private string Edited(Action<Dictionary<string, string>>? meta = null, Action<Dictionary<string, Tensor>>? tensors = null) =>
        TinyCheckpoint.Rewrite(_good, Path.Combine(Dir, "edited.ckpt"), meta, tensors);

    private static string LoadError(string path)
    {
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path).Dispose())!;
        Assert.That(e.Message, Does.Contain(path), "the message names the file");
        return e.Message;
    }

    /// <summary>Sets one property of the JSON object stored in metadata field <paramref name="field"/>.</summary>
    private static Action<Dictionary<string, string>> SetJson(string field, string property, JsonNode? value) => m =>
    {
        var obj = JsonNode.Parse(m[field])!.AsObject();
        obj[property] = value;
        m[field] = obj.ToJsonString();
    };

    [Test]
    public void TheTinyCheckpointItselfLoadsAndBuildsItsModel()
    {
        using var c = Checkpoint.Load(_good);
        Assert.That(c.Config, Is.EqualTo(TinyCheckpoint.Config));
        Assert.That((c.Step, c.ClassNames.Count, c.CanResume, c.Provenance!.LicenseId, c.Sampling!.GuidedChannels), Is.EqualTo((42L, 3, true, "MIT", 1)));
        using var m = c.CreateModel();
        using var raw = c.CreateModel(ema: false);
    }

    private static readonly object[] MetadataCases =
    {
        // field, new value (null = removed), what the message must say
        new object?[] { "config", null, "has no 'config' metadata" },
        new object?[] { "config", "null", "metadata 'config' is null" },
        new object?[] { "config", "{\"Depth\": 2,", "metadata 'config' is not a JSON object of the model config" },
        new object?[] { "config", "[1, 2]", "metadata 'config' is not a JSON object" },
        new object?[] { "config", "{\"Depth\": \"abc\"}", "$.Depth" },
        new object?[] { "config", "{\"Depth\": 1, \"Depth\": 400}", "Depth" },
        new object?[] { "config", "{\"HiddenSize\": 1e400}", "$.HiddenSize" },
        new object?[] { "step", null, "has no 'step' metadata" },
        new object?[] { "step", "abc", "metadata 'step' is 'abc'; expected a non-negative integer" },
        new object?[] { "step", "-5", "metadata 'step' is '-5'; expected a non-negative integer" },
        new object?[] { "step", "99999999999999999999999", "expected a non-negative integer" },
        new object?[] { "options", "null", "metadata 'options' is null" },
        new object?[] { "options", "{\"Schedule\": null}", "metadata 'options' is not a JSON object of training options" },
        new object?[] { "options", "{\"Schedule\": \"quadratic\"}", "Schedule 'quadratic'; valid: linear, cosine" },
        new object?[] { "options", "{\"DiffusionSteps\": 0}", "DiffusionSteps 0; valid: 1..100000" },
        new object?[] { "options", "{\"DiffusionSteps\": \"many\"}", "$.DiffusionSteps" },
        new object?[] { "options", "{\"BatchSize\": 0}", "metadata 'options' has BatchSize 0; valid: >= 1" },
        new object?[] { "options", "{\"EmaDecay\": 1.5}", "has EmaDecay 1.5; valid: 0..1" },
        new object?[] { "options", "{\"LogEvery\": 0}", "has LogEvery 0; valid: >= 1" },
        new object?[] { "options", "{\"BucketMegabytes\": -1}", "has BucketMegabytes -1; valid: > 0" },
        new object?[] { "class_names", "null", "metadata 'class_names' is null" },
        new object?[] { "class_names", "[1, 2]", "metadata 'class_names' is not a JSON array of class-name strings" },
        new object?[] { "class_names", "[\"a\", null]", "has null at index 1" },
        new object?[] { "class_names", "[\"a\", \"b\", \"c\", \"d\"]", "lists 4 names but the config has 3 classes" },
        new object?[] { "provenance", "null", "metadata 'provenance' is null" },
        new object?[] { "provenance", "\"CC-BY\"", "metadata 'provenance' is not a JSON object with LicenseId" },
        new object?[] { "provenance", "{\"LicenseId\": \"MIT\"}", "metadata 'provenance' is not a JSON object with LicenseId" },
        new object?[] { "provenance", "{\"LicenseId\": 5, \"CommercialUse\": true, \"LicenseText\": \"\", \"Attribution\": \"\", \"Source\": \"\"}", "$.LicenseId" },
        new object?[] { "sampling", "{\"LatentSpace\": false, \"GuidedChannels\": 9}", "GuidedChannels 9; valid: 1..1" },
        new object?[] { "sampling", "7", "metadata 'sampling' is not a JSON object" },
        new object?[] { "format", "ditplugin-checkpoint/99", "has format 'ditplugin-checkpoint/99', expected 'ditplugin-checkpoint/1'" },
    };

    [TestCaseSource(nameof(MetadataCases))]
    public void EveryMetadataFieldIsValidated(string field, string? value, string message)
    {
        var path = Edited(m =>
        {
            if (value is null) m.Remove(field);
            else m[field] = value;
        });
        Assert.That(LoadError(path), Does.Contain(message));
    }

    private static readonly object[] ConfigBoundCases =
    {
        new object[] { "HiddenSize", 1 << 20, "HiddenSize must be in 1..8192, got 1048576" },
        new object[] { "Depth", int.MaxValue, "Depth must be in 1..512" },
        new object[] { "InputSize", 1 << 16, "InputSize must be at most 1024" },
        new object[] { "NumClasses", 10_000_000, "NumClasses must be in 1..100000" },
        new object[] { "InChannels", 100_000, "InChannels must be in 1..256" },
        new object[] { "NumHeads", 0, "multiple of NumHeads (0)" },
        new object[] { "PatchSize", -2, "positive multiple of PatchSize (-2)" },
        new object[] { "Block", 42, "Block 42 is not a block design" },
        new object[] { "ClassDropoutProb", 1.5, "ClassDropoutProb must be in [0, 1)" },
    };

    /// <summary>Sizes that would try to allocate terabytes fail at once, from the metadata alone.</summary>
    [TestCaseSource(nameof(ConfigBoundCases))]
    public void ConfigIsBoundedBeforeAnythingIsAllocated(string property, object value, string message)
    {
        var path = Edited(SetJson("config", property, JsonSerializer.SerializeToNode(value)));
        var sw = Stopwatch.StartNew();
        string m = LoadError(path);
        Assert.That(m, Does.Contain("metadata 'config' describes no buildable DiT").And.Contain(message));
        Assert.That(m, Does.EndWith(".").And.Not.EndWith(".."));
        Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    /// <summary>
    /// A config inside the bounds but far larger than the file (412 billion parameters) is caught by comparing the
    /// header's shapes with the config: no model is built, nothing is allocated.
    /// </summary>
    [Test]
    public void ConfigThatDisagreesWithTheTensorsIsRefusedFromTheHeaderAlone()
    {
        var path = Edited(m =>
        {
            SetJson("config", "HiddenSize", 8192)(m);
            SetJson("config", "NumHeads", 64)(m);
            SetJson("config", "Depth", 512)(m);
        });
        var sw = Stopwatch.StartNew();
        string msg = LoadError(path);
        Assert.That(msg, Does.Contain("the 'ema.' weights do not fit its config (DiT depth 512 hidden 8192 heads 64")
            .And.Contain("missing [").And.Contain("blocks.511.mlp.fc2.bias")
            .And.Contain("x_embedder.proj.weight (16x1x2x2 vs model 8192x1x2x2)"));
        Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));

        path = Edited(SetJson("config", "Depth", 2));
        Assert.That(LoadError(path), Does.Contain("missing [blocks.1.attn.qkv.weight"));
    }

    /// <summary>Sets one element (flat index) in place.</summary>
    internal static void Poke(Tensor t, long index, float value)
    {
        using var flat = t.view(-1);
        using var element = flat[index];
        element.fill_(value);
    }

    [Test]
    public void TensorsOfTheWrongKindAreRefusedByName()
    {
        var path = Edited(tensors: t => t["ema.blocks.0.attn.qkv.bias"] = t["ema.blocks.0.attn.qkv.bias"].to(int32));
        Assert.That(LoadError(path), Does.Contain("weights must be floating point (F32, F16, BF16, F64), but ema.blocks.0.attn.qkv.bias (I32) are not"));

        path = Edited(tensors: t => Poke(t["model.pos_embed"], 3, float.NaN));
        Assert.That(LoadError(path), Does.Contain("model.pos_embed: 1 NaN and 0 infinite of 64 values"));

        path = Edited(tensors: t => Poke(t["ema.final_layer.linear.weight"], 0, 3e38f));
        Assert.That(LoadError(path), Does.Contain("ema.final_layer.linear.weight: max |w| = 3E+38 is above 10000"));

        path = Edited(tensors: t => t["optimizer"] = zeros(4));
        Assert.That(LoadError(path), Does.Contain("tensor 'optimizer' is F32 of shape [4]; it must be a 1-D U8 byte blob"));

        path = Edited(tensors: t => t["rng.torch"] = zeros(new long[] { 16 }, dtype: uint8));
        Assert.That(LoadError(path), Does.Contain("tensor 'rng.torch' holds 16 bytes; a CPU generator state is"));

        path = Edited(tensors: t =>
        {
            foreach (var k in new List<string>(t.Keys)) if (k.StartsWith("ema.", StringComparison.Ordinal)) t.Remove(k);
        });
        Assert.That(LoadError(path), Does.Contain("holds no EMA weights"));
    }

    [Test]
    public void DamagedOptimizerStateFailsResumeWithTheFileName()
    {
        var path = Edited(tensors: t => t["optimizer"] = t["optimizer"][..10].clone());
        using var c = Checkpoint.Load(path);
        using var model = new DiTModel(c.Config);
        using var opt = optim.AdamW(model.parameters());
        var e = Assert.Throws<InvalidDataException>(() => c.RestoreOptimizer(opt))!;
        Assert.That(e.Message, Does.Contain(path).And.Contain("optimizer state cannot be restored"));
    }

    private static string Fixture(string name) => RepoPaths.Find("Tests/fixtures/" + name);

    /// <summary>The format is recognised by content: these files are named .ckpt but are PyTorch files.</summary>
    [TestCase("torch_state_dict.pt")]
    [TestCase("dit_tiny_official.pt")]
    [TestCase("torch_legacy.pt")]
    [TestCase("torch_malicious.pt")]
    public void APyTorchFileGetsTheImportCommandNotCorrupt(string fixture)
    {
        var path = Path.Combine(Dir, "weights.ckpt");
        File.Copy(Fixture(fixture), path);
        string m = LoadError(path);
        Assert.That(m, Does.Contain("is a PyTorch file").And.Contain($"dit import --dit {path} --out weights-imported.ckpt"));
        Assert.That(m, Does.Not.Contain("corrupt"));
    }

    /// <summary>
    /// A header length of 0x10280 is stored as 80 02 01 00 ..., the same first bytes as a pickle's PROTO 2: the
    /// checkpoint must still load (the '{' at byte 8 says safetensors), not be called a PyTorch file.
    /// </summary>
    [Test]
    public void ACheckpointWhoseLengthPrefixLooksLikeAPickleStillLoads()
    {
        var bytes = File.ReadAllBytes(_good);
        int n = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        const int Padded = 0x10280;
        Assert.That(n, Is.LessThan(Padded));
        var header = new byte[Padded];
        bytes.AsSpan(8, n).CopyTo(header);
        header.AsSpan(n).Fill((byte)' ');   // JSON whitespace: the same header
        var path = Path.Combine(Dir, "pickle-like.ckpt");
        File.WriteAllBytes(path, [.. System.BitConverter.GetBytes((ulong)Padded), .. header, .. bytes[(8 + n)..]]);
        Assert.That(File.ReadAllBytes(path)[..4], Is.EqualTo(new byte[] { 0x80, 0x02, 0x01, 0x00 }));
        using var c = Checkpoint.Load(path);
        Assert.That(c.Step, Is.EqualTo(42));
    }

    [Test]
    public void OtherFilesSayWhatTheyAre()
    {
        var st = Path.Combine(Dir, "official.safetensors");
        File.Copy(Fixture("dit_tiny_reference.safetensors"), st);
        Assert.That(LoadError(st), Does.Contain("is a safetensors file but not a DiTPlugin checkpoint").And.Contain($"dit import --dit {st} --out official.ckpt"));

        var zip = Path.Combine(Dir, "package.zip");
        using (var z = ZipFile.Open(zip, ZipArchiveMode.Create)) z.CreateEntry("model.json");
        Assert.That(LoadError(zip), Does.Contain("is a zip archive (a model package written by dit export?)"));

        Assert.That(LoadError(Dir), Does.Contain("is a folder"));

        var cut = Path.Combine(Dir, "cut.ckpt");
        File.WriteAllBytes(cut, File.ReadAllBytes(_good)[..100]);
        Assert.That(LoadError(cut), Does.Contain("corrupt or truncated").And.Contain("runs past the end of the file"));

        Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(Path.Combine(Dir, "absent.ckpt")));
    }
}
