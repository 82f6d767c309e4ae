using System;
using System.Linq;
using DiTPlugin.Imaging;
using NUnit.Framework;

namespace DiTPlugin.Tests;

/// <summary>
/// Material maps from an albedo: expected values worked out by hand (sRGB decode, Rec. 709 weights, Sobel sums),
/// flat and ramp images, the wrap invariance under rolling, and argument checks.
/// </summary>
public class MaterialMapsTests
{
    // sRGB decode of the bytes used below, ((b/255 + 0.055)/1.055)^2.4:
    //   64 → 0.0512694584, 128 → 0.2158605001, 200 → 0.5775804404, 100 → 0.1274376804, 50 → 0.0318960330; 0 → 0, 255 → 1.

    [Test]
    public void HeightIsNormalisedLinearLuminance()
    {
        // 2x2, no blur. Rec. 709 luminance Y = 0.2126 R + 0.7152 G + 0.0722 B on linear values:
        //   (64, 64, 64)    → 0.0512694584 (grey: all weights sum to 1)
        //   (255, 0, 0)     → 0.2126
        //   (0, 0, 255)     → 0.0722
        //   (200, 100, 50)  → 0.2126·0.5775804 + 0.7152·0.1274377 + 0.0722·0.0318960 = 0.2162399243
        // min 0.0512694584, max 0.2162399243, range 0.1649704659:
        //   (0.2126 − 0.0512694584)/range = 0.9779359036, (0.0722 − 0.0512694584)/range = 0.1268744773.
        var img = Rgba(new byte[] { 64, 64, 64 }, new byte[] { 255, 0, 0 }, new byte[] { 0, 0, 255 }, new byte[] { 200, 100, 50 });
        var h = MaterialMaps.Height(img, 2, 2, wrap: true, blurRadius: 0);
        Assert.That(h, Is.EqualTo(new[] { 0f, 0.9779359036f, 0.1268744773f, 1f }).Within(1e-6f));
        // Grayscale RGBA8 is linear: round(v·255) = 0, 249.37 → 249, 32.35 → 32, 255.
        Assert.That(MaterialMaps.HeightRgba8(img, 2, 2, wrap: true, blurRadius: 0),
                    Is.EqualTo(new byte[] { 0, 0, 0, 255, 249, 249, 249, 255, 32, 32, 32, 255, 255, 255, 255, 255 }));
        // Alpha plays no part.
        img[3] = 0;
        Assert.That(MaterialMaps.Height(img, 2, 2, wrap: true, blurRadius: 0), Is.EqualTo(h));
    }

    [Test]
    public void HeightBlurWrapsOrClampsAtTheEdges()
    {
        // 4x1 greys 0, 128, 255, 64 → linear 0, 0.2158605, 1, 0.0512695; radius 1 = 3 taps (the one row is its own
        // neighbour above and below, so the vertical pass changes nothing).
        // wrap:  x0 = (0.0512695 + 0 + 0.2158605)/3 = 0.0890433, x1 = 0.4052868, x2 = 0.4223767, x3 = (1 + 0.0512695 + 0)/3 = 0.3504232
        // clamp: x0 = (0 + 0 + 0.2158605)/3 = 0.0719535, x3 = (1 + 0.0512695 + 0.0512695)/3 = 0.3675130
        // normalised by min x0 and max x2.
        var img = Gray(0, 128, 255, 64);
        Assert.That(MaterialMaps.Height(img, 4, 1, wrap: true, blurRadius: 1),
                    Is.EqualTo(new[] { 0f, 0.9487305416f, 1f, 0.7841394999f }).Within(1e-6f));
        Assert.That(MaterialMaps.Height(img, 4, 1, wrap: false, blurRadius: 1),
                    Is.EqualTo(new[] { 0f, 0.9512309066f, 1f, 0.8434359141f }).Within(1e-6f));
    }

    // 4x3 height field for the Sobel checks.
    private static readonly float[] Field =
    {
        0.0f, 0.1f, 0.2f, 0.9f,
        0.3f, 0.5f, 0.4f, 0.8f,
        0.6f, 0.7f, 1.0f, 0.2f,
    };

