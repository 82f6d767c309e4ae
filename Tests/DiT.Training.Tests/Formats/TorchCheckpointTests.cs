using DiTPlugin.Contract.Package;
using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using DiTPlugin.TestSupport;
using DiT.Training.Formats;
using DiT.Training.Formats.Pickle;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Formats;

/// <summary>
/// The torch.save zip reader against real files written by torch (Tests/fixtures/make_pickle_fixtures.py), compared
/// bit for bit with torch_reference.safetensors, which holds the same tensors written contiguously without torch.save.
/// </summary>
public class TorchCheckpointTests : TempDirectoryTest
{
    private const string Regenerate = "Run /usr/bin/python3 Tests/fixtures/make_pickle_fixtures.py.";
    private const string Marker = "/tmp/ditplugin-pickle-fixture-marker-must-not-exist";

    internal static string Fixture(string name) => RepoPaths.Find("Tests/fixtures/" + name, Regenerate);

    /// <summary>The reference tensors under <paramref name="prefix"/>, prefix removed, in file order.</summary>
    internal static List<KeyValuePair<string, Tensor>> Reference(SafetensorsFile reference, string prefix) =>
        reference.Ordered.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(kv => new KeyValuePair<string, Tensor>(kv.Key[prefix.Length..], kv.Value)).ToList();

    /// <summary>Same names in the same order, same dtype, same shape, same bytes (so NaN payloads and -0.0 count).</summary>
    internal static void AssertBitExact(IReadOnlyList<KeyValuePair<string, Tensor>> actual, IReadOnlyList<KeyValuePair<string, Tensor>> expected)
    {
        Assert.That(actual.Select(kv => kv.Key), Is.EqualTo(expected.Select(kv => kv.Key)));
        for (int i = 0; i < expected.Count; i++)
        {
            var (name, e) = expected[i];
            var a = actual[i].Value;
            Assert.That(a.dtype, Is.EqualTo(e.dtype), name);
            Assert.That(a.shape, Is.EqualTo(e.shape), name);
            Assert.That(a.is_contiguous(), Is.True, name);
            Assert.That(TensorBytes.ToBytes(a), Is.EqualTo(TensorBytes.ToBytes(e)), name);
        }
    }

    private static List<KeyValuePair<string, Tensor>> ReadAll(TorchZipCheckpoint ckpt, PickleDict dict) =>
        ckpt.ReadTensors(dict.Entries.Select(kv => new KeyValuePair<string, TorchTensorRef>((string)kv.Key!, (TorchTensorRef)kv.Value!)));

