using System;
using System.IO;
using System.Linq;
using System.Numerics;
using DiTPlugin.Samples.DemoScene;
using DiTPlugin.Samples.DemoScene.Rendering;
using DiTPlugin.Textures;
using DiTPlugin.Vulkan;
using DiTPlugin.TestSupport;
using NUnit.Framework;
using StbImageSharp;

namespace DiTPlugin.Samples.DemoScene.Tests
{
    /// <summary>
    /// The demo scene end to end with the shipped model: textures generated a few steps per frame and streamed into
    /// the backend's textures, the room rendered offscreen, the screenshot written. Run on the CPU backend always and
    /// on Vulkan where a device exists (lavapipe in CI).
    /// </summary>
    public class DemoSceneTests
    {
        private const int W = 320, H = 180;

        [Test]
        public void DemoWritesAScreenshotOfTheTexturedRoom([Values("cpu", "vulkan", "d3d12")] string backend)
        {
            if (backend == "vulkan") _ = VulkanSetup.Device;          // ignored, with the reason, where there is no Vulkan
            if (backend == "d3d12") _ = D3D12Setup.Device;            // likewise without vkd3d (or d3d12.dll)
            var dir = Directory.CreateTempSubdirectory("demoscene-").FullName;
            try
            {
                var log = new StringWriter();
                var result = DemoRun.Run(new DemoOptions
                {
                    Model = RepoPaths.Find("models/openarena-textures/package"), OutDir = dir, Width = W, Height = H,
                    Steps = 10, PreviewEvery = 3,
                    Backend = backend switch { "cpu" => DemoBackendKind.Cpu, "vulkan" => DemoBackendKind.Vulkan, _ => DemoBackendKind.D3D12 },
                }, log);
                TestContext.Out.WriteLine(log.ToString().Split('\n').Where(l => !l.StartsWith("  frame")).Aggregate((a, b) => a + "\n" + b));
                Assert.That(result.Backend, Does.StartWith(backend switch { "cpu" => "CPU", "vulkan" => "Vulkan", _ => "D3D12 textures" }));
                Assert.That(result.Steps, Is.EqualTo(8 * 10), "8 textures x 10 steps");

                var shot = ImageResult.FromMemory(File.ReadAllBytes(result.Screenshot), ColorComponents.RedGreenBlueAlpha);
                Assert.That((shot.Width, shot.Height), Is.EqualTo((W, H)));
                var clear = SceneLayout.ClearLinear;
                var clearSrgb = new[] { clear.X, clear.Y, clear.Z }.Select(c => Imaging.ImageConverter.ToByte(Imaging.ImageConverter.LinearToSrgb(c))).ToArray();
                // The top-left corner sees only the background.
                Assert.That(Patch(shot, 2, 2).Mean, Is.EqualTo(clearSrgb.Select(b => (double)b).ToArray()).Within(1.5), "background is the clear colour");
                // Each surface's centre: a textured region (varying texels) whose colour is not the clear colour.
                foreach (var (name, world) in new[] { ("floor", new Vector3(0, 0, 1.5f)), ("back wall", new Vector3(0, 0.6f, -4)),
                                                      ("left wall", new Vector3(-4, 2, 1.5f)), ("right wall", new Vector3(4, 2, 1.5f)),
                                                      ("panel 2", new Vector3(-0.9f, 2.3f, -3.95f)) })
                {
                    var at = SceneLayout.Project(world, W, H);
                    var (mean, spread) = Patch(shot, (int)at.X, (int)at.Y);
                    double fromClear = mean.Zip(clearSrgb, (m, c) => Math.Abs(m - c)).Max();
                    TestContext.Out.WriteLine($"{name} at ({at.X:F0},{at.Y:F0}): mean RGB ({mean[0]:F0},{mean[1]:F0},{mean[2]:F0}), spread {spread:F1}, {fromClear:F0} levels from the clear colour");
                    Assert.That(fromClear, Is.GreaterThan(20), $"{name} is drawn");
                    if (name != "panel 2") Assert.That(spread, Is.GreaterThan(2), $"{name} shows a texture, not a flat colour");
                }

                var strip = ImageResult.FromMemory(File.ReadAllBytes(result.Progression), ColorComponents.RedGreenBlueAlpha);
                Assert.That((strip.Width, strip.Height), Is.EqualTo((4 * 128 + 3 * 4, 128)), "previews after steps 3, 6, 9 and the final, each 128 pixels wide (the upscaled 128x128, or 4x a 32x32)");
                Assert.That(File.Exists(Path.Combine(dir, "screenshot_early.png")), Is.True);
                Assert.That(Directory.GetFiles(Path.Combine(dir, "textures"), "*.png"), Has.Length.EqualTo(8));
                Assert.That(File.ReadAllLines(Path.Combine(dir, "frames.csv")), Has.Length.EqualTo(result.Frames + 1));
            }
            finally { Directory.Delete(dir, true); }
        }