    [Test]
    public void SobelNormalInsideTheImage()
    {
        // Pixel (1, 1): gx = (0.2 + 2·0.4 + 1.0) − (0.0 + 2·0.3 + 0.6) = 0.8, dh/dx = 0.1;
        //               gy = (0.6 + 2·0.7 + 1.0) − (0.0 + 2·0.1 + 0.2) = 2.6, dh/dy (down) = 0.325.
        // strength 2, OpenGL: (−0.2, +0.65, 1)/√1.4625 = (−0.1653796, 0.5374838, 0.8268982)
        // → (n·0.5 + 0.5)·255 = 106.41, 196.03, 232.93 → (106, 196, 233). Wrap and clamp agree away from the edge.
        foreach (bool wrap in new[] { true, false })
            Assert.That(PixelOf(MaterialMaps.NormalRgba8(Field, 4, 3, wrap, 2f, NormalConvention.OpenGL), 4, 1, 1),
                        Is.EqualTo(new byte[] { 106, 196, 233, 255 }), $"wrap {wrap}");
    }

    [Test]
    public void SobelNormalAtTheCornerWrapsOrClamps()
    {
        // Pixel (0, 0), wrap: left is column 3, up is row 2.
        //   gx = (0.7 + 2·0.1 + 0.5) − (0.2 + 2·0.9 + 0.8) = −1.4, dh/dx = −0.175
        //   gy = (0.8 + 2·0.3 + 0.5) − (0.2 + 2·0.6 + 0.7) = −0.2, dh/dy = −0.025
        //   OpenGL: (0.35, −0.05, 1)/√1.125 = (0.3299832, −0.0471405, 0.9428090) → 169.57, 121.49, 247.71
        // Pixel (0, 0), clamp: left is column 0, up is row 0.
        //   gx = (0.1 + 2·0.1 + 0.5) − (0.0 + 2·0.0 + 0.3) = 0.5, dh/dx = 0.0625
        //   gy = (0.3 + 2·0.3 + 0.5) − (0.0 + 2·0.0 + 0.1) = 1.3, dh/dy = 0.1625
        //   OpenGL: (−0.125, 0.325, 1)/√1.1718750 = (−0.1180480, 0.3069249, 0.9443843) → 112.45, 166.63, 247.91
        Assert.That(PixelOf(MaterialMaps.NormalRgba8(Field, 4, 3, wrap: true), 4, 0, 0), Is.EqualTo(new byte[] { 170, 121, 248, 255 }));
        Assert.That(PixelOf(MaterialMaps.NormalRgba8(Field, 4, 3, wrap: false), 4, 0, 0), Is.EqualTo(new byte[] { 112, 167, 248, 255 }));
        // DirectX negates y only: −0.0471405 → 133.51 → 134.
        Assert.That(PixelOf(MaterialMaps.NormalRgba8(Field, 4, 3, wrap: true, 2f, NormalConvention.DirectX), 4, 0, 0),
                    Is.EqualTo(new byte[] { 170, 134, 248, 255 }));
    }

    [Test]
    public void FlatImageGivesFlatMaps()
    {
        var img = Rgba(Enumerable.Repeat(new byte[] { 90, 140, 30 }, 15).ToArray());
        foreach (bool wrap in new[] { true, false })
        {
            var h = MaterialMaps.Height(img, 5, 3, wrap);
            Assert.That(h, Is.All.EqualTo(0.5f), "no relief: mid-grey");
            foreach (var convention in new[] { NormalConvention.OpenGL, NormalConvention.DirectX })
            {
                var n = MaterialMaps.NormalRgba8(h, 5, 3, wrap, 5f, convention);
                for (int p = 0; p < 15; p++) Assert.That(PixelOf(n, 5, p % 5, p / 5), Is.EqualTo(new byte[] { 128, 128, 255, 255 }));
            }
            Assert.That(MaterialMaps.Roughness(img, 5, 3, wrap), Is.All.EqualTo(0.5f));
            Assert.That(MaterialMaps.RoughnessRgba8(img, 5, 3, wrap).Where((_, i) => i % 4 != 3), Is.All.EqualTo((byte)128));
        }
    }

