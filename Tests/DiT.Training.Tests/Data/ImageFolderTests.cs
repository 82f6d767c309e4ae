using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiT.Training.Data;
using NUnit.Framework;
using StbImageWriteSharp;

namespace DiT.Training.Tests.Data;

public class ImageFolderTests : TempDirectoryTest
{

    private static byte[] Solid(int w, int h, byte r, byte g, byte b)
    {
        var d = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) { d[3 * i] = r; d[3 * i + 1] = g; d[3 * i + 2] = b; }
        return d;
    }

    private static void WritePng(string path, int w, int h, byte[] rgb)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var fs = File.Create(path);
        new ImageWriter().WritePng(rgb, w, h, ColorComponents.RedGreenBlue, fs);
    }

    private static void WriteJpg(string path, int w, int h, byte[] rgb)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var fs = File.Create(path);
        new ImageWriter().WriteJpg(rgb, w, h, ColorComponents.RedGreenBlue, fs, 95);
    }

    /// <summary>C_upper/x.png, a_cats/1.png + 2.jpg, b_dogs/1.png + corrupt.png + trunc.png. Returns the truncated file's path.</summary>
    private string BuildTree()
    {
        WritePng(Path.Combine(Dir, "b_dogs", "1.png"), 40, 30, Solid(40, 30, 255, 0, 51));
        WritePng(Path.Combine(Dir, "a_cats", "1.png"), 20, 20, Solid(20, 20, 100, 100, 100));
        WriteJpg(Path.Combine(Dir, "a_cats", "2.jpg"), 24, 24, Solid(24, 24, 128, 128, 128));
        WritePng(Path.Combine(Dir, "C_upper", "x.png"), 16, 16, Solid(16, 16, 0, 0, 0));
        var rng = new Random(5);
        var junk = new byte[500];
        rng.NextBytes(junk);
        File.WriteAllBytes(Path.Combine(Dir, "b_dogs", "corrupt.png"), junk);
        // Noise compresses badly, so cutting the file in half truly cuts into the pixel data.
        var noise = new byte[64 * 64 * 3];
        rng.NextBytes(noise);
        string full = Path.Combine(Dir, "b_dogs", "trunc_src.png");
        WritePng(full, 64, 64, noise);
        var bytes = File.ReadAllBytes(full);
        File.Delete(full);
        string trunc = Path.Combine(Dir, "b_dogs", "trunc.png");
        File.WriteAllBytes(trunc, bytes[..(bytes.Length / 2)]);
        File.WriteAllText(Path.Combine(Dir, "b_dogs", "notes.txt"), "not an image");
        return trunc;
    }

    [Test]
    public void LoadsGoodImagesSkipsBadOnesLabelsFollowFolderOrder()
    {
        BuildTree();
        var log = new List<string>();
        var ds = new ImageFolderDataset(Dir, new ImageFolderOptions { Size = 8, Log = log.Add });
        // Ordinal order: uppercase sorts before lowercase.
        Assert.That(ds.ClassNames, Is.EqualTo(new[] { "C_upper", "a_cats", "b_dogs" }));
        Assert.That(ds.Count, Is.EqualTo(4));
        Assert.That(ds.SkippedCount, Is.EqualTo(2));
        Assert.That(ds.Warnings.Count(w => w.Contains("corrupt.png")), Is.EqualTo(1));
        Assert.That(ds.Warnings.Count(w => w.Contains("trunc.png")), Is.EqualTo(1));
        Assert.That(log, Is.EqualTo(ds.Warnings));
        Assert.That(ds.Samples.Select(s => (Path.GetFileName(s.Path), s.Label)),
            Is.EqualTo(new[] { ("x.png", 0), ("1.png", 1), ("2.jpg", 1), ("1.png", 2) }));
        Assert.That((ds.Channels, ds.Height, ds.Width), Is.EqualTo((3, 8, 8)));

        var dog = ds.Get(3);
        Assert.That(dog.Label, Is.EqualTo(2));
        Assert.That(dog.Chw.Length, Is.EqualTo(3 * 64));
        Assert.That(dog.Chw.Take(64).All(v => v == 1f), Is.True, "R=255 -> 1");
        Assert.That(dog.Chw.Skip(64).Take(64).All(v => v == -1f), Is.True, "G=0 -> -1");
        Assert.That(dog.Chw.Skip(128).All(v => Math.Abs(v - (51 / 127.5f - 1)) < 1e-6), Is.True, "B=51");
        var jpg = ds.Get(2);
        Assert.That(jpg.Chw.All(v => Math.Abs(v - (128 / 127.5f - 1)) < 4 / 127.5f), Is.True, "JPEG of flat grey stays near grey");
    }

    [Test]
    public void GrayscaleAndPreload()
    {
        BuildTree();
        var ds = new ImageFolderDataset(Dir, new ImageFolderOptions { Size = 4, Color = ImageColor.Grayscale, Preload = true });
        Assert.That(ds.Channels, Is.EqualTo(1));
        Assert.That(ds.Count, Is.EqualTo(4));
        var grey = ds.Get(1);
        Assert.That(grey.Chw, Is.All.EqualTo(100 / 127.5f - 1f));
    }

    [Test]
    public void DecodeFailureAtGetFallsBackToNextSample()
    {
        string trunc = BuildTree();
        // Header-only validation lets the truncated PNG through, so the failure happens in Get.
        var ds = new ImageFolderDataset(Dir, new ImageFolderOptions { Size = 8, Validation = ImageValidation.Header });
        Assert.That(ds.SkippedCount, Is.EqualTo(1));
        int bad = ds.Samples.ToList().FindIndex(s => s.Path == trunc);
        Assert.That(bad, Is.GreaterThanOrEqualTo(0));
        var next = (bad + 1) % ds.Count;
        var got = ds.Get(bad);
        var expected = ds.Get(next);
        Assert.That(got.Label, Is.EqualTo(expected.Label));
        Assert.That(got.Chw, Is.EqualTo(expected.Chw));
        Assert.That(ds.FallbackCount, Is.EqualTo(1));
        Assert.That(ds.Warnings.Any(w => w.Contains("decode failed") && w.Contains("trunc.png")), Is.True);
    }

    [Test]
    public void SynsetMappingDefinesImageNetOrder()
    {
        string train = Path.Combine(Dir, "train");
        WritePng(Path.Combine(train, "n02000002", "a.JPEG.png"), 8, 8, Solid(8, 8, 1, 2, 3));
        WritePng(Path.Combine(train, "n01000001", "b.png"), 8, 8, Solid(8, 8, 1, 2, 3));
        // The list order (not the sorted folder order) is the class order; it sits beside train/ as in ImageNet.
        File.WriteAllLines(Path.Combine(Dir, "LOC_synset_mapping.txt"), new[]
        {
            "n03000003 third thing",
            "n02000002 dog, hound",
            "n01000001 cat, Felis catus",
        });
        var ds = new ImageFolderDataset(train, new ImageFolderOptions { Size = 8 });
        Assert.That(ds.ClassNames, Is.EqualTo(new[] { "third thing", "dog", "cat" }));
        Assert.That(ds.Samples.Select(s => s.Label), Is.EqualTo(new[] { 2, 1 }), "folders in ordinal order: n01000001 then n02000002");
        Assert.That(ds.SynsetMappingPath, Does.EndWith("LOC_synset_mapping.txt"));

        var plain = new ImageFolderDataset(train, new ImageFolderOptions { Size = 8, UseSynsetMapping = false });
        Assert.That(plain.ClassNames, Is.EqualTo(new[] { "n01000001", "n02000002" }));
    }

    [Test]
    public void DirectoryLinkLoopsAreReadOnceAndLinksIntoOtherClassesAreSkipped()
    {
        WritePng(Path.Combine(Dir, "a", "1.png"), 8, 8, Solid(8, 8, 10, 10, 10));
        WritePng(Path.Combine(Dir, "a", "sub", "2.png"), 8, 8, Solid(8, 8, 20, 20, 20));
        WritePng(Path.Combine(Dir, "b", "3.png"), 8, 8, Solid(8, 8, 30, 30, 30));
        Directory.CreateSymbolicLink(Path.Combine(Dir, "a", "sub", "loop"), "..");              // a/sub/loop → a
        Directory.CreateSymbolicLink(Path.Combine(Dir, "a", "sub", "loop2"), Path.Combine(Dir, "a", "sub"));   // a second loop
        Directory.CreateSymbolicLink(Path.Combine(Dir, "a", "up"), Dir);                       // → the root (and so b)
        Directory.CreateSymbolicLink(Path.Combine(Dir, "a", "theirs"), Path.Combine(Dir, "b")); // → another class
        var task = System.Threading.Tasks.Task.Run(() => new ImageFolderDataset(Dir, new ImageFolderOptions { Size = 8 }));
        Assert.That(task.Wait(TimeSpan.FromSeconds(30)), Is.True, "two loops used to make the walk go on forever");
        var ds = task.Result;
        Assert.That(ds.Count, Is.EqualTo(3), "each image once: a/1, a/sub/2, b/3");
        Assert.That(Enumerable.Range(0, ds.Count).Select(i => ds.Get(i).Label).OrderBy(l => l), Is.EqualTo(new[] { 0, 0, 1 }), "b's image keeps b's label");
        Assert.That(ds.Warnings.Count(w => w.Contains("read already")), Is.EqualTo(4));
    }

    [Test]
    public void AHugeImageIsSkippedAsTooLargeNotUnreadable()
    {
        WritePng(Path.Combine(Dir, "a", "ok.png"), 8, 8, Solid(8, 8, 1, 2, 3));
        // A valid PNG signature and IHDR for 20000x20000 (the pixels are never read: the header says it is too large).
        var header = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R',
                                  0, 0, 0x4E, 0x20, 0, 0, 0x4E, 0x20, 8, 2, 0, 0, 0, 0, 0, 0, 0 };
        File.WriteAllBytes(Path.Combine(Dir, "a", "huge.png"), header);
        var ds = new ImageFolderDataset(Dir, new ImageFolderOptions { Size = 8 });
        Assert.That(ds.Count, Is.EqualTo(1));
        Assert.That(ds.Warnings, Has.Some.Contains("huge.png").And.Contains("20000x20000, too large (limit 16384 pixels a side)"));
    }
}
