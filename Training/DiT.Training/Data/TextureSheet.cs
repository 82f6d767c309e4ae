using System;
using System.IO;
using System.Linq;
using StbImageWriteSharp;

namespace DiT.Training.Data;

/// <summary>A contact sheet of a texture source: one row per class, its first textures as thumbnails, for checking the class rules by eye (and the dataset card).</summary>
public static class TextureSheet
{
    public static void Write(ITextureSource source, string path, int thumb = 32, int perClass = 24)
    {
        var classes = source.Materials.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        int w = perClass * (thumb + 2) + 2, h = classes.Count * (thumb + 2) + 2;
        var rgb = new byte[w * h * 3];
        for (int row = 0; row < classes.Count; row++)
        {
            var names = classes[row].Value;
            for (int k = 0; k < Math.Min(perClass, names.Count); k++)
            {
                // Evenly spread over the class, so a row shows its range rather than one family.
                var img = source.Load(names[k * names.Count / Math.Min(perClass, names.Count)]);
                int side = Math.Min(img.Width, img.Height);
                var small = Resample.Resize(img.Crop(0, 0, side, side), thumb, thumb, ResampleFilter.Box, quantize: true);
                int x0 = 2 + k * (thumb + 2), y0 = 2 + row * (thumb + 2);
                for (int y = 0; y < thumb; y++)
                    for (int x = 0; x < thumb; x++)
                        for (int c = 0; c < 3; c++)
                            rgb[((y0 + y) * w + x0 + x) * 3 + c] = (byte)Math.Clamp((int)MathF.Round(small[x, y, c]), 0, 255);
            }
        }
        using var ms = new MemoryStream();
        new ImageWriter().WritePng(rgb, w, h, ColorComponents.RedGreenBlue, ms);
        Formats.AtomicFile.Write(path, s => s.Write(ms.ToArray()));
    }
}