    [Test]
    public void HorizontalRampTiltsInXOnly()
    {
        // Height rising to the right faces left: red below 128; no change down the rows: green exactly 128.
        const int w = 8, h = 4;
        var ramp = new float[w * h];
        for (int p = 0; p < ramp.Length; p++) ramp[p] = (p % w) / (float)(w - 1);
        var clamp = MaterialMaps.NormalRgba8(ramp, w, h, wrap: false);
        for (int p = 0; p < w * h; p++)
        {
            Assert.That(clamp[p * 4], Is.LessThan(128), $"red at {p}");
            Assert.That(clamp[p * 4 + 1], Is.EqualTo(128), $"green at {p}");
            Assert.That(clamp[p * 4 + 2], Is.LessThan(255), $"blue at {p}");
        }
        // Inside, slope 1/7 per pixel, strength 2: (−2/7, 0, 1)/√(1 + 4/49) → red (−0.2747211·0.5 + 0.5)·255 = 92.47 → 92.
        Assert.That(clamp[(1 * w + 3) * 4], Is.EqualTo(92));
        // With wrap the first and last columns see the drop from 1 back to 0 across the edge, and face right.
        var wrapped = MaterialMaps.NormalRgba8(ramp, w, h, wrap: true);
        Assert.That(wrapped[0], Is.GreaterThan(128));
        Assert.That(wrapped[(w - 1) * 4], Is.GreaterThan(128));
        Assert.That(wrapped[3 * 4], Is.EqualTo(92));

        // Through Height from an albedo too: brighter to the right.
        var albedo = Gray(Enumerable.Range(0, w).Select(x => (byte)(30 * x)).ToArray());
        var fromAlbedo = MaterialMaps.NormalRgba8(MaterialMaps.Height(albedo, w, 1, wrap: false), w, 1, wrap: false);
        Assert.That(Enumerable.Range(0, w).Select(x => fromAlbedo[x * 4]), Is.All.LessThan(128));
        Assert.That(Enumerable.Range(0, w).Select(x => fromAlbedo[x * 4 + 1]), Is.All.EqualTo(128));
    }

    [Test]
    public void VerticalRampGreenFollowsTheConvention()
    {
        // Height rising down the rows faces the top of the image: green above 128 in OpenGL (+Y up), below in DirectX.
        const int w = 3, h = 6;
        var ramp = new float[w * h];
        for (int p = 0; p < ramp.Length; p++) ramp[p] = (p / w) / (float)(h - 1);
        var gl = MaterialMaps.NormalRgba8(ramp, w, h, wrap: false, 2f, NormalConvention.OpenGL);
        var dx = MaterialMaps.NormalRgba8(ramp, w, h, wrap: false, 2f, NormalConvention.DirectX);
        for (int p = 0; p < w * h; p++)
        {
            Assert.That(gl[p * 4], Is.EqualTo(128), "flat in x");
            Assert.That(gl[p * 4 + 1], Is.GreaterThan(128));
            Assert.That(dx[p * 4 + 1], Is.LessThan(128));
        }
    }

    [Test]
    public void DirectXDiffersFromOpenGLOnlyInGreen()
    {
        var field = RandomField(new System.Random(5), 9, 7);
        var gl = MaterialMaps.NormalRgba8(field, 9, 7, wrap: true, 3f, NormalConvention.OpenGL);
        var dx = MaterialMaps.NormalRgba8(field, 9, 7, wrap: true, 3f, NormalConvention.DirectX);
        int differing = 0;
        for (int p = 0; p < 9 * 7; p++)
        {
            Assert.That(dx[p * 4], Is.EqualTo(gl[p * 4]));
            Assert.That(dx[p * 4 + 2], Is.EqualTo(gl[p * 4 + 2]));
            Assert.That(dx[p * 4 + 3], Is.EqualTo(gl[p * 4 + 3]));
            // g and −g encode to bytes summing to 255 (256 only for a tie at exactly .5, which rounds up both ways).
            Assert.That(gl[p * 4 + 1] + dx[p * 4 + 1], Is.InRange(255, 256));
            if (gl[p * 4 + 1] != dx[p * 4 + 1]) differing++;
        }
        Assert.That(differing, Is.GreaterThan(50), "a random field tilts almost every pixel in y");
    }

    [Test]
    public void RoughnessIsNormalisedLocalContrast()
    {
        // 4x1 greys 0, 128, 255, 64 → linear l = 0, 0.2158605, 1, 0.0512695; radius 1: population standard deviation
        // over the 3 columns (the row repeats above and below, which leaves it unchanged).
        // wrap:  x0 {0.0512695, 0, 0.2158605} → 0.0920836, x1 {0, 0.2158605, 1} → 0.4296601,
        //        x2 {0.2158605, 1, 0.0512695} → 0.4139316, x3 {1, 0.0512695, 0} → 0.4597968 (the max)
        // clamp: x0 {0, 0, 0.2158605} → 0.1017576, x3 {1, 0.0512695, 0.0512695} → 0.4472359 (the max)
        var img = Gray(0, 128, 255, 64);
        Assert.That(MaterialMaps.Roughness(img, 4, 1, wrap: true, radius: 1),
                    Is.EqualTo(new[] { 0.2002702148f, 0.9344564860f, 0.9002489855f, 1f }).Within(1e-6f));
        Assert.That(MaterialMaps.Roughness(img, 4, 1, wrap: false, radius: 1),
                    Is.EqualTo(new[] { 0.2275256152f, 0.9607014346f, 0.9255331894f, 1f }).Within(1e-6f));
        Assert.That(MaterialMaps.RoughnessRgba8(img, 4, 1, wrap: true, radius: 1).Where((_, i) => i % 4 == 0),
                    Is.EqualTo(new byte[] { 51, 238, 230, 255 }));
    }

