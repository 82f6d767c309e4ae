using System;
using System.Numerics;
using DiTPlugin.Samples.DemoScene.Rendering;
using DiTPlugin.Textures;
using DiTPlugin.Vulkan;
using DiTPlugin.TestSupport;
using NUnit.Framework;
using static DiTPlugin.Samples.DemoScene.Tests.SceneFrames;

namespace DiTPlugin.Samples.DemoScene.Tests
{
    /// <summary>
    /// The demo's Vulkan renderer against hand-computed frames. Quads in these tests span clip space directly, so a
    /// pixel's texture coordinate is known; checks sample texel centres (where linear filtering returns the texel
    /// exactly) and allow ±1 for rasteriser and sRGB rounding. Textures are sRGB, so 0 and 255 pass through unchanged.
    /// </summary>
    public sealed class VulkanSceneRendererTests
    {
        /// <summary>Top row red, green; bottom row blue, white.</summary>
        private static VulkanTextureTarget Quadrants(VulkanDevice device) => Texture(device, 2, 2, Red, Green, Blue, White);

        [Test]
        public void A_full_screen_quad_shows_each_texel_in_its_quadrant()
        {
            var device = VulkanSetup.Device;
            using var texture = Quadrants(device);
            using var renderer = new VulkanSceneRenderer(device, 10, 10, new[] { texture });
            TestContext.Out.WriteLine(renderer.Name);

            var frame = renderer.Render(Matrix4x4.Identity, new[] { FullScreen(0) }, Clear);

            Assert.That(frame.Length, Is.EqualTo(10 * 10 * 4));
            // Pixel centre (x + 0.5)/10 = 0.25 at x = 2 and 0.75 at x = 7: the texel centres.
            AssertPixel(frame, 10, 2, 2, Red);
            AssertPixel(frame, 10, 7, 2, Green);
            AssertPixel(frame, 10, 2, 7, Blue);
            AssertPixel(frame, 10, 7, 7, White);
        }

        [Test]
        public void Nothing_drawn_leaves_the_clear_colour_encoded_as_srgb()
        {
            var device = VulkanSetup.Device;
            using var texture = Quadrants(device);
            using var renderer = new VulkanSceneRenderer(device, 6, 4, new[] { texture });

            var frame = renderer.Render(Matrix4x4.Identity, Array.Empty<SceneQuad>(), Clear);

            for (int y = 0; y < 4; y++)
                for (int x = 0; x < 6; x++) AssertPixel(frame, 6, x, y, ClearBytes);
        }

        [Test]
        public void The_raw_numerics_matrix_transforms_as_row_vectors_into_y_down_clip_space()
        {
            var device = VulkanSetup.Device;
            using var texture = Quadrants(device);
            using var renderer = new VulkanSceneRenderer(device, 20, 20, new[] { texture });
            // p·S·T: halve, then move by +0.5 in x and y. Translation sits in M41..M43, so a shader reading the matrix
            // the other way round would put it into w instead. +y is down in Vulkan clip space: the bottom-right quarter.
            var vp = Matrix4x4.CreateScale(0.5f, 0.5f, 1f) * Matrix4x4.CreateTranslation(0.5f, 0.5f, 0f);

            var frame = renderer.Render(vp, new[] { FullScreen(0) }, Clear);

            // The quad spans pixels 10..19; texel centres at 10 + 2.5 − 0.5 = 12 and 17.
            AssertPixel(frame, 20, 12, 12, Red);
            AssertPixel(frame, 20, 17, 12, Green);
            AssertPixel(frame, 20, 12, 17, Blue);
            AssertPixel(frame, 20, 17, 17, White);
            AssertPixel(frame, 20, 5, 5, ClearBytes);
            AssertPixel(frame, 20, 15, 5, ClearBytes);
            AssertPixel(frame, 20, 5, 15, ClearBytes);
        }

