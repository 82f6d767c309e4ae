using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiTPlugin.Runtime;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>Latent packages: the VAE decoder's fp16 → fp32 fallback, tiled decoding and the decoder entries' validation.</summary>
public class LatentDecoderTests
{
    private const int Size = 8;

    private static float[] RandomLatents(int seed)
    {
        var rng = new System.Random(seed);
        return Enumerable.Range(0, 4 * Size * Size).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>The tiny decoder by hand: out[o, y, x] = Σ_i W[o, i] · latent[i, y/8, x/8].</summary>
    private static float[] HandDecoded(float[] latent)
    {
        int side = Size * 8;
        var image = new float[3 * side * side];
        for (int o = 0; o < 3; o++)
            for (int y = 0; y < side; y++)
                for (int x = 0; x < side; x++)
                {
                    double v = 0;
                    for (int i = 0; i < 4; i++) v += TinyOnnxModel.DecoderWeight(o, i) * latent[(i * Size + y / 8) * Size + x / 8];
                    image[(o * side + y) * side + x] = (float)v;
                }
        return image;
    }

    private static LatentDecoder Open(string folder, bool preferFp16, List<string>? log = null)
    {
        var package = ModelPackage.Open(folder);
        var m = package.Manifest;
        return new LatentDecoder(m, preferFp16, (g, t) => new OnnxGraph(package.ReadFile(g.File), g.File,
            new[] { new TensorSpec("latent", typeof(float), 1, 4, t, t) },
            new[] { new TensorSpec("image", typeof(float), 1, 3, t * 8, t * 8) }), s => log?.Add(s));
    }

    [Test]
    public void WholeDecoderMatchesTheHandComputation()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WriteLatentPackage(dir.Path, Size, ("vae_decoder.onnx", "fp32", null, 1f));
        using var decoder = Open(dir.Path, preferFp16: false);
        var latent = RandomLatents(1);
        Assert.That(decoder.Decode(latent), Is.EqualTo(HandDecoded(latent)).Within(1e-6f));
    }

    [TestCase(4, null)]     // 3 tiles per axis (origins 0, 3, 4), overlap tile/4 = 1
    [TestCase(5, 2)]        // origins 0, 3
    [TestCase(3, 0)]        // no overlap: origins 0, 3, 5
    public void TiledDecodingOfALocalDecoderEqualsWholeDecoding(int tile, int? overlap)
    {
        using var dir = new TempDir();
        var manifest = TinyOnnxModel.WriteLatentPackage(dir.Path, Size, ("vae_tile.onnx", "fp32", tile, 1f));
        if (overlap != null)
        {
            manifest["latent"]!["tileOverlap"] = overlap;
            TinyOnnxModel.WriteManifest(dir.Path, manifest);
        }
        using var decoder = Open(dir.Path, preferFp16: false);
        Assert.That(decoder.TileSize, Is.EqualTo(tile));
        var latent = RandomLatents(2);
        // Every pixel is a weighted mean of identical values from the tiles covering it.
        Assert.That(decoder.Decode(latent), Is.EqualTo(HandDecoded(latent)).Within(1e-5f));
    }

    [Test]
    public void TileOriginsCoverTheSideAndEndFlushWithIt()
    {
        Assert.That(LatentDecoder.Origins(8, 4, 1), Is.EqualTo(new[] { 0, 3, 4 }));
        Assert.That(LatentDecoder.Origins(64, 32, 8), Is.EqualTo(new[] { 0, 24, 32 }));
        Assert.That(LatentDecoder.Origins(32, 32, 8), Is.EqualTo(new[] { 0 }));
        var ramp = LatentDecoder.Ramp(8, 4, rampStart: true, rampEnd: false);
        Assert.That(ramp, Is.EqualTo(new[] { 0.125f, 0.375f, 0.625f, 0.875f, 1f, 1f, 1f, 1f }));
    }

    [Test]
    public void Fp16DecoderGivingNaNFallsBackToFp32ForGood()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WriteLatentPackage(dir.Path, Size, ("vae_decoder.onnx", "fp32", null, 1f), ("vae_decoder_fp16.onnx", "fp16", null, float.NaN));
        var log = new List<string>();
        using var decoder = Open(dir.Path, preferFp16: true, log);
        Assert.That(decoder.FileName, Is.EqualTo("vae_decoder_fp16.onnx"));
        var latent = RandomLatents(3);
        Assert.That(decoder.Decode(latent), Is.EqualTo(HandDecoded(latent)).Within(1e-6f));
        Assert.That(decoder.FileName, Is.EqualTo("vae_decoder.onnx"));
        Assert.That(log, Has.Some.Contains("vae_decoder_fp16.onnx gave NaN/Inf").And.Contains("vae_decoder.onnx (fp32) from now on"));
    }

    [Test]
    public void GenerateThroughALatentPackageGivesTheDecodedSizeAndExposesTheLicence()
    {
        using var dir = new TempDir();
        TinyOnnxModel.WriteLatentPackage(dir.Path, Size, ("vae_decoder.onnx", "fp32", null, 1f), ("vae_decoder_fp16.onnx", "fp16", 4, float.NaN));
        var log = new List<string>();
        using var plain = DiT.Load(dir.Path, new DiTOptions { Log = log.Add });
        using var fp16 = DiT.Load(dir.Path, new DiTOptions { PreferFp16 = true });
        var a = plain.Generate(new GenerationOptions { ClassIds = new[] { 1 }, Steps = 5, Seed = 7 })[0];
        var b = fp16.Generate(new GenerationOptions { ClassIds = new[] { 1 }, Steps = 5, Seed = 7 })[0];
        Assert.That((a.Width, a.Height), Is.EqualTo((64, 64)));
        Assert.That(b.Rgba8, Is.EqualTo(a.Rgba8), "the fp16 decoder's NaN must be replaced by the fp32 decode");
        Assert.That(plain.License.Id, Is.EqualTo("CC-BY-NC-4.0"));
        Assert.That(plain.License.CommercialUse, Is.False);
        Assert.That(plain.License.CommercialUseWarning, Does.Contain("CC-BY-NC-4.0").And.Contain("does not allow commercial use"));
        Assert.That(log, Has.Some.Contains("tiny-test: The model's licence (CC-BY-NC-4.0) does not allow commercial use"));
    }

    [Test]
    public void BadDecoderEntriesAreRefusedNamingTheFile()
    {
        using var dir = new TempDir();
        var manifest = TinyOnnxModel.WriteLatentPackage(dir.Path, Size, ("vae_decoder.onnx", "fp32", null, 1f));
        string original = manifest.ToJsonString();

        void Expect(Action<System.Text.Json.Nodes.JsonObject> edit, params string[] words)
        {
            var m = System.Text.Json.Nodes.JsonNode.Parse(original)!.AsObject();
            edit(m);
            TinyOnnxModel.WriteManifest(dir.Path, m);
            var ex = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(dir.Path));
            foreach (var w in words) Assert.That(ex!.Message, Does.Contain(w));
        }

        Expect(m => m["graphs"]![1]!["batch"] = 2, "vae_decoder.onnx", "batch 2 differs");
        Expect(m => m["graphs"]![1]!["tileSize"] = 9, "vae_decoder.onnx", "tileSize 9");
        Expect(m => m["graphs"]![1]!["role"] = "upscaler", "role 'upscaler'");
        Expect(m => m["latent"]!["decoder"] = "other.onnx", "latent.decoder 'other.onnx' is not among");
    }
}
