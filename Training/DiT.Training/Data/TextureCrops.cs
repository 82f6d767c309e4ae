using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using StbImageWriteSharp;

namespace DiT.Training.Data;

public sealed record TextureCropOptions
{
    /// <summary>Materials (pack folders) to use as classes, in class order.</summary>
    public required IReadOnlyList<string> Classes { get; init; }
    /// <summary>Output side in pixels.</summary>
    public int Size { get; init; } = 32;
    public int TrainPerClass { get; init; } = 2000;
    public int TestPerClass { get; init; } = 300;
    /// <summary>Share of each material's textures held out for the test split (at least one texture).</summary>
    public double HoldOut { get; init; } = 0.2;
    /// <summary>Crop side as a fraction of the texture's shorter side, drawn uniformly from this range.</summary>
    public double MinCrop { get; init; } = 0.25;
    public double MaxCrop { get; init; } = 0.6;
    /// <summary>
    /// A fixed crop side in texture pixels instead of the fractions (wrapping around as textures tile): every crop then
    /// shows the same texel scale, e.g. 128 texels box-filtered to a 32 px sample, which a 4x upscaler restores.
    /// </summary>
    public int? CropSide { get; init; }
    /// <summary>Textures whose shorter side is below this are skipped (thin trims and icons).</summary>
    public int MinTextureSide { get; init; } = 64;
    public int Seed { get; init; }
    public Action<string>? Log { get; init; }
}

/// <summary>
/// Builds a class-labelled ImageFolder (train/&lt;class&gt;/*.png, test/&lt;class&gt;/*.png) of random crops from a texture
/// source (a texture pack, Doom WADs). The test split comes from textures never used for training, so it measures generalisation, not recall of
/// crops. Game textures tile, so crops wrap around the edges: every position is a valid crop and the seams the
/// textures were made to hide are sampled too. Each crop is box-filtered down to the output size.
/// </summary>
public static class TextureCrops
{
    public sealed record Summary(IReadOnlyList<string> Classes, IReadOnlyList<int> TrainTextures, IReadOnlyList<int> TestTextures,
        int TrainImages, int TestImages);

    public static Summary Build(ITextureSource pack, string outDir, TextureCropOptions o)
    {
        if (o.Classes.Count < 2) throw new ArgumentException("Give at least two materials (classes).");
        var unknown = o.Classes.Where(c => !pack.Materials.ContainsKey(c)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"'{pack.Path}' has no material(s) {string.Join(", ", unknown)}. It has: " +
                string.Join(", ", pack.Materials.OrderByDescending(kv => kv.Value.Count).Select(kv => $"{kv.Key} ({kv.Value.Count})")) + ".");
        if (o.MinCrop <= 0 || o.MaxCrop > 1 || o.MinCrop > o.MaxCrop) throw new ArgumentException("Crop fractions must satisfy 0 < min <= max <= 1.");

        var rng = new Random(o.Seed);
        var trainCounts = new List<int>();
        var testCounts = new List<int>();
        int trainImages = 0, testImages = 0;
        foreach (var cls in o.Classes)
        {
            var textures = new List<(string Name, PixelImage Image)>();
            foreach (var entry in pack.Materials[cls])
            {
                PixelImage img;
                try { img = pack.Load(entry); }
                catch (InvalidDataException e) { o.Log?.Invoke($"skipped {entry}: {e.Message}"); continue; }
                if (Math.Min(img.Width, img.Height) >= o.MinTextureSide) textures.Add((entry, img));
            }
            if (textures.Count < 2)
                throw new ArgumentException($"Material '{cls}' has {textures.Count} texture(s) of at least {o.MinTextureSide} px; a class needs two (train and test).");
            // Shuffle with the seed, then hold out the first share for the test split.
            var order = textures.OrderBy(_ => rng.Next()).ToList();
            int held = Math.Clamp((int)Math.Round(order.Count * o.HoldOut), 1, order.Count - 1);
            var test = order.Take(held).ToList();
            var train = order.Skip(held).ToList();
            trainCounts.Add(train.Count);
            testCounts.Add(test.Count);
            trainImages += WriteCrops(train, Path.Combine(outDir, "train", cls), o.TrainPerClass, o, rng);
            testImages += WriteCrops(test, Path.Combine(outDir, "test", cls), o.TestPerClass, o, rng);
            o.Log?.Invoke($"{cls}: {train.Count} textures → {o.TrainPerClass} train crops, {test.Count} held-out textures → {o.TestPerClass} test crops");
        }
        var summary = new Summary(o.Classes, trainCounts, testCounts, trainImages, testImages);
        var info = new
        {
            source = pack.Path, classes = o.Classes, size = o.Size, seed = o.Seed, trainTextures = trainCounts, testTextures = testCounts,
            trainImages, testImages, crop = o.CropSide is int cs ? (object)new { side = cs, wrap = true, filter = "box" } : new { o.MinCrop, o.MaxCrop, wrap = true, filter = "box" },
        };
        AtomicFileText(Path.Combine(outDir, "dataset.json"), JsonSerializer.Serialize(info, new JsonSerializerOptions { WriteIndented = true }));
        return summary;
    }

    private static int WriteCrops(List<(string Name, PixelImage Image)> textures, string dir, int count, TextureCropOptions o, Random rng)
    {
        Directory.CreateDirectory(dir);
        var writer = new ImageWriter();
        for (int i = 0; i < count; i++)
        {
            var (name, img) = textures[i % textures.Count];     // round-robin: every texture contributes equally
            int side = (int)Math.Round(Math.Min(img.Width, img.Height) * (o.MinCrop + rng.NextDouble() * (o.MaxCrop - o.MinCrop)));
            side = o.CropSide ?? Math.Max(side, o.Size);
            var crop = WrapCrop(img, rng.Next(img.Width), rng.Next(img.Height), side);
            var small = Resample.Resize(crop, o.Size, o.Size, ResampleFilter.Box, quantize: true);
            var bytes = new byte[small.Data.Length];
            for (int k = 0; k < bytes.Length; k++) bytes[k] = (byte)Math.Clamp((int)MathF.Round(small.Data[k]), 0, 255);
            var path = Path.Combine(dir, $"{i:D5}_{Path.GetFileNameWithoutExtension(name)}.png");
            using var ms = new MemoryStream();
            writer.WritePng(bytes, o.Size, o.Size, ColorComponents.RedGreenBlue, ms);
            File.WriteAllBytes(path, ms.ToArray());
        }
        return count;
    }

    /// <summary>A side x side crop at (x0, y0) that wraps around the image edges (textures tile).</summary>
    public static PixelImage WrapCrop(PixelImage img, int x0, int y0, int side)
    {
        var r = new PixelImage(side, side, img.Channels);
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                for (int c = 0; c < img.Channels; c++)
                    r[x, y, c] = img[(x0 + x) % img.Width, (y0 + y) % img.Height, c];
        return r;
    }

    private static void AtomicFileText(string path, string text) =>
        DiT.Training.Formats.AtomicFile.Write(path, s => s.Write(System.Text.Encoding.UTF8.GetBytes(text)));
}
