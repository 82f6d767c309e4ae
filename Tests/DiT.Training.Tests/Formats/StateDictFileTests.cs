using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiT.Training.Formats;
using DiTPlugin.TestSupport;
using NUnit.Framework;
using static TorchSharp.torch;
using static DiT.Training.Tests.Formats.TorchCheckpointTests;

namespace DiT.Training.Tests.Formats;

/// <summary>StateDictFile: format sniffing, picking the state dict out of wrapped checkpoints, the DataParallel prefix.</summary>
public class StateDictFileTests : TempDirectoryTest
{
    private SafetensorsFile _reference = null!;

    [SetUp]
    public void LoadReference() => _reference = Safetensors.Load(Fixture("torch_reference.safetensors"));

    [TearDown]
    public void FreeReference() => _reference.Dispose();

    [Test]
    public void WrappedCheckpointDefaultsToEmaAndKeyPicksModel()
    {
        using (var ema = StateDictFile.Load(Fixture("torch_wrapped_checkpoint.pt")))
        {
            AssertBitExact(ema.Ordered, Reference(_reference, "ema."));
            Assert.That(ema.Description, Does.Contain("'ema'").And.Contain("other entries: model, opt, args, step"));
        }
        using (var model = StateDictFile.Load(Fixture("torch_wrapped_checkpoint.pt"), key: "model"))
        {
            AssertBitExact(model.Ordered, Reference(_reference, "model."));
            Assert.That(model.Description, Does.Contain("'model'"));
        }
        // Protocol 4 and a file extension that says nothing: the content decides.
        string renamed = Path.Combine(Dir, "checkpoint.ckpt");
        File.Copy(Fixture("torch_wrapped_proto4.pt"), renamed);
        using var ema4 = StateDictFile.Load(renamed);
        AssertBitExact(ema4.Ordered, Reference(_reference, "ema."));
    }

    [Test]
    public void BareStateDictIsTakenAsIs()
    {
        using var sd = StateDictFile.Load(Fixture("torch_state_dict.pt"));
        AssertBitExact(sd.Ordered, Reference(_reference, "state_dict."));
        Assert.That(sd.Description, Does.Contain("top-level state dict (22 tensors)"));
        Assert.That(sd["blocks.0.attn.qkv.weight"].shape, Is.EqualTo(new long[] { 12, 4 }));
    }

    [Test]
    public void DataParallelPrefixIsStripped()
    {
        using var sd = StateDictFile.Load(Fixture("torch_dataparallel.pt"));
        AssertBitExact(sd.Ordered, Reference(_reference, "model."));
        Assert.That(sd.Description, Does.Contain("stripped the 'module.' prefix"));
    }

    [Test]
    public void NonTensorPicksAndMissingKeysListWhatIsThere()
    {
        var opt = Assert.Throws<InvalidDataException>(() => StateDictFile.Load(Fixture("torch_wrapped_checkpoint.pt"), key: "opt"))!;
        Assert.That(opt.Message, Does.Contain("'opt' holds no tensors").And.Contain("state (dict(8), 0 tensors)").And.Contain("param_groups (list(1))"));
        var args = Assert.Throws<InvalidDataException>(() => StateDictFile.Load(Fixture("torch_wrapped_checkpoint.pt"), key: "args"))!;
        Assert.That(args.Message, Does.Contain("leads to Namespace"));
        var missing = Assert.Throws<InvalidDataException>(() => StateDictFile.Load(Fixture("torch_wrapped_checkpoint.pt"), key: "ema_model"))!;
        Assert.That(missing.Message, Does.Contain("no key 'ema_model'").And.Contain("model (OrderedDict(8), 8 tensors), ema (OrderedDict(8), 8 tensors), opt (dict(2), 0 tensors), args (Namespace), step (int)"));
    }

    private string HandMade(string name, PickleBytes pickle)
    {
        string path = Path.Combine(Dir, name);
        File.WriteAllBytes(path, PickleBytes.Zip(("data.pkl", pickle.Stop().ToArray()), ("data/0", PickleBytes.Floats(1, 2))));
        return path;
    }

    private static PickleBytes W(PickleBytes p) => p.Str("w").Tensor("FloatStorage", "0", 2, 0, new long[] { 2 }, new long[] { 1 }).SetItem();

    [Test]
    public void NothingToPickAutomaticallyListsTopLevelKeysAndDottedKeysWork()
    {
        // {"weights": {"w": t}, "trainer": {"state_dict": {"w": t}}, "a.b": {"w": t}, "step": 5}
        var p = PickleBytes.Proto().EmptyDict();
        W(p.Str("weights").EmptyDict()).SetItem();
        W(p.Str("trainer").EmptyDict().Str("state_dict").EmptyDict()).SetItem().SetItem();
        W(p.Str("a.b").EmptyDict()).SetItem();
        p.Str("step").Int(5).SetItem();
        string path = HandMade("nested.pth", p);

        var e = Assert.Throws<InvalidDataException>(() => StateDictFile.Load(path))!;
        Assert.That(e.Message, Does.Contain("no state dict that can be picked automatically"));
        Assert.That(e.Message, Does.Contain("weights (dict(1), 1 tensors), trainer (dict(1), 0 tensors), a.b (dict(1), 1 tensors), step (int)"));
        Assert.That(e.Message, Does.Contain("Pass a key"));

        foreach (var key in new[] { "weights", "trainer.state_dict", "a.b" })
        {
            using var sd = StateDictFile.Load(path, key);
            Assert.That(sd.Names, Is.EqualTo(new[] { "w" }), key);
            Assert.That(sd["w"].data<float>().ToArray(), Is.EqualTo(new[] { 1f, 2f }), key);
        }
    }

