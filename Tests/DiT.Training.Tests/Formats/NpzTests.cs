using DiT.Training.Formats;
using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using DiTPlugin.TestSupport;
using DiT.Training.Eval;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Formats;

public class NpzTests : TempDirectoryTest
{
    private const string Regenerate = "Regenerate with /usr/bin/python3 Tests/fixtures/make_npz_fixture.py.";

    private static string Fixture => RepoPaths.Find("Tests/fixtures/numpy_arr0.npz", Regenerate);

    /// <summary>The fixture's arr_0: (3, 4, 5, 3), value (7i + 3) mod 256 at flat index i (make_npz_fixture.py).</summary>
    private static byte[] ExpectedArr0() => Enumerable.Range(0, 180).Select(i => (byte)((7 * i + 3) % 256)).ToArray();

    /// <summary>The raw bytes of one zip entry, read with System.IO.Compression (independent of our reader).</summary>
    private static byte[] EntryBytes(string npz, string entry)
    {
        using var zip = ZipFile.OpenRead(npz);
        using var s = zip.GetEntry(entry)!.Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }

    [Test]
    public void ReadsNumpysFileExactly()
    {
        using var t = NpzReader.Load(Fixture);
        Assert.That(t.dtype, Is.EqualTo(ScalarType.Byte));
        Assert.That(t.shape, Is.EqualTo(new long[] { 3, 4, 5, 3 }));
        Assert.That(t.data<byte>().ToArray(), Is.EqualTo(ExpectedArr0()));
        // Spot-check the NHWC indexing: [n=1, h=2, w=3, c=1] is flat index ((1·4 + 2)·5 + 3)·3 + 1 = 100 → 703 mod 256 = 191.
        Assert.That(t[1, 2, 3, 1].item<byte>(), Is.EqualTo(191));

        using var b = NpzReader.Load(Fixture, "arr_1");
        Assert.That(b.shape, Is.EqualTo(new long[] { 5 }));
        Assert.That(b.data<byte>().ToArray(), Is.EqualTo(new byte[] { 0, 1, 127, 128, 255 }));
        using var c = NpzReader.Load(Fixture, "arr_2");
        Assert.That(c.shape, Is.EqualTo(new long[] { 0, 2, 2, 3 }));
    }

    [Test]
    public void ReadsInBatches()
    {
        using var r = NpzReader.Open(Fixture);
        Assert.That(r.Count, Is.EqualTo(3));
        Assert.That(r.RowBytes, Is.EqualTo(60));
        using var first = r.ReadBatch(2)!;
        using var second = r.ReadBatch(2)!;
        Assert.That(first.shape, Is.EqualTo(new long[] { 2, 4, 5, 3 }));
        Assert.That(second.shape, Is.EqualTo(new long[] { 1, 4, 5, 3 }));
        Assert.That(r.ReadBatch(2), Is.Null);
        Assert.That(first.data<byte>().ToArray().Concat(second.data<byte>().ToArray()), Is.EqualTo(ExpectedArr0()));
    }

    [Test]
    public void HeaderIsByteIdenticalToNumpys()
    {
        // numpy pads the header dict with 21 − digits(shape[0]) spaces (room to grow the first axis in place), then to
        // a multiple of 64 bytes: 10 + 118 = 128 for all three arrays here.
        foreach (var (entry, shape) in new[] { ("arr_0.npy", new long[] { 3, 4, 5, 3 }), ("arr_1.npy", new long[] { 5 }), ("arr_2.npy", new long[] { 0, 2, 2, 3 }) })
        {
            var numpy = EntryBytes(Fixture, entry);
            var ours = NpyHeader.Build("|u1", shape);
            Assert.That(ours.Length % 64, Is.EqualTo(0), entry);
            Assert.That(ours, Is.EqualTo(numpy.Take(ours.Length).ToArray()), entry);
            Assert.That(ours.Length + shape.Aggregate(1L, (a, d) => a * d), Is.EqualTo(numpy.Length), entry);
        }
        Assert.That(Encoding.ASCII.GetString(NpyHeader.Build("|u1", new long[] { 3, 4, 5, 3 }), 10, 65),
            Is.EqualTo("{'descr': '|u1', 'fortran_order': False, 'shape': (3, 4, 5, 3), }"));
    }