        [TestCase(true)]
        [TestCase(false)]
        public void The_nearer_quad_hides_the_farther_one_whatever_the_draw_order(bool nearFirst)
        {
            var device = VulkanSetup.Device;
            using var red = Texture(device, 1, 1, Red);
            using var blue = Texture(device, 1, 1, Blue);
            using var renderer = new VulkanSceneRenderer(device, 8, 8, new[] { red, blue });
            // Near (depth 0.25, red) covers the left half only; far (depth 0.75, blue) covers everything.
            var near = new SceneQuad(new Vector3(-1, -1, 0.25f), new Vector3(1, 0, 0), new Vector3(0, 2, 0), texture: 0);
            var far = FullScreen(1, z: 0.75f);

            var frame = renderer.Render(Matrix4x4.Identity, nearFirst ? new[] { near, far } : new[] { far, near }, Clear);

            for (int y = 0; y < 8; y++)
            {
                AssertPixel(frame, 8, 1, y, Red);
                AssertPixel(frame, 8, 6, y, Blue);
            }
        }

        [Test]
        public void Repeat_two_shows_the_pattern_twice_across_and_down()
        {
            var device = VulkanSetup.Device;
            using var texture = Quadrants(device);
            using var renderer = new VulkanSceneRenderer(device, 20, 20, new[] { texture });

            var frame = renderer.Render(Matrix4x4.Identity, new[] { FullScreen(0, repeat: 2) }, Clear);

            // u = 2·(x + 0.5)/20: texel centres 0.25, 0.75, 1.25, 1.75 at x = 2, 7, 12, 17.
            foreach (int oy in new[] { 0, 10 })
                foreach (int ox in new[] { 0, 10 })
                {
                    AssertPixel(frame, 20, ox + 2, oy + 2, Red);
                    AssertPixel(frame, 20, ox + 7, oy + 2, Green);
                    AssertPixel(frame, 20, ox + 2, oy + 7, Blue);
                    AssertPixel(frame, 20, ox + 7, oy + 7, White);
                }
        }

        [Test]
        public void Shade_multiplies_in_linear_light()
        {
            var device = VulkanSetup.Device;
            using var white = Texture(device, 1, 1, White);
            using var renderer = new VulkanSceneRenderer(device, 4, 4, new[] { white });

            var frame = renderer.Render(Matrix4x4.Identity, new[] { FullScreen(0, shade: 0.25f) }, Clear);

            // Linear 0.25 → sRGB 1.055·0.25^(1/2.4) − 0.055 = 0.5371 → 137 (an sRGB-space multiply would give 64).
            AssertPixel(frame, 4, 1, 1, new byte[] { 137, 137, 137, 255 });
        }

        [Test]
        public void A_texture_without_data_is_grey_and_later_data_and_sizes_show_up()
        {
            var device = VulkanSetup.Device;
            var settings = new TextureSettings(TextureFormat.Rgba8, TextureColorSpace.Srgb);
            using var texture = new VulkanTextureTarget(device, settings);
            using var renderer = new VulkanSceneRenderer(device, 10, 10, new[] { texture });
            var quads = new[] { FullScreen(0) };
            byte[] grey = { 128, 128, 128, 255 };

            AssertPixel(renderer.Render(Matrix4x4.Identity, quads, Clear), 10, 5, 5, grey);          // not allocated: placeholder

            var one = new TextureLayout(1, 1, settings);
            texture.Allocate(one);
            AssertPixel(renderer.Render(Matrix4x4.Identity, quads, Clear), 10, 5, 5, grey);          // allocated, no write yet
            texture.Write(TestData.Update(one, Green));
            AssertPixel(renderer.Render(Matrix4x4.Identity, quads, Clear), 10, 5, 5, Green);

            var two = new TextureLayout(2, 2, settings);                                               // reallocated: a new view
            texture.Allocate(two);
            texture.Write(TestData.Update(two, new byte[] { 255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255 }));
            var frame = renderer.Render(Matrix4x4.Identity, quads, Clear);
            AssertPixel(frame, 10, 2, 2, Red);
            AssertPixel(frame, 10, 7, 7, White);
        }

