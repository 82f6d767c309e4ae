using System;
using System.Collections.Generic;
using System.Numerics;
using DiTPlugin.Textures;

namespace DiTPlugin.Samples.DemoScene.Rendering
{
    /// <summary>
    /// The fallback when no Vulkan device exists: a small software rasteriser with the Vulkan renderer's conventions
    /// (clip space, depth 0..1 with a less test, repeat addressing, shading in linear light, an sRGB frame). It samples
    /// level 0 of CPU texture targets bilinearly; enough to show the scene, not a GPU's equal.
    /// </summary>
    public sealed class CpuSceneRenderer : ISceneRenderer
    {
        private static readonly float[] SrgbToLinear = BuildDecodeTable();
        private readonly IReadOnlyList<CpuTextureTarget> _textures;
        private readonly float[] _depth;
        private readonly Vector3[] _color;

        public string Name => "CPU (software rasteriser)";
        public int Width { get; }
        public int Height { get; }

        public CpuSceneRenderer(int width, int height, IReadOnlyList<CpuTextureTarget> textures)
        {
            if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"Frame size {width}x{height} must be at least 1x1.");
            Width = width;
            Height = height;
            _textures = textures ?? throw new ArgumentNullException(nameof(textures));
            foreach (var t in textures)
                if (t.Settings.Format != TextureFormat.Rgba8 || t.Settings.ColorSpace != TextureColorSpace.Srgb || t.Settings.RowOrder != RowOrder.TopDown)
                    throw new ArgumentException($"The CPU renderer samples RGBA8 sRGB top-down textures, got {t.Settings}.", nameof(textures));
            _depth = new float[width * height];
            _color = new Vector3[width * height];
        }

        public byte[] Render(Matrix4x4 viewProjection, IReadOnlyList<SceneQuad> quads, Vector4 clearLinear)
        {
            Array.Fill(_depth, 1f);
            Array.Fill(_color, new Vector3(clearLinear.X, clearLinear.Y, clearLinear.Z));
            foreach (var q in quads)
            {
                if ((uint)q.Texture >= (uint)_textures.Count)
                    throw new ArgumentOutOfRangeException(nameof(quads), q.Texture, $"Quad texture {q.Texture} is not one of the renderer's {_textures.Count} textures.");
                var target = _textures[q.Texture];
                var (texels, tw, th) = target.Layout is { } l && target.Version > 0 ? (target.Snapshot(), l.Width, l.Height) : (null, 1, 1);
                var p = new[] { q.Origin, q.Origin + q.EdgeU, q.Origin + q.EdgeU + q.EdgeV, q.Origin + q.EdgeV };
                var uv = new[] { Vector2.Zero, new Vector2(q.Repeat, 0), new Vector2(q.Repeat, q.Repeat), new Vector2(0, q.Repeat) };
                var clip = new Vector4[4];
                for (int k = 0; k < 4; k++) clip[k] = Vector4.Transform(new Vector4(p[k], 1), viewProjection);
                Triangle(clip[0], clip[1], clip[2], uv[0], uv[1], uv[2], texels, tw, th, q.Shade);
                Triangle(clip[0], clip[2], clip[3], uv[0], uv[2], uv[3], texels, tw, th, q.Shade);
            }
            var frame = new byte[Width * Height * 4];
            for (int i = 0; i < _color.Length; i++)
            {
                frame[4 * i] = Encode(_color[i].X);
                frame[4 * i + 1] = Encode(_color[i].Y);
                frame[4 * i + 2] = Encode(_color[i].Z);
                frame[4 * i + 3] = 255;
            }
            return frame;
        }

