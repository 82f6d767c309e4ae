using DiTPlugin.Textures;
using NUnit.Framework;

namespace DiTPlugin.Vulkan.Tests
{
    /// <summary>Textures made from literal texels, and pixel checks on rendered frames (RGBA8, top row first).</summary>
    internal static class SceneFrames
    {
        public static readonly byte[] Red = { 255, 0, 0, 255 }, Green = { 0, 255, 0, 255 }, Blue = { 0, 0, 255, 255 }, White = { 255, 255, 255, 255 };

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
