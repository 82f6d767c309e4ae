using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using StbImageSharp;

namespace DiT.Training.Data;

/// <summary>
/// A Quake-3-style texture pack (.pk3, a zip; e.g. Debian's openarena-081-textures): images under
/// textures/&lt;material&gt;/…, where the material folder (base_wall, gothic_block, liquids, …) is the class.
/// </summary>
public sealed class TexturePack : ITextureSource
{
    public static readonly string[] ImageExtensions = { ".jpg", ".jpeg", ".tga", ".png" };

    public string Path { get; }
    /// <summary>Material → the pack's image entries in it (sorted, so a seed gives the same split everywhere).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Materials { get; }

    private TexturePack(string path, Dictionary<string, IReadOnlyList<string>> materials)
    {
        Path = path;
        Materials = materials;
    }

    public static TexturePack Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Texture pack '{path}' does not exist.", path);
        using var zip = OpenZip(path);
        var materials = zip.Entries
            .Where(e => e.FullName.StartsWith("textures/", StringComparison.OrdinalIgnoreCase) && e.FullName.Count(ch => ch == '/') >= 2
                        && ImageExtensions.Contains(System.IO.Path.GetExtension(e.FullName).ToLowerInvariant()))
            .GroupBy(e => e.FullName.Split('/')[1], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(e => e.FullName).OrderBy(n => n, StringComparer.Ordinal).ToList());
        if (materials.Count == 0) throw new InvalidDataException($"'{path}' has no images under textures/<material>/; is it a texture pack (.pk3)?");
        return new TexturePack(path, materials);
    }

    private ZipArchive? _zip;

    /// <summary>Decodes one entry as 8-bit RGB (alpha dropped: the generator makes opaque surfaces); the pack stays open until disposed.</summary>
    public PixelImage Load(string entry) => Load(_zip ??= OpenZip(Path), entry);

    public void Dispose()
    {
        _zip?.Dispose();
        _zip = null;
    }

    /// <summary>Decodes one entry as 8-bit RGB (alpha dropped: the generator makes opaque surfaces).</summary>
    public PixelImage Load(ZipArchive zip, string entry)
    {
        var e = zip.GetEntry(entry) ?? throw new FileNotFoundException($"'{Path}' has no entry '{entry}'.");
        using var s = e.Open();
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        var img = ImageResult.FromMemory(ms.ToArray(), ColorComponents.RedGreenBlue)
                  ?? throw new InvalidDataException($"'{entry}' in '{Path}' could not be decoded.");
        return PixelImage.FromBytes(img.Data, img.Width, img.Height, 3);
    }

    public static ZipArchive OpenZip(string path)
    {
        try { return ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new InvalidDataException($"'{path}' is not a readable zip/pk3: {e.Message}", e); }
    }
}
