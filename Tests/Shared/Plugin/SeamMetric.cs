using System;
using System.Collections.Generic;

namespace DiTPlugin.TestSupport;

/// <summary>
/// How visible the wrap edge of a texture is: the mean absolute difference (8-bit RGB) between the last and first
/// column and row, against the mean difference between neighbours inside. Inside pairs are taken at the wrap edge's
/// phase of the decoder's upsampling (pairs (x, x+1) with x+1 a multiple of <c>factor</c>): with nearest-neighbour
/// upsampling, pairs inside one upsampled latent pixel are smoother than pairs across two, and the wrap edge is
/// always across.
/// </summary>
internal static class SeamMetric
{
    public static (double Seam, double Inside) Measure(IEnumerable<GeneratedImage> images, int factor = 1)
    {
        double seam = 0, inside = 0;
        int n = 0;
        foreach (var img in images)
        {
            var (s, i) = Measure(img, factor);
            seam += s;
            inside += i;
            n++;
        }
        return (seam / n, inside / n);
    }

    public static (double Seam, double Inside) Measure(GeneratedImage img, int factor = 1)
    {
        int w = img.Width, h = img.Height;
        if (w % factor != 0 || h % factor != 0) throw new ArgumentException($"{w}x{h} is not a multiple of {factor}.");
        double At(int x, int y, int c) => img.Rgba8[(y * w + x) * 4 + c];
        double seam = 0, inside = 0;
        int seamPairs = 0, insidePairs = 0;
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < h; y++)
            {
                seam += Math.Abs(At(w - 1, y, c) - At(0, y, c));
                seamPairs++;
                for (int x = factor - 1; x + 1 < w; x += factor, insidePairs++) inside += Math.Abs(At(x + 1, y, c) - At(x, y, c));
            }
            for (int x = 0; x < w; x++)
            {
                seam += Math.Abs(At(x, h - 1, c) - At(x, 0, c));
                seamPairs++;
                for (int y = factor - 1; y + 1 < h; y += factor, insidePairs++) inside += Math.Abs(At(x, y + 1, c) - At(x, y, c));
            }
        }
        return (seam / seamPairs, inside / insidePairs);
    }
}