        [Test]
        public void CpuFallbackDrawsWhatTheGpuDraws()
        {
            var device = VulkanSetup.Device;
            var settings = new TextureSettings(mipmaps: true);
            var layout = new TextureLayout(16, 16, settings);
            var rng = new System.Random(5);
            var chw = Enumerable.Range(0, 3 * 256).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var bytes = TextureEncoder.Encode(chw, 3, "sRGB", layout);
            using var gpuTexture = new VulkanTextureTarget(device, settings);
            var cpuTexture = new CpuTextureTarget(settings);
            foreach (ITextureTarget t in new ITextureTarget[] { gpuTexture, cpuTexture })
            {
                t.Allocate(layout);
                t.Write(TestData.Update(layout, bytes, isFinal: true));
            }
            // A quad seen at an angle, magnified (each texel covers many pixels, so level 0 is what both sample), tiled twice.
            var quads = new[] { new SceneQuad(new Vector3(-2, -1.2f, 0), new Vector3(4, 0, 0), new Vector3(0, 2.4f, -1.5f), 0, repeat: 2f, shade: 0.9f) };
            var vp = Matrix4x4.CreateLookAt(new Vector3(0, 0, 3), Vector3.Zero, Vector3.UnitY)
                     * Matrix4x4.CreatePerspectiveFieldOfView(1f, 4f / 3f, 0.1f, 10f) * Matrix4x4.CreateScale(1, -1, 1);
            var clear = new Vector4(0.1f, 0.2f, 0.3f, 1);
            using var gpu = new VulkanSceneRenderer(device, 160, 120, new[] { gpuTexture });
            using var cpu = new CpuSceneRenderer(160, 120, new[] { cpuTexture });
            var a = gpu.Render(vp, quads, clear);
            var b = cpu.Render(vp, quads, clear);
            var diffs = a.Zip(b, (x, y) => Math.Abs(x - y)).ToArray();
            double mean = diffs.Average();
            int large = diffs.Count(d => d > 24);
            TestContext.Out.WriteLine($"CPU vs Vulkan ({device.DeviceName}): mean |diff| {mean:F2} levels, {large} of {diffs.Length} bytes over 24 (edges)");
            Assert.That(mean, Is.LessThan(1.5));
            Assert.That(large, Is.LessThan(diffs.Length / 100), "only pixels on triangle and texel edges may differ much");
        }

        [Test]
        public void D3D12BackendDrawsExactlyWhatTheCpuBackendDraws()
        {
            // The D3D12 backend renders on the CPU from what it reads back out of the GPU textures, so with the same
            // texture bytes its frame must equal the CPU backend's byte for byte: any change on the way through the
            // GPU (a lost level, a row pitch slip, a missed upload) shows here.
            _ = D3D12Setup.Device;
            var settings = new TextureSettings(mipmaps: true);
            var layout = new TextureLayout(37, 20, settings);
            var rng = new System.Random(9);
            var chw = Enumerable.Range(0, 3 * 37 * 20).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            var bytes = TextureEncoder.Encode(chw, 3, "sRGB", layout);
            using var d3d12 = DemoRun.ChooseBackend(DemoBackendKind.D3D12, TextWriter.Null);
            var gpuTexture = d3d12.CreateTarget(settings);
            var grey = d3d12.CreateTarget(settings);                  // allocated, never written: mid-grey on both
            var cpuTexture = new CpuTextureTarget(settings);
            var cpuGrey = new CpuTextureTarget(settings);
            foreach (var t in new[] { gpuTexture, grey, cpuTexture, cpuGrey }) t.Allocate(layout);
            gpuTexture.Write(TestData.Update(layout, bytes, isFinal: true));
            cpuTexture.Write(TestData.Update(layout, bytes, isFinal: true));
            var quads = new[]
            {
                new SceneQuad(new Vector3(-2, -1.2f, 0), new Vector3(2, 0, 0), new Vector3(0, 2.4f, -1.5f), 0, repeat: 2f, shade: 0.9f),
                new SceneQuad(new Vector3(0, -1.2f, 0), new Vector3(2, 0, 0), new Vector3(0, 2.4f, -1.5f), 1, repeat: 1f, shade: 1f),
            };
            var vp = Matrix4x4.CreateLookAt(new Vector3(0, 0, 3), Vector3.Zero, Vector3.UnitY)
                     * Matrix4x4.CreatePerspectiveFieldOfView(1f, 4f / 3f, 0.1f, 10f) * Matrix4x4.CreateScale(1, -1, 1);
            var clear = new Vector4(0.1f, 0.2f, 0.3f, 1);
            using var viaGpu = (D3D12ReadbackRenderer)d3d12.CreateRenderer(160, 120, new[] { gpuTexture, grey });
            using var cpu = new CpuSceneRenderer(160, 120, new[] { cpuTexture, cpuGrey });

            var a = viaGpu.Render(vp, quads, clear);
            var b = cpu.Render(vp, quads, clear);
            var again = viaGpu.Render(vp, quads, clear);

            Assert.That(a, Is.EqualTo(b));
            Assert.That(again, Is.EqualTo(a));
            Assert.That(viaGpu.Readbacks, Is.EqualTo(1), "only the written texture is read back, and only once while it does not change");
        }

        /// <summary>Mean RGB and mean per-channel standard deviation over a 7x7 patch centred at (x, y).</summary>
        private static (double[] Mean, double Spread) Patch(ImageResult img, int cx, int cy)
        {
            var px = Enumerable.Range(-3, 7).SelectMany(dy => Enumerable.Range(-3, 7).Select(dx => (X: Math.Clamp(cx + dx, 0, img.Width - 1), Y: Math.Clamp(cy + dy, 0, img.Height - 1))))
                .Select(p => new[] { 0, 1, 2 }.Select(c => (double)img.Data[(p.Y * img.Width + p.X) * 4 + c]).ToArray()).ToArray();
            var mean = new[] { 0, 1, 2 }.Select(c => px.Average(p => p[c])).ToArray();
            double spread = new[] { 0, 1, 2 }.Average(c => Math.Sqrt(px.Average(p => (p[c] - mean[c]) * (p[c] - mean[c]))));
            return (mean, spread);
        }
    }
}
