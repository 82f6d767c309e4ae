using System;
using DiTPlugin.Textures;
using NUnit.Framework;

namespace DiTPlugin.TestSupport
{
    /// <summary>
    /// The path a generation takes: model output → TextureEncoder (the CPU truth, tested in DiTPlugin.Tests) → GPU
    /// texture. What the texture holds afterwards must be exactly the encoder's bytes, mips included. Each GPU backend's
    /// test project runs it through one derived [TestFixture] that supplies its target (abstract here for the reason
    /// given on <see cref="GpuTextureTargetContract{TTarget}"/>).
    /// </summary>
    public abstract class EncoderOnGpuContract<TTarget> where TTarget : class, ITextureTarget, IDisposable
    {
        protected abstract TTarget Create(TextureSettings settings);

        /// <summary>Every level read back from the GPU texture, in <see cref="TextureLayout"/> order.</summary>
        protected abstract byte[] ReadBack(TTarget target);

        /// <summary>3×H×W in [−1, 1]: red ramps left → right, green top → bottom, blue a checkerboard of −1 and 1.</summary>
        private static float[] Planar(int w, int h)
        {
            var chw = new float[3 * w * h];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int p = y * w + x;
                    chw[p] = -1f + 2f * x / (w - 1);
                    chw[w * h + p] = -1f + 2f * y / (h - 1);
                    chw[2 * w * h + p] = ((x + y) & 1) == 0 ? -1f : 1f;
                }
            return chw;
        }

        [TestCase(TextureFormat.Rgba8, TextureColorSpace.Srgb, RowOrder.TopDown)]
        [TestCase(TextureFormat.Rgba8, TextureColorSpace.Linear, RowOrder.BottomUp)]
        [TestCase(TextureFormat.RgbaHalf, TextureColorSpace.Linear, RowOrder.TopDown)]
        public void The_texture_holds_the_encoder_bytes(TextureFormat format, TextureColorSpace space, RowOrder rows)
        {
            var layout = new TextureLayout(37, 20, new TextureSettings(format, space, rows, mipmaps: true));
            var encoded = TextureEncoder.Encode(Planar(37, 20), 3, "sRGB", layout);
            using var target = Create(layout.Settings);
            target.Allocate(layout);

            target.Write(TestData.Update(layout, encoded, isFinal: true));
            var read = ReadBack(target);

            Assert.That(TestData.FirstDifference(layout, encoded, read), Is.Null);
            if (format == TextureFormat.Rgba8 && space == TextureColorSpace.Srgb)
            {
                // Hand-computed corners of level 0 (sRGB source into an sRGB texture is (v + 1)/2 · 255, rounded), so a
                // target and encoder that agree on a wrong byte still fail here:
                // top-left: red −1 → 0, green −1 → 0, blue −1 → 0; top-right: red 1 → 255, green −1 → 0, blue (36 + 0) even → −1 → 0.
                Assert.That(new[] { read[0], read[1], read[2], read[3] }, Is.EqualTo(new byte[] { 0, 0, 0, 255 }));
                int tr = 36 * 4;
                Assert.That(new[] { read[tr], read[tr + 1], read[tr + 2], read[tr + 3] }, Is.EqualTo(new byte[] { 255, 0, 0, 255 }));
            }
        }
    }
}