    [Test]
    public void WriterOutputHoldsNumpysNpyBytesAndReadsBack()
    {
        string path = Path.Combine(Dir, "samples.npz");
        var data = ExpectedArr0();
        using (var w = new NpzWriter(path, 3, 4, 5, 3))
        {
            // Uneven chunks, one of them splitting an image, plus a tensor batch.
            w.Write(data.AsSpan(0, 7));
            w.Write(data.AsSpan(7, 53));
            using var rest = tensor(data.Skip(60).ToArray(), new long[] { 2, 4, 5, 3 });
            w.Write(rest);
            Assert.That(File.Exists(path), Is.False, "nothing at the destination before Complete");
            w.Complete();
        }
        Assert.That(File.Exists(path + ".tmp"), Is.False);
        // The .npy inside is byte-for-byte what np.savez stored for the same array.
        Assert.That(EntryBytes(path, "arr_0.npy"), Is.EqualTo(EntryBytes(Fixture, "arr_0.npy")));
        using (var zip = ZipFile.OpenRead(path))
            Assert.That(zip.Entries.Select(e => e.FullName), Is.EqualTo(new[] { "arr_0.npy" }));
        using var back = NpzReader.Load(path);
        Assert.That(back.shape, Is.EqualTo(new long[] { 3, 4, 5, 3 }));
        Assert.That(back.data<byte>().ToArray(), Is.EqualTo(data));
    }

    [Test]
    public void NumpyLoadsOurFileWhenDebiansNumpyIsInstalled()
    {
        // Optional cross-check with the real consumer (np.load, Python's zipfile reading our zip64 records). Skipped
        // when Debian's numpy is absent: the byte-level tests above do not need Python.
        const string python = "/usr/bin/python3";
        if (!File.Exists(python)) Assert.Ignore($"{python} not installed (apt-get install python3-numpy).");
        string path = Path.Combine(Dir, "for numpy.npz");
        using (var x = tensor(ExpectedArr0(), new long[] { 3, 4, 5, 3 })) NpzWriter.Save(path, x);
        string script = "import sys, numpy as np\n" +
                        "f = np.load(sys.argv[1])\n" +
                        "a = f['arr_0']\n" +
                        "want = ((np.arange(180) * 7 + 3) % 256).astype(np.uint8).reshape(3, 4, 5, 3)\n" +
                        "assert f.files == ['arr_0'] and a.dtype == np.uint8 and (a == want).all(), (f.files, a.dtype, a.shape)\n" +
                        "print('ok', a.shape)\n";
        var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(path);
        using var p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (stderr.Contains("No module named 'numpy'")) Assert.Ignore("Debian's numpy is not installed (apt-get install python3-numpy).");
        Assert.That(p.ExitCode, Is.EqualTo(0), stderr);
        Assert.That(stdout.Trim(), Is.EqualTo("ok (3, 4, 5, 3)"));
    }

    [Test]
    public void SaveRoundTripsATensorAndReplacesAnOldFile()
    {
        string path = Path.Combine(Dir, "s.npz");
        File.WriteAllText(path, "old");
        using var x = randint(0, 256, new long[] { 4, 8, 6, 3 }, dtype: ScalarType.Byte, generator: new TorchSharp.torch.Generator(2));
        NpzWriter.Save(path, x);
        using var back = NpzReader.Load(path);
        Assert.That(back.data<byte>().ToArray(), Is.EqualTo(x.data<byte>().ToArray()));
    }

