using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using DiT.Training.Formats;
using NUnit.Framework;

namespace DiT.Training.Tests.Formats;

/// <summary>
/// Every way a safetensors header can be wrong gives an InvalidDataException naming the file and the field: wrong
/// JSON types, bad numbers, invalid strings, bad layouts, bad lengths. Never another exception type.
/// </summary>
public class SafetensorsHostileHeaderTests : TempDirectoryTest
{
    /// <summary>u64 LE length, header bytes, buffer.</summary>
    internal static byte[] File(byte[] header, int bufferBytes, ulong? length = null) => SafetensorsBytes.Build(header, new byte[bufferBytes], length);

    private static string Error(string json, int bufferBytes = 8) => Error(File(Encoding.UTF8.GetBytes(json), bufferBytes));

    private static string Error(byte[] file)
    {
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Load(file, "hostile.safetensors").Dispose())!;
        Assert.That(e.Message, Does.StartWith("safetensors file 'hostile.safetensors': "));
        return e.Message;
    }

    private static string Entry(string dtype = "\"F32\"", string shape = "[2]", string offsets = "[0,8]", string name = "x") =>
        $"{{\"{name}\":{{\"dtype\":{dtype},\"shape\":{shape},\"data_offsets\":{offsets}}}}}";

    [TestCase("[\"0\",\"8\"]", "tensor 'x': data_offsets begin \"0\" is not a non-negative integer")]
    [TestCase("[0,\"8\"]", "tensor 'x': data_offsets end \"8\" is not a non-negative integer")]
    [TestCase("[0,null]", "data_offsets end null is not a non-negative integer")]
    [TestCase("[0,8.0]", "data_offsets end 8.0 is not a non-negative integer")]
    [TestCase("[-8,0]", "data_offsets begin -8 is not a non-negative integer")]
    [TestCase("[0,1e20]", "data_offsets end 1e20 is not a non-negative integer")]
    [TestCase("[0,99999999999999999999]", "data_offsets end 99999999999999999999 is not a non-negative integer")]
    [TestCase("[8,0]", "data_offsets [8, 0] end before they begin")]
    [TestCase("[0]", "data_offsets must be an array [begin, end]")]
    [TestCase("{\"begin\":0}", "data_offsets must be an array [begin, end]")]
    [TestCase("[0,4]", "needs 8 bytes but data_offsets [0, 4] span 4 (wrong length)")]
    [TestCase("[8,16]", "data_offsets [8, 16] lie outside the 8-byte data buffer (file truncated?)")]
    [TestCase("[0,9223372036854775807]", "wrong length")]
    public void BadDataOffsets(string offsets, string message) => Assert.That(Error(Entry(offsets: offsets)), Does.Contain(message));

    [TestCase("[-2]", "tensor 'x': shape entry -2 is not a non-negative integer")]
    [TestCase("[2.5]", "shape entry 2.5 is not a non-negative integer")]
    [TestCase("[\"2\"]", "shape entry \"2\" is not a non-negative integer")]
    [TestCase("[[2]]", "shape entry [2] is not a non-negative integer")]
    [TestCase("[1e3]", "shape entry 1e3 is not a non-negative integer")]
    [TestCase("2", "tensor 'x': shape is missing or not an array")]
    [TestCase("null", "shape is missing or not an array")]
    [TestCase("[4294967296, 4294967296, 4294967296]", "overflows a 64-bit size")]
    [TestCase("[0, 4611686018427387904, 4611686018427387904]", "overflows a 64-bit size")]
    public void BadShapes(string shape, string message) => Assert.That(Error(Entry(shape: shape)), Does.Contain(message));

    [Test]
    public void TooManyDimensions() =>
        Assert.That(Error(Entry(shape: "[" + string.Join(",", Enumerable.Repeat(1, 40)) + ",2]")), Does.Contain("shape has 41 dimensions; at most 32"));

    [TestCase("\"F8_E4M3\"", "unknown dtype 'F8_E4M3' (valid: F32, F16, BF16, F64, I64, I32, U8, BOOL, I16, I8)")]
    [TestCase("\"f32\"", "unknown dtype 'f32'")]
    [TestCase("4", "tensor 'x': dtype is missing or not a string")]
    [TestCase("null", "dtype is missing or not a string")]
    public void BadDtypes(string dtype, string message) => Assert.That(Error(Entry(dtype: dtype)), Does.Contain(message));

    [TestCase("{\"x\":5}", "tensor 'x': entry is a Number, not an object")]
    [TestCase("[]", "header JSON is a Array, not an object")]
    [TestCase("\"x\"", "header JSON is a String, not an object")]
    [TestCase("{\"x\":{\"shape\":[2],\"data_offsets\":[0,8]}}", "dtype is missing")]
    [TestCase("{\"__metadata__\":[1]}", "__metadata__ is a Array; it must be an object of string values")]
    [TestCase("{\"__metadata__\":\"format\"}", "__metadata__ is a String")]
    [TestCase("{\"__metadata__\":{\"format\":1}}", "__metadata__ value for 'format' is a Number; metadata values must be strings")]
    [TestCase("{\"__metadata__\":{\"format\":{\"a\":\"b\"}}}", "__metadata__ value for 'format' is a Object")]
    [TestCase("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}", "duplicate key 'a' in __metadata__")]
    [TestCase("{\"__metadata__\":{},\"__metadata__\":{}}", "duplicate key '__metadata__' in header")]
    [TestCase("{\"x\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"x\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[4,8]}}", "duplicate key 'x' in header")]
    [TestCase("{\"x\":{\"dtype\":\"F32\"", "header is not valid JSON")]
    [TestCase("{\"a\":[[[[[[[[[[1]]]]]]]]]]}", "header is not valid JSON")]
    public void BadStructure(string json, string message) => Assert.That(Error(json), Does.Contain(message));

    [Test]
    public void InvalidUtf8InANameIsReportedWithItsPlace()
    {
        var json = Encoding.UTF8.GetBytes(Entry(name: "ab__cd"));
        int at = Encoding.UTF8.GetString(json).IndexOf("__", StringComparison.Ordinal);
        json[at] = 0xff;
        json[at + 1] = 0xfe;
        Assert.That(Error(File(json, 8)), Does.Contain($"header is not valid UTF-8 (first bad byte at header offset {at}").And.Contain("near '{\"ab"));

        // An overlong encoding of '/' (C0 AF) and a truncated 3-byte sequence are invalid too.
        json = Encoding.UTF8.GetBytes(Entry(name: "ab__cd"));
        json[at] = 0xc0; json[at + 1] = 0xaf;
        Assert.That(Error(File(json, 8)), Does.Contain("not valid UTF-8"));
        json[at] = 0xe2; json[at + 1] = (byte)'c';
        Assert.That(Error(File(json, 8)), Does.Contain("not valid UTF-8"));
    }

    [Test]
    public void LoneSurrogateEscapesAreNotStrings()
    {
        Assert.That(Error(Entry(name: "\\ud800")), Does.Contain("a tensor name is not a valid string"));
        Assert.That(Error("{\"__metadata__\":{\"k\":\"\\udfff\"}}"), Does.Contain("__metadata__ value for 'k' is not a valid string"));
        Assert.That(Error(Entry(dtype: "\"F3\\ud8002\"")), Does.Contain("tensor 'x': dtype is not a valid string"));
    }

    [Test]
    public void BadHeaderLengths()
    {
        var header = Encoding.UTF8.GetBytes(Entry());
        Assert.That(Error(File(header, 8, length: 0)), Does.Contain("header length is 0"));
        Assert.That(Error(File(header, 8, length: 100_000_001)), Does.Contain("header length 100000001 exceeds the 100000000-byte limit"));
        Assert.That(Error(File(header, 8, length: ulong.MaxValue)), Does.Contain("exceeds the 100000000-byte limit"));
        Assert.That(Error(File(header, 8, length: (ulong)header.Length + 9)), Does.Contain("runs past the end of the file").And.Contain("truncated"));
        Assert.That(Error(File(header, 8, length: (ulong)header.Length - 1)), Does.Contain("not valid JSON"));
    }

    /// <summary>
    /// A safetensors file cut inside its header used to be sniffed as "neither safetensors nor PyTorch"; the length
    /// prefix and the '{' are enough to know what it is, so the reader reports the truncation.
    /// </summary>
    [Test]
    public void ACutSafetensorsFileIsReportedAsTruncatedByStateDictFile()
    {
        var full = File(Encoding.UTF8.GetBytes(Entry()), 8);
        foreach (int cut in new[] { 9, 20, full.Length - 9, full.Length - 1 })
        {
            var path = Path.Combine(Dir, $"cut{cut}.safetensors");
            System.IO.File.WriteAllBytes(path, full[..cut]);
            var e = Assert.Throws<InvalidDataException>(() => StateDictFile.Load(path).Dispose(), $"cut at {cut}")!;
            Assert.That(e.Message, Does.Contain(path).And.Contain("truncated"), $"cut at {cut}");
            Assert.That(e.Message, Does.Not.Contain("neither"), $"cut at {cut}");
        }
        var tiny = Path.Combine(Dir, "five.safetensors");
        System.IO.File.WriteAllBytes(tiny, full[..5]);
        Assert.That(Assert.Throws<InvalidDataException>(() => StateDictFile.Load(tiny).Dispose())!.Message,
            Does.Contain("is only 5 bytes, too short").And.Contain("truncated"));
    }

    [Test]
    public void HugeNamesAreClippedInMessages()
    {
        string name = new string('n', 1_000_000);
        string m = Error(Entry(name: name, dtype: "\"X\""));
        Assert.That(m, Does.Contain("tensor 'nnnn").And.Contain("…': unknown dtype 'X'"));
        Assert.That(m.Length, Is.LessThan(500));
    }
}