    [Test]
    public void WrappedMapsOfARolledImageAreTheRolledMapsExactly()
    {
        const int w = 16, h = 12, dx = 5, dy = 7;
        var rng = new System.Random(11);
        var img = new byte[w * h * 4];
        rng.NextBytes(img);
        var rolled = Roll(img, w, h, 4, dx, dy);

        foreach (int blur in new[] { 0, 1, 2 })
        {
            var height = MaterialMaps.Height(img, w, h, wrap: true, blur);
            var heightOfRolled = MaterialMaps.Height(rolled, w, h, wrap: true, blur);
            Assert.That(heightOfRolled, Is.EqualTo(Roll(height, w, h, 1, dx, dy)), $"height, blur {blur}");
            Assert.That(MaterialMaps.HeightRgba8(rolled, w, h, true, blur), Is.EqualTo(Roll(MaterialMaps.HeightRgba8(img, w, h, true, blur), w, h, 4, dx, dy)));
            foreach (var convention in new[] { NormalConvention.OpenGL, NormalConvention.DirectX })
                Assert.That(MaterialMaps.NormalRgba8(heightOfRolled, w, h, true, 4f, convention),
                            Is.EqualTo(Roll(MaterialMaps.NormalRgba8(height, w, h, true, 4f, convention), w, h, 4, dx, dy)), $"normal, blur {blur}, {convention}");
        }
        Assert.That(MaterialMaps.Roughness(rolled, w, h, true, 2), Is.EqualTo(Roll(MaterialMaps.Roughness(img, w, h, true, 2), w, h, 1, dx, dy)));

        // Clamping treats the edges specially, so the same comparison fails without wrap: the test can tell.
        Assert.That(MaterialMaps.Height(rolled, w, h, wrap: false, 1), Is.Not.EqualTo(Roll(MaterialMaps.Height(img, w, h, wrap: false, 1), w, h, 1, dx, dy)));
    }

    [Test]
    public void SeamlessAlbedoGivesNormalsWithoutASeam()
    {
        // A tileable albedo (whole periods of smooth waves across the image, plus a little noise). With wrap the
        // normal map's wrap edge differs like neighbouring pixels inside do; clamping shows a seam.
        const int w = 32, h = 32;
        var rng = new System.Random(2);
        var img = new byte[w * h * 4];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double v = 120 + 70 * Math.Sin(2 * Math.PI * 2 * x / w + 0.7) * Math.Cos(2 * Math.PI * y / h + 1.9) + 40 * Math.Sin(2 * Math.PI * 3 * y / h + 0.4) + rng.Next(-3, 4);
                byte b = (byte)Math.Clamp(Math.Round(v), 0, 255);
                img[(y * w + x) * 4] = img[(y * w + x) * 4 + 1] = img[(y * w + x) * 4 + 2] = b;
                img[(y * w + x) * 4 + 3] = 255;
            }
        var (albedoSeam, albedoInside) = Seam(img, w, h);
        Assert.That(albedoSeam, Is.LessThan(1.5 * albedoInside), "the input tiles");

