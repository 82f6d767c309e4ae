using System;
using System.Linq;
using DiTPlugin.Contract.Package;
using DiTPlugin.Imaging;
using DiTPlugin.Sampling;
using DiTPlugin.TestSupport;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>
/// Starting from a texture in a latent package: the VAE encoder graph (role vae_encoder), the block-maximum latent mask
/// and the blend back in pixel space. The tiny encoder and decoder are linear per 8x8 block, so the expected images are
/// computed here by hand.
/// </summary>
public class LatentInitImageTests
{
    private const int Size = 2;   // latent side: 16x16 images

    private static LoadedPackage Package(bool encoder = true) => LoadedPackage.Custom(dir =>
    {
        var m = TinyOnnxModel.WriteLatentPackage(dir, Size, ("vae_decoder.onnx", "fp32", null, 1f));
        if (encoder) TinyOnnxModel.AddEncoder(dir, m);
    });

    private static SourceImage Texture(int seed)
    {
        var rng = new Random(seed);
        var rgba = new byte[16 * 16 * 4];
        rng.NextBytes(rgba);
        for (int p = 0; p < 256; p++) rgba[4 * p + 3] = 255;
        return new SourceImage(rgba, 16, 16);
    }

    [Test]
    public void TheLatentMaskIsTheLargestValueOfEachBlock()
    {
        var mask = new float[16 * 16];
        mask[3 * 16 + 5] = 0.25f;    // block (0, 0)
        mask[9 * 16 + 2] = 1f;       // block (1, 0)
        mask[10 * 16 + 3] = 0.5f;    // block (1, 0) too: the larger wins
        Assert.That(LatentMask.FromPixels(mask, 16, 16, 8), Is.EqualTo(new[] { 0.25f, 0f, 1f, 0f }));
        Assert.Throws<ArgumentException>(() => LatentMask.FromPixels(new float[12 * 12], 12, 12, 8));
    }

    [Test]
    public void StrengthZeroIsTheVaeReconstructionOfTheTexture()
    {
        using var pkg = Package();
        Assert.That(pkg.Dit.SupportsInitImage, Is.True);
        var texture = Texture(1);
        var img = pkg.Dit.Generate(new GenerationOptions { ClassIds = new[] { 0 }, Seed = 3, Steps = 6, InitImage = texture, Strength = 0f })[0];

        // By hand: pixels → block means → E (encoder) → ·scale then /scale (the package's 0.5 cancels) → D (decoder), nearest 8x.
        var pixels = ImageConverter.FromRgba8(texture.Rgba8, 16, 16, 3, ColorSpace.Srgb);
        var expected = new float[3 * 256];
        for (int by = 0; by < Size; by++)
            for (int bx = 0; bx < Size; bx++)
            {
                var mean = new double[3];
                for (int k = 0; k < 3; k++)
                    for (int y = 0; y < 8; y++)
                        for (int x = 0; x < 8; x++) mean[k] += pixels[k * 256 + (by * 8 + y) * 16 + bx * 8 + x] / 64.0;
                var latent = Enumerable.Range(0, 4).Select(c => Enumerable.Range(0, 3).Sum(k => TinyOnnxModel.EncoderWeight(c, k) * mean[k])).ToArray();
                for (int o = 0; o < 3; o++)
                {
                    double v = Enumerable.Range(0, 4).Sum(c => TinyOnnxModel.DecoderWeight(o, c) * latent[c]);
                    for (int y = 0; y < 8; y++)
                        for (int x = 0; x < 8; x++) expected[o * 256 + (by * 8 + y) * 16 + bx * 8 + x] = (float)v;
                }
            }
        var want = ImageConverter.ToRgba8(expected, 3, 16, 16, ColorSpace.Srgb);
        int worst = Enumerable.Range(0, want.Length).Max(k => Math.Abs(want[k] - img.Rgba8[k]));
        Assert.That(worst, Is.LessThanOrEqualTo(1), "decode(encode(texture)), to float rounding of the two graphs");
        Assert.That(img.Rgba8, Is.Not.EqualTo(texture.Rgba8), "the tiny VAE is lossy: the reconstruction is not the texture");
    }

    [Test]
    public void InpaintingKeepsTheUnmaskedPixelsAndRegeneratesTheHole([Values] SamplerKind sampler)
    {
        using var pkg = Package();
        var texture = Texture(2);
        var mask = new float[256];
        for (int p = 0; p < 256; p++) mask[p] = p / 16 < 8 && p % 16 < 8 ? 1f : 0f;   // the top-left block
        var img = pkg.Dit.Generate(new GenerationOptions
        {
            ClassIds = new[] { 1 }, Seed = 5, Steps = 6, Sampler = sampler, InitImage = texture, Strength = 1f, Mask = mask,
        })[0];
        int worstKept = 0, changed = 0;
        for (int p = 0; p < 256; p++)
            for (int ch = 0; ch < 4; ch++)
            {
                int d = Math.Abs(img.Rgba8[4 * p + ch] - texture.Rgba8[4 * p + ch]);
                if (mask[p] == 0) worstKept = Math.Max(worstKept, d);
                else if (d > 0) changed++;
            }
        Assert.That(worstKept, Is.LessThanOrEqualTo(1), "unmasked pixels within one 8-bit level after decoding");
        Assert.That(worstKept, Is.EqualTo(0), "and, blended back in pixel space, the texture itself");
        Assert.That(changed, Is.GreaterThan(64), "the masked block is regenerated");
    }

    [Test]
    public void SeamRepairWorksOnLatentPackagesWithACircularDecoder()
    {
        using var pkg = LoadedPackage.Custom(dir =>
        {
            var m = TinyOnnxModel.WriteLatentPackage(dir, 4, new (string, string, int?, float, string?)[]
            {
                ("vae_decoder.onnx", "fp32", null, 1f, null), ("vae_decoder_circular.onnx", "fp32", null, 1f, "circular"),
            });
            TinyOnnxModel.AddEncoder(dir, m);
        });
        var rng = new Random(4);
        var rgba = new byte[32 * 32 * 4];
        rng.NextBytes(rgba);
        var texture = new SourceImage(rgba, 32, 32);
        var fixedUp = pkg.Dit.MakeSeamless(texture, new GenerationOptions { ClassIds = new[] { 2 }, Seed = 1, Steps = 4 }, bandFraction: 0.25);
        for (int y = 8; y < 24; y++)
            for (int x = 8; x < 24; x++)
                Assert.That(fixedUp.Rgba8.AsSpan(4 * (y * 32 + x), 3).SequenceEqual(rgba.AsSpan(4 * (y * 32 + x), 3)), Is.True, $"interior pixel ({x}, {y}) kept");
    }

    [Test]
    public void ALatentPackageWithoutAnEncoderSaysHowToGetOne()
    {
        using var pkg = Package(encoder: false);
        Assert.That(pkg.Dit.SupportsInitImage, Is.False);
        var e = Assert.Throws<NotSupportedException>(() => pkg.Dit.CreateJob(new GenerationOptions { ClassIds = new[] { 0 }, InitImage = Texture(3) }));
        Assert.That(e!.Message, Does.Contain("without a VAE encoder").And.Contain("dit export --vae"));
    }
}