    private static PickleDict Dict(object? d, string key) =>
        (PickleDict)(((PickleDict)d!).TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key))!;

    private static object? Get(object? d, object key) => ((PickleDict)d!).TryGetValue(key, out var v) ? v : throw new KeyNotFoundException(key.ToString());

    [TestCase("torch_state_dict.pt")]
    [TestCase("torch_state_dict_proto4.pt")]
    [TestCase("torch_state_dict_zip64.pt")] // the same entries with zip64 local headers, as torch writes past 4 GB
    public void EveryDtypeAndLayoutMatchesTheReferenceBitExactly(string file)
    {
        using var reference = Safetensors.Load(Fixture("torch_reference.safetensors"));
        using var ckpt = TorchZipCheckpoint.Open(Fixture(file));
        var root = (PickleDict)ckpt.Root!;
        Assert.That(root.IsOrderedDict, Is.True);
        var tensors = ReadAll(ckpt, root);
        try
        {
            AssertBitExact(tensors, Reference(reference, "state_dict."));
            var byName = tensors.ToDictionary(kv => kv.Key, kv => kv.Value);
            // A few values spelled out, independent of the reference file.
            Assert.That(byName["i64"].data<long>().ToArray(), Is.EqualTo(new[] { long.MinValue, -1, 0, long.MaxValue }));
            Assert.That(byName["i8"].data<sbyte>().ToArray(), Is.EqualTo(new sbyte[] { -128, -1, 0, 127 }));
            Assert.That(byName["scalar_f32"].shape, Is.Empty);
            Assert.That(byName["scalar_f32"].item<float>(), Is.EqualTo(3.5f));
            Assert.That(byName["strided"].data<float>().ToArray(), Is.EqualTo(new float[] { 1, 4, 7, 10, 13, 16, 19 }));
            Assert.That(byName["expanded"].data<float>().ToArray(), Is.EqualTo(new float[] { 1, 2, 3, 1, 2, 3 }));
            Assert.That(byName["empty"].shape, Is.EqualTo(new long[] { 0, 4 }));
            // Shared-storage tensors come back independent: writing one leaves the other alone.
            float before = byName["shared.b"][0, 0].item<float>();
            byName["shared.a"].fill_(0);
            Assert.That(byName["shared.b"][0, 0].item<float>(), Is.EqualTo(before));
        }
        finally
        {
            foreach (var kv in tensors) kv.Value.Dispose();
        }
    }

    [Test]
    public void ViewsAreDescribedAsTorchSavedThem()
    {
        using var ckpt = TorchZipCheckpoint.Open(Fixture("torch_state_dict.pt"));
        var root = ckpt.Root;
        Assert.That(ckpt.ArchiveRoot, Is.EqualTo("torch_state_dict"));
        var transposed = (TorchTensorRef)Get(root, "transposed")!;
        Assert.That(transposed.Size, Is.EqualTo(new long[] { 4, 3 }));
        Assert.That(transposed.Stride, Is.EqualTo(new long[] { 1, 4 }));
        var sliced = (TorchTensorRef)Get(root, "sliced")!;
        Assert.That(sliced.StorageOffset, Is.EqualTo(7));
        Assert.That(sliced.Storage.Numel, Is.EqualTo(20));
        Assert.That(((TorchTensorRef)Get(root, "expanded")!).Stride, Is.EqualTo(new long[] { 0, 1 }));
        var a = (TorchTensorRef)Get(root, "shared.a")!;
        var b = (TorchTensorRef)Get(root, "shared.b")!;
        var whole = (TorchTensorRef)Get(root, "shared.whole")!;
        Assert.That(new[] { b.Storage.Key, whole.Storage.Key }, Is.All.EqualTo(a.Storage.Key));
        Assert.That((a.StorageOffset, b.StorageOffset, whole.StorageOffset), Is.EqualTo((2L, 5L, 0L)));
        var bias = (TorchTensorRef)Get(root, "blocks.0.attn.qkv.bias")!;
        Assert.That(bias.IsParameter && bias.RequiresGrad, Is.True, "nn.Parameter goes through _rebuild_parameter");
        Assert.That(((TorchTensorRef)Get(root, "blocks.0.attn.qkv.weight")!).IsParameter, Is.False);
        Assert.That(((TorchTensorRef)Get(root, "bf16")!).Dtype, Is.EqualTo(TorchDtype.BFloat16));
    }

    [TestCase("torch_wrapped_checkpoint.pt")]
    [TestCase("torch_wrapped_proto4.pt")]
    public void WrappedTrainingCheckpointIsReadAsData(string file)
    {
        using var reference = Safetensors.Load(Fixture("torch_reference.safetensors"));
        using var ckpt = TorchZipCheckpoint.Open(Fixture(file));
        var root = (PickleDict)ckpt.Root!;
        Assert.That(root.Entries.Select(kv => kv.Key), Is.EqualTo(new[] { "model", "ema", "opt", "args", "step" }));
        Assert.That(Get(root, "step"), Is.EqualTo(123L));

        var args = (PickleNamespace)Get(root, "args")!;
        Assert.That(args["model"], Is.EqualTo("DiT-XL/2"));
        Assert.That(args["image_size"], Is.EqualTo(256L));
        Assert.That(args["lr"], Is.EqualTo(1e-4));
        Assert.That(args["use_ema"], Is.EqualTo(true));
        Assert.That(args["resume"], Is.Null);
        Assert.That((PickleTuple)args["betas"]!, Is.EqualTo(new object[] { 0.9, 0.999 }));
        Assert.That((List<object?>)args["tags"]!, Is.EqualTo(new object[] { "a", "b" }));
        if (file.Contains("proto4")) Assert.That(((PickleSet)args["class_ids"]!).OrderBy(x => (long)x!), Is.EqualTo(new object[] { 1L, 2L, 3L }));

        // The real AdamW state_dict: int-keyed per-parameter state and param_groups.
        var opt = Dict(root, "opt");
        var group = (PickleDict)((List<object?>)Get(opt, "param_groups")!)[0]!;
        Assert.That(Get(group, "lr"), Is.EqualTo(1e-4));
        Assert.That((PickleTuple)Get(group, "betas")!, Is.EqualTo(new object[] { 0.9, 0.999 }));
        var state = Dict(opt, "state");
        Assert.That(state.Entries.Select(kv => kv.Key), Is.EqualTo(Enumerable.Range(0, 8).Select(i => (object)(long)i)));
        Assert.That(Get(Get(state, 0L), "exp_avg"), Is.InstanceOf<TorchTensorRef>());

        var model = Dict(root, "model");
        Assert.That(model.Attributes.ContainsKey("_metadata"), Is.True, "state_dict()'s _metadata is kept aside by BUILD");
        foreach (var which in new[] { "model", "ema" })
        {
            var tensors = ReadAll(ckpt, Dict(root, which));
            try { AssertBitExact(tensors, Reference(reference, which + ".")); }
            finally { foreach (var kv in tensors) kv.Value.Dispose(); }
        }
    }

    [TestCase("torch_malicious.pt")]
    [TestCase("torch_malicious_proto4.pt")]
    public void MaliciousPickleIsRefusedAndNothingRuns(string file)
    {
        if (File.Exists(Marker)) File.Delete(Marker);
        var e = Assert.Throws<InvalidDataException>(() => TorchZipCheckpoint.Open(Fixture(file)).Dispose())!;
        Assert.That(e.Message, Does.Contain("global 'posix.system' is not allowed"));
        Assert.That(e.Message, Does.Contain("data.pkl' at byte"));
        var e2 = Assert.Throws<InvalidDataException>(() => StateDictFile.Load(Fixture(file)).Dispose())!;
        Assert.That(e2.Message, Does.Contain("posix.system"));
        Assert.That(File.Exists(Marker), Is.False, "the payload's 'touch' must never run");
    }

    [Test]
    public void LegacyAndTorchScriptFilesAreRefusedWithAWayForward()
    {
        var legacy = Assert.Throws<InvalidDataException>(() => TorchZipCheckpoint.Open(Fixture("torch_legacy.pt")).Dispose())!;
        Assert.That(legacy.Message, Does.Contain("legacy (non-zip) torch.save format").And.Contain("torch.save(torch.load("));
        var script = Assert.Throws<InvalidDataException>(() => TorchZipCheckpoint.Open(Fixture("torch_script.pt")).Dispose())!;
        Assert.That(script.Message, Does.Contain("TorchScript archive").And.Contain("state_dict()"));
        var notZip = Assert.Throws<InvalidDataException>(() => TorchZipCheckpoint.FromBytes("hello world"u8.ToArray()).Dispose())!;
        Assert.That(notZip.Message, Does.Contain("not a zip archive"));
    }

    [Test]
    public void ArchivesWithoutTheExpectedRecordsAreRefused()
    {
        var weight = PickleBytes.Proto().EmptyDict().Str("w").Tensor("FloatStorage", "0", 2, 0, new long[] { 2 }, new long[] { 1 }).SetItem().Stop().ToArray();
        string Error(byte[] zip) => Assert.Throws<InvalidDataException>(() => TorchZipCheckpoint.FromBytes(zip, "hand.pt").Dispose())!.Message;

        Assert.That(Error(PickleBytes.Zip(("data/0", PickleBytes.Floats(1, 2)))), Does.Contain("no '<root>/data.pkl' record"));
        Assert.That(Error(PickleBytes.Zip(("data.pkl", weight))), Does.Contain("storage record 'archive/data/0' is missing"));
        Assert.That(Error(PickleBytes.Zip(("data.pkl", weight), ("data/0", PickleBytes.Floats(1)))),
            Does.Contain("'archive/data/0' has 4 bytes but 2 float32 elements need 8"));
        Assert.That(Error(PickleBytes.Zip(("data.pkl", weight), ("data/0", PickleBytes.Floats(1, 2)), ("byteorder", "middle"u8.ToArray()))),
            Does.Contain("byteorder record says 'middle'"));

        // The view must fit in its storage: 3 elements from a 2-element storage, or an offset past its end.
        var tooBig = PickleBytes.Proto().EmptyDict().Str("w").Tensor("FloatStorage", "0", 2, 0, new long[] { 3 }, new long[] { 1 }).SetItem().Stop().ToArray();
        Assert.That(Error(PickleBytes.Zip(("data.pkl", tooBig), ("data/0", PickleBytes.Floats(1, 2)))),
            Does.Contain("needs 3 elements but storage '0' holds 2"));
        var offset = PickleBytes.Proto().EmptyDict().Str("w").Tensor("FloatStorage", "0", 2, 1, new long[] { 2, 1 }, new long[] { 1, 1 }).SetItem().Stop().ToArray();
        Assert.That(Error(PickleBytes.Zip(("data.pkl", offset), ("data/0", PickleBytes.Floats(1, 2)))), Does.Contain("needs 3 elements"));
        var escape = PickleBytes.Proto().EmptyDict().Str("w").Tensor("FloatStorage", "../x", 2, 0, new long[] { 2 }, new long[] { 1 }).SetItem().Stop().ToArray();
        Assert.That(Error(PickleBytes.Zip(("data.pkl", escape))), Does.Contain("expected a record name"));
    }

    [Test]
    public void OverlappingViewsCannotRequestHugeAllocations()
    {
        // A 1-element storage viewed as 2^20 x 2^10 with zero strides (what expand() saves) would materialise 4 GiB.
        var pickle = PickleBytes.Proto().EmptyDict().Str("w").Tensor("FloatStorage", "0", 1, 0, new long[] { 1 << 20, 1 << 10 }, new long[] { 0, 0 })
            .SetItem().Stop().ToArray();
        using var ckpt = TorchZipCheckpoint.FromBytes(PickleBytes.Zip(("data.pkl", pickle), ("data/0", PickleBytes.Floats(7))), "expand.pt");
        var e = Assert.Throws<InvalidDataException>(() => ckpt.ReadTensor((TorchTensorRef)Get(ckpt.Root, "w")!).Dispose())!;
        Assert.That(e.Message, Does.Contain("1073741824-element view of a 1-element storage"));
    }

    [Test]
    public void BigEndianRecordsAreSwapped()
    {
        var pickle = PickleBytes.Proto().EmptyDict().Str("w").Tensor("FloatStorage", "0", 2, 0, new long[] { 2 }, new long[] { 1 }).SetItem().Stop().ToArray();
        var be = PickleBytes.Floats(1.5f, -2f);
        Array.Reverse(be, 0, 4);
        Array.Reverse(be, 4, 4);
        using var ckpt = TorchZipCheckpoint.FromBytes(PickleBytes.Zip(("byteorder", "big"u8.ToArray()), ("data.pkl", pickle), ("data/0", be)));
        using var w = ckpt.ReadTensor((TorchTensorRef)Get(ckpt.Root, "w")!);
        Assert.That(w.data<float>().ToArray(), Is.EqualTo(new[] { 1.5f, -2f }));
    }

    [Test]
    public void RebuildTensorV3ReadsUntypedStorageWithItsDtype()
    {
        // torch 2.x form: ('storage', torch.UntypedStorage, key, loc, nbytes) and the dtype as a separate argument.
        PickleBytes V3(string dtype) => PickleBytes.Proto().EmptyDict().Str("w")
            .Global("torch._utils", "_rebuild_tensor_v3").Mark()
            .Mark().Str("storage").Global("torch", "UntypedStorage").Str("0").Str("cpu").Int(8).Tuple().Op('Q')
            .Int(0).Ints(2).Ints(1).False().Hooks().Global("torch", dtype).Tuple().Reduce().SetItem().Stop();
        using (var ckpt = TorchZipCheckpoint.FromBytes(PickleBytes.Zip(("data.pkl", V3("float32").ToArray()), ("data/0", PickleBytes.Floats(0.25f, 8)))))
        using (var w = ckpt.ReadTensor((TorchTensorRef)Get(ckpt.Root, "w")!))
        {
            Assert.That(w.dtype, Is.EqualTo(ScalarType.Float32));
            Assert.That(w.data<float>().ToArray(), Is.EqualTo(new[] { 0.25f, 8f }));
        }
        var e = Assert.Throws<InvalidDataException>(() =>
            TorchZipCheckpoint.FromBytes(PickleBytes.Zip(("data.pkl", V3("uint16").ToArray()), ("data/0", new byte[8]))).Dispose())!;
        Assert.That(e.Message, Does.Contain("tensor dtype uint16 is not supported"));
    }

    /// <summary>The file cut short anywhere: always a clear InvalidDataException, never another failure.</summary>
    [Test]
    public void TruncatedFilesAreRefused()
    {
        var data = File.ReadAllBytes(Fixture("torch_state_dict.pt"));
        var cuts = new List<int> { 0, 1, 2, 4, 30, data.Length - 1, data.Length - 21, data.Length - 22, data.Length - 23, data.Length / 2 };
        for (int c = 50; c < data.Length; c += 173) cuts.Add(c);
        foreach (int cut in cuts)
        {
            var e = Assert.Throws<InvalidDataException>(() =>
            {
                using var ckpt = TorchZipCheckpoint.FromBytes(data.AsSpan(0, cut).ToArray(), "cut.pt");
                ReadAll(ckpt, (PickleDict)ckpt.Root!).ForEach(kv => kv.Value.Dispose());
            }, $"cut at {cut}")!;
            Assert.That(e.Message, Does.Contain("cut.pt"), $"cut at {cut}");
        }
    }

    /// <summary>
    /// Bytes changed inside data.pkl are always refused (CRC-32, then the pickle checks); bytes changed in the zip's
    /// central directory either load (a field nothing reads, e.g. a timestamp) or fail with InvalidDataException.
    /// Neither ever crashes, hangs or over-allocates.
    /// </summary>
    [Test]
    public void CorruptedBytesFailCleanly()
    {
        var data = File.ReadAllBytes(Fixture("torch_state_dict.pt"));
        var pickle = ReadEntry(data, "torch_state_dict/data.pkl");
        int pklStart = data.AsSpan().IndexOf(pickle);
        int directory = data.AsSpan().IndexOf("PK\u0001\u0002"u8);
        Assert.That(pklStart, Is.GreaterThan(0));
        Assert.That(directory, Is.GreaterThan(pklStart));

        void LoadEverything(byte[] bytes)
        {
            using var ckpt = TorchZipCheckpoint.FromBytes(bytes, "bad.pt");
            if (ckpt.Root is PickleDict d)
                ckpt.ReadTensors(d.Entries.Where(kv => kv.Key is string && kv.Value is TorchTensorRef)
                        .Select(kv => new KeyValuePair<string, TorchTensorRef>((string)kv.Key!, (TorchTensorRef)kv.Value!)))
                    .ForEach(kv => kv.Value.Dispose());
        }

        for (int pos = pklStart; pos < pklStart + pickle.Length; pos += 3)
        {
            var bad = (byte[])data.Clone();
            bad[pos] ^= 0x01;
            Assert.Throws<InvalidDataException>(() => LoadEverything(bad), $"data.pkl byte {pos - pklStart}");
        }

        int refused = 0, total = 0;
        for (int pos = directory; pos < data.Length; pos++)
            foreach (byte x in new byte[] { 0xff, 0x01 })
            {
                var bad = (byte[])data.Clone();
                bad[pos] ^= x;
                total++;
                try { LoadEverything(bad); }
                catch (InvalidDataException) { refused++; }
            }
        TestContext.Out.WriteLine($"zip directory: {refused} of {total} corrupted variants refused, the rest loaded");
        Assert.That(refused, Is.GreaterThan(total / 3));
    }

    [Test]
    public void AChangedByteInATensorRecordFailsTheCrcCheck()
    {
        // Zip's CRC-32 is the only thing that can tell a flipped bit in raw tensor data from a real value.
        var data = File.ReadAllBytes(Fixture("torch_state_dict.pt"));
        var record = ReadEntry(data, "torch_state_dict/data/0");
        int at = data.AsSpan().IndexOf(record);
        Assert.That(at, Is.GreaterThan(0));
        data[at + 5] ^= 0x10;
        using var ckpt = TorchZipCheckpoint.FromBytes(data, "flipped.pt");
        var e = Assert.Throws<InvalidDataException>(() => ReadAll(ckpt, (PickleDict)ckpt.Root!).ForEach(kv => kv.Value.Dispose()))!;
        Assert.That(e.Message, Does.Contain("'torch_state_dict/data/0' fails its CRC-32 check"));
    }

    [Test]
    public void Crc32MatchesKnownValues()
    {
        // The standard check value, and lengths around the 8-byte step against the plain bitwise definition.
        Assert.That(Crc32Of("123456789"u8.ToArray()), Is.EqualTo(0xCBF43926u));
        Assert.That(Crc32Of(Array.Empty<byte>()), Is.EqualTo(0u));
        var rng = new Random(5);
        for (int n = 1; n < 40; n++)
        {
            var b = new byte[n];
            rng.NextBytes(b);
            uint c = 0xFFFFFFFF;
            foreach (var x in b)
            {
                c ^= x;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            Assert.That(Crc32Of(b), Is.EqualTo(~c), $"length {n}");
        }
    }

    private static uint Crc32Of(byte[] data) => Crc32.Compute(data);

    internal static byte[] ReadEntry(byte[] zipBytes, string name)
    {
        using var zip = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read);
        using var s = zip.GetEntry(name)!.Open();
        var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }
}
