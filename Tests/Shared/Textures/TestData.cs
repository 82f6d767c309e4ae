using System;
using DiTPlugin.Textures;

namespace DiTPlugin.TestSupport
{
    /// <summary>Updates and comparisons shared by the texture target tests (Vulkan, Direct3D 12, demo scene).</summary>
    internal static class TestData
    {
        public static readonly Recipe Recipe = new Recipe { ClassName = "test", Seed = 1, Steps = 1 };

        public static TextureUpdate Update(TextureLayout layout, byte[] data, bool isFinal = false, int step = 0) =>
            new TextureUpdate(layout, data, isFinal, step, 10, Recipe);

        public static byte[] RandomBytes(long count, int seed)
        {
            var bytes = new byte[count];
            new System.Random(seed).NextBytes(bytes);
            return bytes;
        }

        /// <summary>Null when every level matches, else the first level and byte that differ (a readable failure message).</summary>
        public static string? FirstDifference(TextureLayout layout, byte[] expected, byte[] actual)
        {
            if (actual.Length != expected.Length) return $"read {actual.Length} bytes, expected {expected.Length}";
            for (int l = 0; l < layout.MipCount; l++)
            {
                long start = layout.MipOffset(l), size = layout.MipByteSize(l);
                for (long i = 0; i < size; i++)
                    if (actual[start + i] != expected[start + i])
                        return $"level {l} ({layout.MipWidth(l)}x{layout.MipHeight(l)}) byte {i}: read {actual[start + i]}, expected {expected[start + i]}";
            }
            return null;
        }
    }
}
