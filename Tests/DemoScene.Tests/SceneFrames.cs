using System.Numerics;
using DiTPlugin.Samples.DemoScene.Rendering;
using DiTPlugin.Textures;
using DiTPlugin.Vulkan;
using DiTPlugin.TestSupport;
using NUnit.Framework;

namespace DiTPlugin.Samples.DemoScene.Tests
{
    /// <summary>Textures made from literal texels, and pixel checks on rendered frames (RGBA8, top row first).</summary>
    internal static class SceneFrames
    {
        public static readonly byte[] Red = { 255, 0, 0, 255 }, Green = { 0, 255, 0, 255 }, Blue = { 0, 0, 255, 255 }, White = { 255, 255, 255, 255 };

        /// <summary>The background of the renderer tests, linear RGBA.</summary>
        public static readonly Vector4 Clear = new Vector4(0.2f, 0.4f, 0.6f, 1f);
        /// <summary>Clear in sRGB bytes: 1.055·l^(1/2.4) − 0.055 → 0.4845, 0.6652, 0.7977 → ·255 rounded.</summary>
        public static readonly byte[] ClearBytes = { 124, 170, 203, 255 };

        /// <summary>Covers clip x, y ∈ [−1, 1] at depth z with the identity matrix: uv (0,0) at the top-left pixel.</summary>
        public static SceneQuad FullScreen(int texture, float z = 0.5f, float repeat = 1f, float shade = 1f) =>
            new SceneQuad(new Vector3(-1, -1, z), new Vector3(2, 0, 0), new Vector3(0, 2, 0), texture, repeat, shade);

        /// <summary>An allocated and written Rgba8 sRGB texture, texels given row by row from the top.</summary>
        public static VulkanTextureTarget Texture(VulkanDevice device, int width, int height, params byte[][] texels)
        {
            var layout = new TextureLayout(width, height, new TextureSettings(TextureFormat.Rgba8, TextureColorSpace.Srgb));
            var data = new byte[layout.ByteSize];
            for (int i = 0; i < texels.Length; i++) texels[i].CopyTo(data, i * 4);
            var target = new VulkanTextureTarget(device, layout.Settings);
            target.Allocate(layout);
            target.Write(TestData.Update(layout, data, isFinal: true));
            return target;
        }

        public static byte[] Pixel(byte[] frame, int width, int x, int y)
        {
            int i = (y * width + x) * 4;
            return new[] { frame[i], frame[i + 1], frame[i + 2], frame[i + 3] };
        }

        /// <summary>Asserts a pixel within <paramref name="tolerance"/> per channel (rasteriser and sRGB conversion rounding).</summary>
        public static void AssertPixel(byte[] frame, int width, int x, int y, byte[] expected, int tolerance = 1)
        {
            var actual = Pixel(frame, width, x, y);
            for (int c = 0; c < 4; c++)
                if (System.Math.Abs(actual[c] - expected[c]) > tolerance)
                    Assert.Fail($"pixel ({x},{y}) is ({string.Join(",", actual)}), expected ({string.Join(",", expected)}) ±{tolerance}");
        }
    }
}