        [Test]
        public void Minification_samples_the_uploaded_mip_level()
        {
            var device = VulkanSetup.Device;
            // 8x8 with mips, level 2 (2x2) blue and every other level red: a 2x2 frame maps 4 texels to a pixel, so
            // the sampler picks level 2 (λ = log2 4) and the frame is blue only if the mips were uploaded in place.
            var layout = new TextureLayout(8, 8, new TextureSettings(TextureFormat.Rgba8, TextureColorSpace.Srgb, RowOrder.TopDown, mipmaps: true));
            var data = new byte[layout.ByteSize];
            for (int l = 0; l < layout.MipCount; l++)
                for (long i = layout.MipOffset(l); i < layout.MipOffset(l) + layout.MipByteSize(l); i += 4)
                    (l == 2 ? Blue : Red).CopyTo(data, i);
            using var texture = new VulkanTextureTarget(device, layout.Settings);
            texture.Allocate(layout);
            texture.Write(TestData.Update(layout, data));
            using var renderer = new VulkanSceneRenderer(device, 2, 2, new[] { texture });

            var frame = renderer.Render(Matrix4x4.Identity, new[] { FullScreen(0) }, Clear);

            for (int y = 0; y < 2; y++)
                for (int x = 0; x < 2; x++) AssertPixel(frame, 2, x, y, Blue, tolerance: 3);
        }

        [Test]
        public void Bad_input_is_refused_with_the_valid_range()
        {
            var device = VulkanSetup.Device;
            using var texture = Texture(device, 1, 1, Red);
            Assert.Throws<ArgumentOutOfRangeException>(() => new VulkanSceneRenderer(device, 0, 10, new[] { texture }));
            Assert.Throws<ArgumentException>(() => new VulkanSceneRenderer(device, 4, 4, new VulkanTextureTarget[] { null! }));
            using var renderer = new VulkanSceneRenderer(device, 4, 4, new[] { texture });
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => renderer.Render(Matrix4x4.Identity, new[] { FullScreen(1) }, Clear));
            Assert.That(e!.Message, Does.Contain("texture 1").And.Contain("0..0"));
        }
            [Test]
        public void Frames_rendered_while_another_thread_writes_never_show_a_torn_texture()
        {
            // The job thread writes solid red / green over and over while frames render: each frame holds the target,
            // so it sees one whole upload (or the grey it starts with), never a mix; the last write shows afterwards.
            var device = VulkanSetup.Device;
            var layout = new TextureLayout(16, 16, new TextureSettings(TextureFormat.Rgba8, TextureColorSpace.Srgb, RowOrder.TopDown, mipmaps: true));
            byte[] Solid(byte[] texel) { var d = new byte[layout.ByteSize]; for (int i = 0; i < d.Length; i += 4) texel.CopyTo(d, i); return d; }
            byte[] red = Solid(Red), green = Solid(Green), blue = Solid(Blue);
            using var texture = new VulkanTextureTarget(device, layout.Settings);
            texture.Allocate(layout);
            using var renderer = new VulkanSceneRenderer(device, 8, 8, new[] { texture });
            var quads = new[] { FullScreen(0) };

            var writer = System.Threading.Tasks.Task.Run(() =>
            {
                for (int i = 0; i < 200; i++) texture.Write(TestData.Update(layout, i % 2 == 0 ? red : green, step: i));
                texture.Write(TestData.Update(layout, blue, isFinal: true));
            });
            var seen = new System.Collections.Generic.HashSet<string>();
            while (!writer.IsCompleted)
            {
                var frame = renderer.Render(Matrix4x4.Identity, quads, Clear);
                var first = Pixel(frame, 8, 0, 0);
                Assert.That(first, Is.EqualTo(Red).Or.EqualTo(Green).Or.EqualTo(Blue).Or.EqualTo(new byte[] { 128, 128, 128, 255 }));
                for (int y = 0; y < 8; y++)
                    for (int x = 0; x < 8; x++) AssertPixel(frame, 8, x, y, first, tolerance: 0);
                seen.Add(string.Join(",", first));
            }
            writer.Wait();
            TestContext.Out.WriteLine($"colours seen while writing: {string.Join(" | ", seen)}");

            AssertPixel(renderer.Render(Matrix4x4.Identity, quads, Clear), 8, 4, 4, Blue, tolerance: 0);
            Assert.That(texture.Version, Is.EqualTo(201));
            Assert.That(texture.IsFinal, Is.True);
        }
    }
}
