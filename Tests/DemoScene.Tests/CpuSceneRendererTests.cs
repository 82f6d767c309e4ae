using System;
using System.Numerics;
using DiTPlugin.Samples.DemoScene.Rendering;
using DiTPlugin.Textures;
using DiTPlugin.TestSupport;
using NUnit.Framework;
using static DiTPlugin.Samples.DemoScene.Tests.SceneFrames;

namespace DiTPlugin.Samples.DemoScene.Tests
{
    /// <summary>
    /// The demo's CPU fallback renderer against the same hand-computed frames as the Vulkan renderer's tests; these
    /// need no Vulkan device, so they run on every machine.
    /// </summary>
    public sealed class CpuSceneRendererTests
    {
        private static CpuTextureTarget Texture(int w, int h, params byte[][] texels)
        {
            var layout = new TextureLayout(w, h, new TextureSettings());
            var t = new CpuTextureTarget(layout.Settings);
            t.Allocate(layout);
            var data = new byte[layout.ByteSize];
            for (int i = 0; i < texels.Length; i++) Array.Copy(texels[i], 0, data, 4 * i, 4);
            t.Write(TestData.Update(layout, data, isFinal: true));
            return t;
        }

        [Test]
        public void QuadrantsClearDepthRepeatAndShade()
        {
            var quadrants = Texture(2, 2, Red, Green, Blue, White);
            var white = Texture(1, 1, White);
            using var r = new CpuSceneRenderer(10, 10, new[] { quadrants, white });
            var frame = r.Render(Matrix4x4.Identity, new[] { FullScreen(0) }, Clear);
            AssertPixel(frame, 10, 2, 2, Red);
            AssertPixel(frame, 10, 7, 2, Green);
            AssertPixel(frame, 10, 2, 7, Blue);
            AssertPixel(frame, 10, 7, 7, White);

            var empty = r.Render(Matrix4x4.Identity, Array.Empty<SceneQuad>(), Clear);
            AssertPixel(empty, 10, 5, 5, ClearBytes);

            // The nearer quad (depth 0.2) wins whichever is drawn last.
            foreach (var order in new[] { new[] { FullScreen(0, 0.2f), FullScreen(1, 0.7f) }, new[] { FullScreen(1, 0.7f), FullScreen(0, 0.2f) } })
                AssertPixel(r.Render(Matrix4x4.Identity, order, Clear), 10, 2, 2, Red);

            // Repeat 2 on a 20-pixel frame: texel centres at pixels 2, 7 (first copy) and 12, 17 (second copy).
            using var big = new CpuSceneRenderer(20, 20, new[] { quadrants });
            var tiled = big.Render(Matrix4x4.Identity, new[] { FullScreen(0, repeat: 2f) }, Clear);
            AssertPixel(tiled, 20, 2, 2, Red);
            AssertPixel(tiled, 20, 12, 2, Red);
            AssertPixel(tiled, 20, 17, 17, White);

            // Shade 0.25 on white, in linear light: 1.055·0.25^(1/2.4) − 0.055 = 0.5371 → 137.
            var shaded = r.Render(Matrix4x4.Identity, new[] { FullScreen(1, shade: 0.25f) }, Clear);
            AssertPixel(shaded, 10, 5, 5, new byte[] { 137, 137, 137, 255 });
        }

        [Test]
        public void UnwrittenTexturesAreGreyAndBadIndicesAreNamed()
        {
            var layout = new TextureLayout(4, 4, new TextureSettings());
            var pending = new CpuTextureTarget(layout.Settings);
            pending.Allocate(layout);
            using var r = new CpuSceneRenderer(4, 4, new[] { pending });
            AssertPixel(r.Render(Matrix4x4.Identity, new[] { FullScreen(0) }, Clear), 4, 1, 1, new byte[] { 128, 128, 128, 255 });
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => r.Render(Matrix4x4.Identity, new[] { FullScreen(3) }, Clear));
            Assert.That(e!.Message, Does.Contain("1 textures"));
            Assert.Throws<ArgumentException>(() => new CpuSceneRenderer(4, 4, new[] { new CpuTextureTarget(TextureSettings.Unity()) }));
        }
    }
}