    [Test]
    public void ReadsDeflatedEntries()
    {
        // np.savez_compressed deflates; build one with System.IO.Compression from numpy's own .npy bytes.
        string path = Path.Combine(Dir, "compressed.npz");
        var npy = EntryBytes(Fixture, "arr_0.npy");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var s = zip.CreateEntry("arr_0.npy", CompressionLevel.Optimal).Open();
            s.Write(npy);
        }
        using var t = NpzReader.Load(path);
        Assert.That(t.data<byte>().ToArray(), Is.EqualTo(ExpectedArr0()));
    }

    [Test]
    public void ShortOrOverfullWritesAreRefusedAndLeaveNothingBehind()
    {
        string path = Path.Combine(Dir, "short.npz");
        using (var w = new NpzWriter(path, 2, 2, 2, 3))
        {
            w.Write(new byte[12]);
            Assert.That(Assert.Throws<InvalidOperationException>(() => w.Write(new byte[13]))!.Message, Does.Contain("more image bytes"));
            Assert.That(Assert.Throws<InvalidOperationException>(() => w.Complete())!.Message, Does.Contain("1 of 2 images"));
            using var wrongShape = zeros(new long[] { 1, 3, 2, 3 }, ScalarType.Byte);
            Assert.Throws<ArgumentException>(() => w.Write(wrongShape));
        }
        Assert.That(File.Exists(path), Is.False);
        Assert.That(File.Exists(path + ".tmp"), Is.False);
    }

    [Test]
    public void TruncatedFilesGiveClearErrors()
    {
        var bytes = File.ReadAllBytes(Fixture);
        foreach (int keep in new[] { 0, 10, 100, bytes.Length / 2, bytes.Length - 30, bytes.Length - 1 })
        {
            string path = Path.Combine(Dir, $"cut{keep}.npz");
            File.WriteAllBytes(path, bytes.AsSpan(0, keep).ToArray());
            var e = Assert.Throws<InvalidDataException>(() => NpzReader.Load(path).Dispose(), $"cut at {keep}")!;
            TestContext.Out.WriteLine($"cut at {keep}: {e.Message}");
            Assert.That(e.Message, Does.Contain("truncated").Or.Contain("corrupt"), $"cut at {keep}");
        }
    }

    [Test]
    public void FlippedPixelByteFailsTheCrc()
    {
        string path = Path.Combine(Dir, "flip.npz");
        var bytes = File.ReadAllBytes(Fixture);
        // arr_0.npy's data follows its local header (30 + 9 name + 20 zip64 extra bytes) and its 128-byte npy header.
        int pixel = 30 + 9 + 20 + 128 + 50;
        Assert.That(bytes[pixel], Is.EqualTo(ExpectedArr0()[50]), "offset arithmetic");
        bytes[pixel] ^= 0x10;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => NpzReader.Load(path).Dispose())!;
        Assert.That(e.Message, Does.Contain("CRC"));
    }

    [Test]
    public void OtherDtypesAndMissingArraysAreRefused()
    {
        string path = Path.Combine(Dir, "float.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var s = zip.CreateEntry("arr_0.npy", CompressionLevel.NoCompression).Open();
            s.Write(NpyHeader.Build("<f4", new long[] { 2 }));
            s.Write(new byte[8]);
        }
        var e = Assert.Throws<InvalidDataException>(() => NpzReader.Load(path).Dispose())!;
        Assert.That(e.Message, Does.Contain("'<f4'").And.Contain("uint8"));
        var missing = Assert.Throws<InvalidDataException>(() => NpzReader.Load(Fixture, "mu").Dispose())!;
        Assert.That(missing.Message, Does.Contain("no array 'mu'").And.Contain("arr_0.npy"));

        // A header that promises more data than the entry holds.
        string lying = Path.Combine(Dir, "lying.npz");
        using (var zip = ZipFile.Open(lying, ZipArchiveMode.Create))
        {
            using var s = zip.CreateEntry("arr_0.npy", CompressionLevel.NoCompression).Open();
            s.Write(NpyHeader.Build("|u1", new long[] { 10, 2 }));
            s.Write(new byte[19]);
        }
        Assert.That(Assert.Throws<InvalidDataException>(() => NpzReader.Load(lying).Dispose())!.Message, Does.Contain("needs 20"));

        string notZip = Path.Combine(Dir, "text.npz");
        File.WriteAllText(notZip, "this is not a zip archive at all, just text");
        Assert.That(Assert.Throws<InvalidDataException>(() => NpzReader.Load(notZip).Dispose())!.Message, Does.Contain("not a complete zip"));
    }
}
