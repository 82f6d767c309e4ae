using System;
using System.Collections.Generic;
using System.Linq;

namespace DiT.Training.Data.Wad;

/// <summary>A texture of a WAD as RGB pixels: a wall texture composed from its patches, or a 64x64 flat.</summary>
public sealed record DoomTexture(string Name, bool IsFlat, PixelImage Image);

/// <summary>
/// The textures of a Doom WAD as images, through its palette (the first of PLAYPAL's palettes, 256 RGB triples):
/// flats, the 4096-byte lumps between F_START and F_END (64x64 palette indices, rows top to bottom); and wall
/// textures, which TEXTURE1/TEXTURE2 compose from the patches PNAMES names. A TEXTUREn lump is an int32 count, int32
/// offsets, and per texture an 8-byte name, int32 flags, int16 width and height, an unused int32, an int16 patch count
/// and per patch int16 x and y origin, PNAMES index and two unused int16s. Patches are clipped to the texture. Wall
/// textures with pixels no patch covers (grates, bars) are reported as such, since they have no colour there.
/// </summary>
public static class DoomTextures
{
    /// <summary>Every flat and every fully covered wall texture, flats first, each name once (the later definition wins, as in Doom).</summary>
    public static IReadOnlyList<DoomTexture> Read(WadFile wad, Action<string>? log = null)
    {
        var palette = Palette(wad);
        var result = new Dictionary<string, DoomTexture>(StringComparer.Ordinal);
        foreach (var flat in wad.Namespace("F"))
        {
            if (flat.Size != 64 * 64) continue;             // markers of sub-namespaces and animated odd sizes
            var pixels = wad.Read(flat);
            result["flat:" + flat.Name] = new DoomTexture(flat.Name, true, ToImage(pixels, 64, 64, palette));
        }
        var patchNames = PatchNames(wad);
        var patches = new Dictionary<string, DoomPicture?>(StringComparer.Ordinal);
        var patchLumps = wad.Namespace("P").GroupBy(l => l.Name).ToDictionary(g => g.Key, g => g.Last());
        DoomPicture? Patch(string name)
        {
            if (patches.TryGetValue(name, out var p)) return p;
            var lump = patchLumps.TryGetValue(name, out var l) ? l : wad.Find(name);
            p = lump is null ? null : DoomPicture.Decode(wad.Read(lump), $"{wad.Source}: patch {name}");
            patches[name] = p;
            return p;
        }
        foreach (var table in new[] { "TEXTURE1", "TEXTURE2" })
        {
            if (wad.Find(table) is not { } lump) continue;
            foreach (var def in Definitions(wad.Read(lump), $"{wad.Source}: {table}", patchNames.Count))
            {
                var indices = new byte[def.Width * def.Height];
                var covered = new bool[def.Width * def.Height];
                bool missing = false;
                foreach (var (ox, oy, index) in def.Patches)
                {
                    var pic = Patch(patchNames[index]);
                    if (pic is null) { missing = true; continue; }
                    for (int y = 0; y < pic.Height; y++)
                        for (int x = 0; x < pic.Width; x++)
                        {
                            int tx = ox + x, ty = oy + y;
                            if (tx < 0 || ty < 0 || tx >= def.Width || ty >= def.Height || !pic.Opaque[y * pic.Width + x]) continue;
                            indices[ty * def.Width + tx] = pic.Indices[y * pic.Width + x];
                            covered[ty * def.Width + tx] = true;
                        }
                }
                if (missing) { log?.Invoke($"{def.Name}: a patch it names is not in the WAD; skipped"); continue; }
                if (!covered.All(c => c)) { log?.Invoke($"{def.Name}: has see-through pixels; skipped"); continue; }
                result["wall:" + def.Name] = new DoomTexture(def.Name, false, ToImage(indices, def.Width, def.Height, palette));
            }
        }
        return result.Values.OrderBy(t => t.IsFlat ? 0 : 1).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The first palette of PLAYPAL: 256 RGB triples.</summary>
    public static byte[] Palette(WadFile wad)
    {
        var lump = wad.Find("PLAYPAL") ?? throw WadFile.Bad(wad.Source, "has no PLAYPAL (palette) lump");
        if (lump.Size < 768) throw WadFile.Bad(wad.Source, $"PLAYPAL is {lump.Size} bytes, less than one palette (768)");
        return wad.Read(lump)[..768].ToArray();
    }

    /// <summary>PNAMES: an int32 count, then that many 8-byte patch names.</summary>
    public static IReadOnlyList<string> PatchNames(WadFile wad)
    {
        var lump = wad.Find("PNAMES");
        if (lump is null) return Array.Empty<string>();
        var b = wad.Read(lump);
        if (b.Length < 4) throw WadFile.Bad(wad.Source, "PNAMES is shorter than its count");
        int count = WadFile.I32(b, 0);
        if (count < 0 || 4L + 8L * count > b.Length) throw WadFile.Bad(wad.Source, $"PNAMES counts {count} names, more than its {b.Length} bytes hold");
        var names = new string[count];
        for (int i = 0; i < count; i++) names[i] = WadFile.Name(b, 4 + 8 * i, wad.Source + ": PNAMES", i);
        return names;
    }

    /// <summary>One wall texture's definition: its size and its patches (origin, PNAMES index).</summary>
    public sealed record Definition(string Name, int Width, int Height, IReadOnlyList<(int X, int Y, int Patch)> Patches);

    public static IReadOnlyList<Definition> Definitions(ReadOnlySpan<byte> b, string source, int patchCount)
    {
        if (b.Length < 4) throw WadFile.Bad(source, "is shorter than its texture count");
        int count = WadFile.I32(b, 0);
        if (count < 0 || 4L + 4L * count > b.Length) throw WadFile.Bad(source, $"counts {count} textures, more offsets than its {b.Length} bytes hold");
        var list = new List<Definition>(count);
        for (int i = 0; i < count; i++)
        {
            int at = WadFile.I32(b, 4 + 4 * i);
            if (at < 4 || (long)at + 22 > b.Length) throw WadFile.Bad(source, $"texture {i} is at offset {at}, outside its {b.Length} bytes");
            string name = WadFile.Name(b, at, source, i);
            int width = WadFile.I16(b, at + 12), height = WadFile.I16(b, at + 14), patches = WadFile.I16(b, at + 20);
            if (width < 1 || height < 1 || width > DoomPicture.MaxSide || height > DoomPicture.MaxSide)
                throw WadFile.Bad(source, $"texture {name} is {width}x{height}, not in 1..{DoomPicture.MaxSide}");
            if (patches < 0 || (long)at + 22 + 10L * patches > b.Length) throw WadFile.Bad(source, $"texture {name} has {patches} patches, more than its bytes hold");
            var list2 = new List<(int, int, int)>(patches);
            for (int p = 0; p < patches; p++)
            {
                int q = at + 22 + 10 * p;
                int index = WadFile.I16(b, q + 4);
                if (index < 0 || index >= patchCount) throw WadFile.Bad(source, $"texture {name} names patch {index}; PNAMES has {patchCount}");
                list2.Add((WadFile.I16(b, q), WadFile.I16(b, q + 2), index));
            }
            list.Add(new Definition(name, width, height, list2));
        }
        return list;
    }

    private static PixelImage ToImage(ReadOnlySpan<byte> indices, int width, int height, byte[] palette)
    {
        var img = new PixelImage(width, height, 3);
        for (int p = 0; p < width * height; p++)
            for (int c = 0; c < 3; c++) img.Data[p * 3 + c] = palette[indices[p] * 3 + c];
        return img;
    }
}
