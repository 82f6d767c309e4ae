using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using DiT.Training.Formats;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Formats;

public class SafetensorsTests : TempDirectoryTest
{

    /// <summary>Builds a file byte by byte following the spec: u64 LE length, JSON, buffer.</summary>
    private static byte[] HandBuilt(string json, byte[] buffer, ulong? lengthOverride = null) => SafetensorsBytes.Build(json, buffer, lengthOverride);

    [Test]
    public void RoundTripsEveryDtype()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = tensor(new float[] { 1.5f, -2.25f, 3e-8f, float.MaxValue, 0, 7 }, new long[] { 2, 3 }),
            ["f16"] = tensor(new float[] { 0.5f, -1, 2048, 0.000061035156f }).to(ScalarType.Float16),
            ["bf16"] = tensor(new float[] { 1, -3.5f, 256, 0.0078125f }, new long[] { 2, 2 }).to(ScalarType.BFloat16),
            ["f64"] = tensor(new double[] { Math.PI, -1e300 }),
            ["i64"] = tensor(new long[] { long.MinValue, 0, long.MaxValue }),
            ["i32"] = tensor(new int[] { int.MinValue, -1, 42 }, new long[] { 3, 1 }),
            ["u8"] = tensor(new byte[] { 0, 1, 255 }),
            ["bool"] = tensor(new bool[] { true, false, true, true }),
            ["empty"] = zeros(new long[] { 0, 4 }),
            ["scalar"] = tensor(3.0f),
        };
        var meta = new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode ✓" };
        string path = Path.Combine(Dir, "all.safetensors");
        Safetensors.Save(path, tensors, meta);
        Assert.That(File.Exists(path + ".tmp"), Is.False);

        using var loaded = Safetensors.Load(path);
        Assert.That(loaded.Names, Is.EqualTo(tensors.Keys.ToArray()), "file order is the save order");
        Assert.That(loaded.Metadata, Is.EquivalentTo(meta));
        foreach (var (name, t) in tensors)
        {
            var l = loaded[name];
            Assert.That(l.dtype, Is.EqualTo(t.dtype), name);
            Assert.That(l.shape, Is.EqualTo(t.shape), name);
            Assert.That(TensorBytes.ToBytes(l), Is.EqualTo(TensorBytes.ToBytes(t)), name);
        }
        Assert.That(loaded["i64"].data<long>().ToArray(), Is.EqualTo(new[] { long.MinValue, 0, long.MaxValue }));
        Assert.That(loaded["bf16"].to(ScalarType.Float32).data<float>().ToArray(), Is.EqualTo(new[] { 1, -3.5f, 256, 0.0078125f }));
        Assert.That(loaded["bool"].data<bool>().ToArray(), Is.EqualTo(new[] { true, false, true, true }));
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Test]
    public void ReadsHandBuiltFile()
    {
        // Two tensors listed out of buffer order: "b" (I32 [2]) at [0,8), "a" (F32 [1,2]) at [8,16).
        var buffer = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(0), -7);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(4), 65536);
        BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(8), 0.25f);
        BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(12), -1e6f);
        string json = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[8,16]}," +
                      "\"__metadata__\":{\"k\":\"v\"}," +
                      "\"b\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}   ";
        using var f = Safetensors.Load(HandBuilt(json, buffer), "hand");
        Assert.That(f.Names, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(f.Metadata["k"], Is.EqualTo("v"));
        Assert.That(f["a"].shape, Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(f["a"].data<float>().ToArray(), Is.EqualTo(new[] { 0.25f, -1e6f }));
        Assert.That(f["b"].data<int>().ToArray(), Is.EqualTo(new[] { -7, 65536 }));

        using var r = SafetensorsReader.FromBytes(HandBuilt(json, buffer), "hand");
        Assert.That(r.Header.HeaderLength, Is.EqualTo(Encoding.UTF8.GetByteCount(json)));
        Assert.That(r.Header["a"].Begin, Is.EqualTo(8));
    }

    [Test]
    public void WrittenHeaderIsAlignedAndFollowsSpec()
    {
        using var t = tensor(new float[] { 1, 2 });
        var bytes = Safetensors.Serialize(new Dictionary<string, Tensor> { ["x"] = t });
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.That(n % 8, Is.EqualTo(0));
        Assert.That((ulong)bytes.Length, Is.EqualTo(8 + n + 8));
        string json = Encoding.UTF8.GetString(bytes, 8, (int)n).TrimEnd(' ');
        Assert.That(json, Is.EqualTo("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"));
    }

    private static readonly string GoodJson = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";

    private static string ErrorOf(byte[] file) =>
        Assert.Throws<InvalidDataException>(() => Safetensors.Load(file, "bad.safetensors").Dispose())!.Message;

    [Test]
    public void TruncatedFileIsRejected()
    {
        var good = HandBuilt(GoodJson, new byte[8]);
        string m = ErrorOf(good[..^3]);
        Assert.That(m, Does.Contain("bad.safetensors").And.Contain("outside").And.Contain("truncated"));
        Assert.That(ErrorOf(good[..5]), Does.Contain("truncated"));
        Assert.That(ErrorOf(good[..20]), Does.Contain("header length").And.Contain("truncated"));
    }

    [Test]
    public void BadHeaderLengthIsRejected()
    {
        Assert.That(ErrorOf(HandBuilt(GoodJson, new byte[8], lengthOverride: 0)), Does.Contain("header length is 0"));
        Assert.That(ErrorOf(HandBuilt(GoodJson, new byte[8], lengthOverride: 200_000_000)), Does.Contain("exceeds"));
        Assert.That(ErrorOf(HandBuilt(GoodJson, new byte[8], lengthOverride: 10_000)), Does.Contain("past the end"));
        Assert.That(ErrorOf(HandBuilt(GoodJson, new byte[8], lengthOverride: 20)), Does.Contain("not valid JSON"));
    }

    [Test]
    public void OverlapGapAndWrongLengthAreRejected()
    {
        string overlap = "{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[2,6]}}";
        Assert.That(ErrorOf(HandBuilt(overlap, new byte[6])), Does.Contain("overlaps"));
        string gap = "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[4,6]}}";
        Assert.That(ErrorOf(HandBuilt(gap, new byte[6])), Does.Contain("gap"));
        Assert.That(ErrorOf(HandBuilt(GoodJson, new byte[12])), Does.Contain("trailing"));
        string wrong = "{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        Assert.That(ErrorOf(HandBuilt(wrong, new byte[8])), Does.Contain("wrong length").And.Contain("'x'"));
    }

    [Test]
    public void UnknownDtypeIsRejected()
    {
        string json = "{\"x\":{\"dtype\":\"F8_E4M3\",\"shape\":[8],\"data_offsets\":[0,8]}}";
        Assert.That(ErrorOf(HandBuilt(json, new byte[8])), Does.Contain("unknown dtype 'F8_E4M3'"));
    }

    [Test]
    public void FailedWriteNeverReplacesGoodFile()
    {
        string path = Path.Combine(Dir, "ckpt.safetensors");
        using var good = tensor(new float[] { 1, 2, 3 });
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["w"] = good });
        var before = File.ReadAllBytes(path);

        // A write that dies halfway: the partial .tmp must neither replace the file nor linger.
        Assert.Throws<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100]);
            throw new IOException("disk full (simulated)");
        }));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
        Assert.That(File.Exists(path + ".tmp"), Is.False);

        // An unsupported dtype fails before anything is written.
        using var complex = zeros(2, dtype: ScalarType.ComplexFloat32);
        Assert.Throws<NotSupportedException>(() => Safetensors.Save(path, new Dictionary<string, Tensor> { ["c"] = complex }));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));

        // A stale .tmp from an earlier crash is overwritten, never promoted as-is.
        File.WriteAllBytes(path + ".tmp", new byte[] { 1, 2, 3 });
        using var next = tensor(new float[] { 9 });
        Safetensors.Save(path, new Dictionary<string, Tensor> { ["w"] = next });
        using var f = Safetensors.Load(path);
        Assert.That(f["w"].data<float>().ToArray(), Is.EqualTo(new[] { 9f }));
        Assert.That(File.Exists(path + ".tmp"), Is.False);
    }
}