    [Test]
    public void PreferenceOrderIsEmaThenModelThenStateDict()
    {
        var lightning = PickleBytes.Proto().EmptyDict().Str("epoch").Int(3).SetItem();
        W(lightning.Str("state_dict").EmptyDict()).SetItem();
        using (var sd = StateDictFile.Load(HandMade("lightning.ckpt", lightning)))
            Assert.That(sd.Description, Does.Contain("'state_dict' (1 tensors"));

        var both = PickleBytes.Proto().EmptyDict();
        W(both.Str("state_dict").EmptyDict()).SetItem();
        W(both.Str("model").EmptyDict()).SetItem();
        using (var sd = StateDictFile.Load(HandMade("both.bin", both)))
            Assert.That(sd.Description, Does.Contain("'model' (1 tensors"));
    }

    [Test]
    public void SafetensorsIsRecognisedByContent()
    {
        string fixture = RepoPaths.Find("Tests/fixtures/dit_tiny_reference.safetensors");
        using var expected = Safetensors.Load(fixture);
        string renamed = Path.Combine(Dir, "weights.pt"); // a misleading extension
        File.Copy(fixture, renamed);
        foreach (var path in new[] { fixture, renamed })
        {
            using var all = StateDictFile.Load(path);
            AssertBitExact(all.Ordered, expected.Ordered);
            Assert.That(all.Description, Does.StartWith("safetensors"));
        }
        using var weights = StateDictFile.Load(fixture, key: "weights");
        AssertBitExact(weights.Ordered, Reference(expected, "weights."));
        Assert.That(weights.Names, Does.Contain("blocks.0.attn.qkv.weight"));
        var e = Assert.Throws<InvalidDataException>(() => StateDictFile.Load(fixture, key: "ema"))!;
        Assert.That(e.Message, Does.Contain("no tensors under 'ema.'").And.Contain("weights, input, output"));
    }

    /// <summary>Header lengths whose first bytes look like a legacy pickle (80 02 = 640) or a zip ("PK" = 0x4b50) are still safetensors.</summary>
    [TestCase(640)]
    [TestCase(0x4b50)]
    public void SafetensorsWhoseLengthPrefixLooksLikeAnotherFormat(int headerLength)
    {
        using var t = tensor(new float[] { 5, 6 });
        byte[]? bytes = null;
        for (int pad = 0; pad < headerLength && bytes is null; pad++)
        {
            var b = Safetensors.Serialize(new Dictionary<string, Tensor> { ["w"] = t }, new Dictionary<string, string> { ["pad"] = new string('x', pad) });
            if (System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(b) == (ulong)headerLength) bytes = b;
        }
        Assert.That(bytes, Is.Not.Null, "no padding gives that header length");
        string path = Path.Combine(Dir, "tricky.bin");
        File.WriteAllBytes(path, bytes!);
        Assert.That(StateDictFile.Sniff(path), Is.EqualTo(StateDictFileKind.Safetensors));
        using var sd = StateDictFile.Load(path);
        Assert.That(sd["w"].data<float>().ToArray(), Is.EqualTo(new[] { 5f, 6f }));
    }

    [Test]
    public void DiTPluginSafetensorsCheckpointDefaultsToEma()
    {
        string path = Path.Combine(Dir, "ckpt.safetensors");
        using var m = tensor(new float[] { 1, 2 });
        using var e = tensor(new float[] { 3, 4 });
        using var opt = tensor(new byte[] { 9 });
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["model.w"] = m, ["ema.w"] = e, ["optimizer"] = opt },
            new Dictionary<string, string> { ["format"] = DiT.Training.Trainer.Checkpoint.Format });
        using (var sd = StateDictFile.Load(path))
        {
            Assert.That(sd.Names, Is.EqualTo(new[] { "w" }));
            Assert.That(sd["w"].data<float>().ToArray(), Is.EqualTo(new[] { 3f, 4f }));
        }
        using (var sd = StateDictFile.Load(path, "model"))
            Assert.That(sd["w"].data<float>().ToArray(), Is.EqualTo(new[] { 1f, 2f }));
    }

    [Test]
    public void UnknownContentIsRefused()
    {
        string empty = Path.Combine(Dir, "empty.pt");
        File.WriteAllBytes(empty, new byte[0]);
        Assert.That(Assert.Throws<InvalidDataException>(() => StateDictFile.Load(empty))!.Message, Does.Contain("nothing (empty file)"));
        string text = Path.Combine(Dir, "notes.safetensors");
        File.WriteAllText(text, "just some text");
        Assert.That(Assert.Throws<InvalidDataException>(() => StateDictFile.Load(text))!.Message,
            Does.Contain("neither a safetensors file nor a PyTorch").And.Contain("0x6A75737420736F6D"));
        Assert.That(StateDictFile.Sniff(Fixture("torch_legacy.pt")), Is.EqualTo(StateDictFileKind.TorchLegacy));
        Assert.That(Assert.Throws<InvalidDataException>(() => StateDictFile.Load(Fixture("torch_legacy.pt")))!.Message, Does.Contain("legacy"));
        string pickle = Path.Combine(Dir, "plain.pkl"); // pickle.dump output: protocol 4, not torch.save
        File.WriteAllBytes(pickle, PickleBytes.Proto(4).None().Stop().ToArray());
        Assert.That(Assert.Throws<InvalidDataException>(() => TorchZipCheckpoint.Open(pickle).Dispose())!.Message, Does.Contain("bare pickle (protocol 4)"));
        Assert.Throws<FileNotFoundException>(() => StateDictFile.Load(Path.Combine(Dir, "missing.pt")));
    }
}