        var wrapped = MaterialMaps.NormalRgba8(MaterialMaps.Height(img, w, h, true), w, h, true, 8f);
        var clamped = MaterialMaps.NormalRgba8(MaterialMaps.Height(img, w, h, false), w, h, false, 8f);
        var (wSeam, wInside) = Seam(wrapped, w, h);
        var (cSeam, cInside) = Seam(clamped, w, h);
        TestContext.Out.WriteLine($"mean |Δ| normal bytes: wrap seam {wSeam:F2} vs inside {wInside:F2}; clamp seam {cSeam:F2} vs inside {cInside:F2}");
        // Measured: wrap seam 8.0 vs inside 11.9; clamp seam 15.5 vs inside 11.3.
        Assert.That(wSeam, Is.LessThan(1.2 * wInside), "wrap: the edge is like the inside");
        Assert.That(cSeam, Is.GreaterThan(1.2 * cInside), "clamp: the metric sees the seam");
        Assert.That(cSeam, Is.GreaterThan(1.5 * wSeam));
    }

    [Test]
    public void BadArgumentsNameTheParameter()
    {
        var img = new byte[2 * 3 * 4];
        var field = new float[6];
        Expect("rgba8", () => MaterialMaps.Height((byte[])null!, 2, 3, true));
        Expect("rgba8", () => MaterialMaps.Height(new byte[23], 2, 3, true));
        Expect("width", () => MaterialMaps.Height(img, 0, 3, true));
        Expect("height", () => MaterialMaps.Height(img, 2, -3, true));
        Expect("blurRadius", () => MaterialMaps.Height(img, 2, 3, true, -1));
        Expect("rgba8", () => MaterialMaps.HeightRgba8(new byte[4], 2, 3, true));
        Expect("rgba8", () => MaterialMaps.RoughnessRgba8((byte[])null!, 2, 3, true));
        Expect("radius", () => MaterialMaps.Roughness(img, 2, 3, true, 0));
        Expect("width", () => MaterialMaps.Roughness(img, -2, 3, true));
        Expect("height01", () => MaterialMaps.NormalRgba8((float[])null!, 2, 3, true));
        Expect("height01", () => MaterialMaps.NormalRgba8(new float[5], 2, 3, true));
        Expect("height01", () => MaterialMaps.NormalRgba8(new[] { 0f, 1, float.NaN, 0, 0, 0 }, 2, 3, true));
        Expect("height", () => MaterialMaps.NormalRgba8(field, 2, 0, true));
        Expect("strength", () => MaterialMaps.NormalRgba8(field, 2, 3, true, float.NaN));
        Expect("strength", () => MaterialMaps.NormalRgba8(field, 2, 3, true, -1f));
        Expect("strength", () => MaterialMaps.NormalRgba8(field, 2, 3, true, float.PositiveInfinity));
        Expect("convention", () => MaterialMaps.NormalRgba8(field, 2, 3, true, 1f, (NormalConvention)7));
        Expect("values01", () => MaterialMaps.GrayRgba8(new[] { 0f, float.PositiveInfinity, 0, 0, 0, 0 }, 2, 3));
        Assert.DoesNotThrow(() => MaterialMaps.NormalRgba8(field, 2, 3, true, 0f));
    }

    private static void Expect(string param, Action call)
    {
        var ex = Assert.Catch<ArgumentException>(call, param);
        Assert.That(ex!.ParamName, Is.EqualTo(param));
        // The message itself says which argument is wrong, not only the "(Parameter '…')" suffix .NET appends.
        Assert.That(ex.Message.Replace($"(Parameter '{param}')", ""), Does.Contain(param));
    }

    /// <summary>dest[y, x] = src[(y − dy) mod h, (x − dx) mod w]: the content moves right by dx and down by dy.</summary>
    private static T[] Roll<T>(T[] src, int w, int h, int stride, int dx, int dy)
    {
        var dst = new T[src.Length];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                Array.Copy(src, ((((y - dy) % h + h) % h) * w + ((x - dx) % w + w) % w) * stride, dst, (y * w + x) * stride, stride);
        return dst;
    }

    /// <summary>Mean |Δ| of RGB bytes across the wrap edge (last/first column and row) and between neighbours inside.</summary>
    private static (double Seam, double Inside) Seam(byte[] rgba, int w, int h)
    {
        double At(int x, int y, int c) => rgba[(y * w + x) * 4 + c];
        double seam = 0, inside = 0;
        int ns = 0, ni = 0;
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < h; y++, ns++)
            {
                seam += Math.Abs(At(w - 1, y, c) - At(0, y, c));
                for (int x = 0; x + 1 < w; x++, ni++) inside += Math.Abs(At(x + 1, y, c) - At(x, y, c));
            }
            for (int x = 0; x < w; x++, ns++)
            {
                seam += Math.Abs(At(x, h - 1, c) - At(x, 0, c));
                for (int y = 0; y + 1 < h; y++, ni++) inside += Math.Abs(At(x, y + 1, c) - At(x, y, c));
            }
        }
        return (seam / ns, inside / ni);
    }

    private static float[] RandomField(System.Random rng, int w, int h) => Enumerable.Range(0, w * h).Select(_ => (float)rng.NextDouble()).ToArray();

    private static byte[] Gray(params byte[] values) => Rgba(values.Select(v => new[] { v, v, v }).ToArray());

    private static byte[] Rgba(params byte[][] rgb) => rgb.SelectMany(p => new[] { p[0], p[1], p[2], (byte)255 }).ToArray();

    private static byte[] PixelOf(byte[] rgba, int w, int x, int y) => rgba.Skip((y * w + x) * 4).Take(4).ToArray();
}