        /// <summary>
        /// Rasterises one triangle with perspective-correct texture coordinates. Triangles reaching behind the eye
        /// (w ≤ 0) are skipped: the demo's camera sees every vertex, and clipping is the GPU path's business.
        /// </summary>
        private void Triangle(Vector4 a, Vector4 b, Vector4 c, Vector2 ta, Vector2 tb, Vector2 tc, byte[]? texels, int tw, int th, float shade)
        {
            if (a.W <= 1e-6f || b.W <= 1e-6f || c.W <= 1e-6f) return;
            Vector3 Screen(Vector4 v) => new Vector3((v.X / v.W + 1) * 0.5f * Width, (v.Y / v.W + 1) * 0.5f * Height, v.Z / v.W);
            Vector3 sa = Screen(a), sb = Screen(b), sc = Screen(c);
            float area = Edge(sa, sb, sc.X, sc.Y);
            if (Math.Abs(area) < 1e-9f) return;
            int x0 = Math.Max(0, (int)Math.Floor(Math.Min(sa.X, Math.Min(sb.X, sc.X))));
            int x1 = Math.Min(Width - 1, (int)Math.Ceiling(Math.Max(sa.X, Math.Max(sb.X, sc.X))));
            int y0 = Math.Max(0, (int)Math.Floor(Math.Min(sa.Y, Math.Min(sb.Y, sc.Y))));
            int y1 = Math.Min(Height - 1, (int)Math.Ceiling(Math.Max(sa.Y, Math.Max(sb.Y, sc.Y))));
            float iwa = 1 / a.W, iwb = 1 / b.W, iwc = 1 / c.W;
            for (int y = y0; y <= y1; y++)
                for (int x = x0; x <= x1; x++)
                {
                    float px = x + 0.5f, py = y + 0.5f;                      // sample at pixel centres, as a GPU does
                    float wa = Edge(sb, sc, px, py) / area, wb = Edge(sc, sa, px, py) / area, wc = 1 - wa - wb;
                    if (wa < 0 || wb < 0 || wc < 0) continue;
                    float z = wa * sa.Z + wb * sb.Z + wc * sc.Z;
                    int i = y * Width + x;
                    if (z < 0 || z > 1 || z >= _depth[i]) continue;
                    float pa = wa * iwa, pb = wb * iwb, pc = wc * iwc, sum = pa + pb + pc;
                    var uv = (ta * pa + tb * pb + tc * pc) / sum;
                    _depth[i] = z;
                    _color[i] = Sample(texels, tw, th, uv) * shade;
                }
        }

        private static float Edge(Vector3 a, Vector3 b, float x, float y) => (b.X - a.X) * (y - a.Y) - (b.Y - a.Y) * (x - a.X);

        /// <summary>Bilinear, repeat addressing, in linear light; mid-grey before the texture has data.</summary>
        private static Vector3 Sample(byte[]? texels, int w, int h, Vector2 uv)
        {
            if (texels is null) return new Vector3(SrgbToLinear[128]);
            float fx = uv.X * w - 0.5f, fy = uv.Y * h - 0.5f;
            int ix = (int)Math.Floor(fx), iy = (int)Math.Floor(fy);
            float ax = fx - ix, ay = fy - iy;
            Vector3 T(int x, int y)
            {
                x = ((x % w) + w) % w;
                y = ((y % h) + h) % h;
                int o = (y * w + x) * 4;
                return new Vector3(SrgbToLinear[texels[o]], SrgbToLinear[texels[o + 1]], SrgbToLinear[texels[o + 2]]);
            }
            return Vector3.Lerp(Vector3.Lerp(T(ix, iy), T(ix + 1, iy), ax), Vector3.Lerp(T(ix, iy + 1), T(ix + 1, iy + 1), ax), ay);
        }

        private static float[] BuildDecodeTable()
        {
            var t = new float[256];
            for (int i = 0; i < 256; i++) t[i] = (float)TextureEncoder.SrgbToLinear(i / 255.0);
            return t;
        }

        private static byte Encode(float linear) => Imaging.ImageConverter.ToByte(Imaging.ImageConverter.LinearToSrgb(linear));

        public void Dispose() { }
    }
}
