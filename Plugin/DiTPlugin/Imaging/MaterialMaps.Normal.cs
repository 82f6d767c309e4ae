using System;

namespace DiTPlugin.Imaging
{
    public static partial class MaterialMaps
    {
        /// <summary>
        /// A tangent-space normal map from a height field (e.g. <see cref="Height"/>), RGBA8, alpha 255.
        /// <para>
        /// Slopes come from the 3x3 Sobel kernels, x to the right and y down the rows, divided by 8 so that a ramp
        /// rising by 1 per pixel has slope 1 (the Sobel weights 1, 2, 1 sum to 4, over a distance of 2 pixels):
        /// <code>
        ///            | −1  0  +1 |                 | −1  −2  −1 |
        /// dh/dx = ⅛ · | −2  0  +2 | ∗ h    dh/dy = ⅛ · |  0   0   0 | ∗ h
        ///            | −1  0  +1 |                 | +1  +2  +1 |
        /// </code>
        /// The surface z = strength·h has normal n = normalize(−strength·dh/dx, −strength·dh/dy, 1) with y down the
        /// rows, which is the DirectX convention (green points down the image). OpenGL's +Y points up the image, so its
        /// green is the negation: n = normalize(−strength·dh/dx, +strength·dh/dy, 1). A slope facing the top of the
        /// image is bright green in OpenGL. Strength is per pixel of height 0..1: strength 2 tilts a full-range step
        /// across one pixel by atan(2).
        /// </para>
        /// Each component is encoded linearly as round((n·0.5 + 0.5)·255), half away from zero: flat is (128, 128, 255).
        /// </summary>
        /// <param name="height01">width·height finite values, rows top to bottom (any range; [0, 1] is what strength assumes).</param>
        /// <param name="width">Columns, ≥ 1.</param>
        /// <param name="height">Rows, ≥ 1.</param>
        /// <param name="wrap">Neighbours around the edges (seamless) or the nearest edge pixel.</param>
        /// <param name="strength">Bump scale, finite and ≥ 0 (0 gives a flat map).</param>
        /// <param name="convention">The green channel's direction: OpenGL (+Y up, Unity) or DirectX (+Y down).</param>
        public static byte[] NormalRgba8(ReadOnlySpan<float> height01, int width, int height, bool wrap, float strength = 2f,
                                         NormalConvention convention = NormalConvention.OpenGL)
        {
            CheckField(height01, width, height, nameof(height01));
            if (float.IsNaN(strength) || float.IsInfinity(strength) || strength < 0)
                throw new ArgumentOutOfRangeException(nameof(strength), strength, "strength must be finite and 0 or more.");
            if (convention != NormalConvention.OpenGL && convention != NormalConvention.DirectX)
                throw new ArgumentOutOfRangeException(nameof(convention), convention, "convention must be OpenGL or DirectX.");
            double ySign = convention == NormalConvention.OpenGL ? 1 : -1;

            var rgba = new byte[width * height * 4];
            for (int y = 0; y < height; y++)
            {
                int up = Index(y - 1, height, wrap), down = Index(y + 1, height, wrap);
                for (int x = 0; x < width; x++)
                {
                    int left = Index(x - 1, width, wrap), right = Index(x + 1, width, wrap);
                    double tl = height01[up * width + left], tc = height01[up * width + x], tr = height01[up * width + right];
                    double ml = height01[y * width + left], mr = height01[y * width + right];
                    double bl = height01[down * width + left], bc = height01[down * width + x], br = height01[down * width + right];
                    double dx = ((tr + 2 * mr + br) - (tl + 2 * ml + bl)) / 8;
                    double dy = ((bl + 2 * bc + br) - (tl + 2 * tc + tr)) / 8;
                    double nx = -strength * dx, ny = ySign * strength * dy, nz = 1;
                    double len = Math.Sqrt(nx * nx + ny * ny + nz * nz);
                    int o = (y * width + x) * 4;
                    rgba[o] = ImageConverter.ToByte(nx / len * 0.5 + 0.5);
                    rgba[o + 1] = ImageConverter.ToByte(ny / len * 0.5 + 0.5);
                    rgba[o + 2] = ImageConverter.ToByte(nz / len * 0.5 + 0.5);
                    rgba[o + 3] = 255;
                }
            }
            return rgba;
        }
    }
}
