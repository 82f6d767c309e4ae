using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiT.Training.Data.Wad;

namespace DiT.Training.Data;

/// <summary>
/// The textures of Debian's freedoom package (BSD-3-Clause) as a texture source: flats and fully opaque wall textures
/// decoded from the WAD (<see cref="DoomTextures"/>), grouped into material classes by <see cref="FreedoomClasses"/>.
/// Names are "flat/NAME" and "wall/NAME"; freedoom1.wad and freedoom2.wad hold the same textures, so one WAD is read.
/// </summary>
public sealed class FreedoomTextures : ITextureSource
{
    public const string DebianWad = "/usr/share/games/doom/freedoom2.wad";

    private readonly Dictionary<string, PixelImage> _images;
    public string Path { get; }
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Materials { get; }
    /// <summary>Textures read but in no class (excluded pictures and unmatched names), for the dataset card.</summary>
    public IReadOnlyList<string> Unclassified { get; }

    private FreedoomTextures(string path, Dictionary<string, PixelImage> images, Dictionary<string, IReadOnlyList<string>> materials, List<string> unclassified)
    {
        Path = path;
        _images = images;
        Materials = materials;
        Unclassified = unclassified;
    }

    public static FreedoomTextures Open(string wadPath, Action<string>? log = null)
    {
        var wad = WadFile.Open(wadPath);
        var textures = DoomTextures.Read(wad, log);
        var images = new Dictionary<string, PixelImage>(StringComparer.Ordinal);
        var materials = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var unclassified = new List<string>();
        foreach (var t in textures)
        {
            string name = (t.IsFlat ? "flat/" : "wall/") + t.Name;
            if (FreedoomClasses.Of(t.Name) is { } cls)
            {
                images[name] = t.Image;   // only what a class can ask for is kept (the unclassified are most of the WAD)
                if (!materials.TryGetValue(cls, out var list)) materials[cls] = list = new List<string>();
                list.Add(name);
            }
            else unclassified.Add(name);
        }
        if (materials.Count == 0) throw new InvalidDataException($"{wadPath}: no texture matches a Freedoom material class; is it a Freedoom WAD?");
        return new FreedoomTextures(wadPath, images,
            materials.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.OrderBy(n => n, StringComparer.Ordinal).ToList()), unclassified);
    }

    public PixelImage Load(string name) =>
        _images.TryGetValue(name, out var img) ? img : throw new FileNotFoundException($"{Path} has no texture '{name}'.");

    public void Dispose() { }
}
