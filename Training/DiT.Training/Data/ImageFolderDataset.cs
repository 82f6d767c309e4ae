using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using DiTPlugin.Contract.Classes;
using StbImageSharp;

namespace DiT.Training.Data;

/// <summary>
/// A class-per-subfolder image dataset (torchvision ImageFolder layout; ImageNet's train/nXXXXXXXX/*.JPEG works as-is),
/// preprocessed with ADM's centre crop and scaled to [-1, 1].
/// <para>Labels: subfolders sorted by ordinal name give class indices 0..K-1 and the names are the folder names; but when
/// every folder is a WordNet id and a synset list is found (see <see cref="SynsetMapping"/>), the class index is the
/// folder's line in that list (the standard ImageNet-1k order) and the name is its first listed name.</para>
/// <para>Bad files: files that fail validation at construction are skipped (counted in <see cref="SkippedCount"/>, listed in
/// <see cref="Warnings"/>, reported to the log). If a file that passed still fails to decode in <see cref="Get"/>, the
/// documented fallback is: warn once, remember the index as bad, and return the next decodable sample (index+1, +2, ...,
/// wrapping), with that sample's own label, so a training step never crashes nor pairs an image with a wrong label.</para>
/// Decoding is lazy unless <see cref="ImageFolderOptions.Preload"/> is set. <see cref="Get"/> is thread-safe.
/// </summary>
public sealed class ImageFolderDataset : IImageDataset
{
    private readonly ImageFolderOptions _opt;
    private readonly List<(string Path, int Label)> _samples = new();
    private readonly float[]?[]? _preloaded;
    private readonly ConcurrentDictionary<int, bool> _badAtGet = new();
    private readonly List<string> _warnings = new();
    private readonly string[] _classNames;
    private int _skipped;
    private int _fallbacks;

    public string Root { get; }
    public int Count => _samples.Count;
    public int Channels { get; }
    public int Height => _opt.Size;
    public int Width => _opt.Size;
    public IReadOnlyList<string> ClassNames => _classNames;
    public IReadOnlyList<(string Path, int Label)> Samples => _samples;
    /// <summary>Files rejected at construction.</summary>
    public int SkippedCount => _skipped;
    /// <summary>Times <see cref="Get"/> had to substitute another sample because a file failed to decode.</summary>
    public int FallbackCount => Volatile.Read(ref _fallbacks);
    public IReadOnlyList<string> Warnings { get { lock (_warnings) return _warnings.ToArray(); } }
    /// <summary>The synset list that defined the labels, or null when folder names did.</summary>
    public string? SynsetMappingPath { get; }

    public ImageFolderDataset(string root, ImageFolderOptions? options = null)
    {
        _opt = options ?? new ImageFolderOptions();
        if (_opt.Size <= 0) throw new ArgumentOutOfRangeException(nameof(options), "Size must be positive.");
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"image folder '{root}' does not exist.");
        Root = root;
        Channels = _opt.Color == ImageColor.Rgb ? 3 : 1;

        // Dot-folders (e.g. .ipynb_checkpoints) are tool litter, not classes.
        var folders = Directory.GetDirectories(root).Select(Path.GetFileName).Where(n => n is { Length: > 0 } && n[0] != '.')
            .Select(n => n!).OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (folders.Count == 0) throw new InvalidDataException($"image folder '{root}' has no class subfolders.");

        var labelOf = new Dictionary<string, int>(StringComparer.Ordinal);
        string? mappingPath = null;
        if (_opt.UseSynsetMapping && (_opt.SynsetMappingPath != null || folders.All(ImageNetClasses.IsWnid)))
            mappingPath = _opt.SynsetMappingPath ?? SynsetMapping.Find(root);
        if (mappingPath != null)
        {
            var map = SynsetMapping.Load(mappingPath);
            foreach (var f in folders)
            {
                if (!map.TryGetIndex(f, out int idx))
                    throw new InvalidDataException($"image folder '{root}': class folder '{f}' is not listed in synset file '{mappingPath}'.");
                labelOf[f] = idx;
            }
            _classNames = map.Names.ToArray();
            SynsetMappingPath = mappingPath;
        }
        else
        {
            for (int i = 0; i < folders.Count; i++) labelOf[folders[i]] = i;
            _classNames = folders.ToArray();
        }

        var exts = new HashSet<string>(_opt.Extensions, StringComparer.OrdinalIgnoreCase);
        // A link into the root or into another class's folder would read images under the wrong label: those
        // folders are out of bounds for every class but their own.
        var classReal = folders.ToDictionary(f => f, f => RealPath(Path.Combine(root, f)), StringComparer.Ordinal);
        var visited = new HashSet<string>(classReal.Values.Append(RealPath(root)), StringComparer.Ordinal);
        foreach (var f in folders)
        {
            visited.Remove(classReal[f]);
            var files = FilesOnce(Path.Combine(root, f), visited).Where(p => exts.Contains(Path.GetExtension(p))).OrderBy(p => p, StringComparer.Ordinal);
            foreach (var p in files)
            {
                string? problem = Validate(p);
                if (problem != null)
                {
                    _skipped++;
                    Warn($"skipping '{p}': {problem}");
                    continue;
                }
                _samples.Add((p, labelOf[f]));
            }
        }

        if (_opt.Preload)
        {
            var kept = new List<(string, int)>();
            var data = new List<float[]?>();
            foreach (var s in _samples)
            {
                try
                {
                    data.Add(Load(s.Path));
                    kept.Add(s);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    _skipped++;
                    Warn($"skipping '{s.Path}': decode failed ({ex.Message})");
                }
            }
            _samples.Clear();
            _samples.AddRange(kept);
            _preloaded = data.ToArray();
        }
        if (_skipped > 0) Warn($"image folder '{root}': skipped {_skipped} unreadable file(s); {_samples.Count} usable.");
    }

    public Example Get(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index));
        if (_preloaded != null) return new Example((float[])_preloaded[index]!.Clone(), _samples[index].Label);
        for (int k = 0; k < Count; k++)
        {
            int i = (index + k) % Count;
            if (_badAtGet.ContainsKey(i)) continue;
            try
            {
                return new Example(Load(_samples[i].Path), _samples[i].Label);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                if (_badAtGet.TryAdd(i, true)) Warn($"decode failed for '{_samples[i].Path}' ({ex.Message}); substituting the next sample.");
                Interlocked.Increment(ref _fallbacks);
            }
        }
        throw new InvalidDataException($"image folder '{Root}': no sample could be decoded.");
    }

    /// <summary>
    /// Every file under <paramref name="dir"/>, reading each real directory once: a directory link that leads back to
    /// a folder already read (a loop, or a second way into the same images) is skipped with a warning, where a plain
    /// recursive enumeration would walk a loop until the path grows too long, counting its images again each time.
    /// </summary>
    private IEnumerable<string> FilesOnce(string dir, HashSet<string> visited)
    {
        var pending = new Stack<string>();
        pending.Push(dir);
        while (pending.Count > 0)
        {
            string d = pending.Pop();
            string real;
            try { real = RealPath(d); }
            catch (IOException e) { Warn($"skipping '{d}': {e.Message}"); continue; }
            if (!visited.Add(real))
            {
                Warn($"skipping '{d}': it leads to '{real}', which is read already (a directory link loop or a second link to the same folder).");
                continue;
            }
            string[] files, subdirs;
            try
            {
                files = Directory.GetFiles(d);
                subdirs = Directory.GetDirectories(d);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Warn($"skipping '{d}': {e.Message}");
                continue;
            }
            foreach (var file in files) yield return file;
            foreach (var sub in subdirs.OrderByDescending(x => x, StringComparer.Ordinal)) pending.Push(sub);
        }
    }

    /// <summary>The directory's path with every link on it resolved (so two routes to one folder compare equal).</summary>
    private static string RealPath(string dir)
    {
        var full = Path.GetFullPath(dir);
        var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        string current = Path.GetPathRoot(full) ?? "/";
        int hops = 0;
        foreach (var part in parts)
        {
            current = Path.Combine(current, part);
            var info = new DirectoryInfo(current);
            while (info.LinkTarget != null)
            {
                if (++hops > 64) throw new IOException($"too many levels of links under '{dir}'");
                var target = info.LinkTarget;
                current = Path.GetFullPath(Path.IsPathRooted(target) ? target : Path.Combine(Path.GetDirectoryName(current)!, target));
                info = new DirectoryInfo(current);
            }
        }
        return current;
    }

    /// <summary>Decodes, centre-crops and scales one file. Throws on any decode problem.</summary>
    public float[] Load(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var comps = _opt.Color == ImageColor.Rgb ? ColorComponents.RedGreenBlue : ColorComponents.Grey;
        var res = ImageResult.FromMemory(bytes, comps) ?? throw new InvalidDataException("decoder returned nothing");
        var img = PixelImage.FromBytes(res.Data, res.Width, res.Height, Channels);
        return AdmCenterCrop.Apply(img, _opt.Size, _opt.QuantizeLikePil).ToChwSigned();
    }

    /// <summary>Largest image side read: a 16384² RGB image already decodes to 805 MB.</summary>
    public const int MaxSide = 16384;

    /// <summary>A PNG's size from its IHDR chunk (the decoder only says "unreadable" for sizes beyond its own limit), else null.</summary>
    private static (long W, long H)? PngSize(FileStream fs)
    {
        Span<byte> h = stackalloc byte[24];
        if (fs.Read(h) < 24) return null;
        ReadOnlySpan<byte> signature = stackalloc byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        if (!h[..8].SequenceEqual(signature) || h[12] != (byte)'I' || h[13] != (byte)'H' || h[14] != (byte)'D' || h[15] != (byte)'R') return null;
        return (System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(h[16..]), System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(h[20..]));
    }

    /// <summary>Returns null when the file looks usable, else a description of the problem.</summary>
    private string? Validate(string path)
    {
        try
        {
            if (_opt.Validation == ImageValidation.FullDecode)
            {
                var res = ImageResult.FromMemory(File.ReadAllBytes(path), ColorComponents.Default);
                return res == null || res.Width <= 0 || res.Height <= 0 ? "decoder returned no image" : null;
            }
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            if (PngSize(fs) is var (pw, ph) && (pw > MaxSide || ph > MaxSide))
                return $"image is {pw}x{ph}, too large (limit {MaxSide} pixels a side)";
            fs.Position = 0;
            var info = ImageInfo.FromStream(fs);
            if (info == null) return "not a recognised image (header unreadable)";
            if (info.Value.Width <= 0 || info.Value.Height <= 0) return "image header has no size";
            if (_opt.Validation == ImageValidation.HeaderAndTrailer) return CheckTrailer(fs);
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"unreadable ({ex.GetType().Name}: {ex.Message})";
        }
    }

    /// <summary>
    /// A truncated download keeps a valid header but loses its end marker, so look for it in the file's tail.
    /// The window tolerates a little trailing padding, which some encoders append.
    /// </summary>
    private static string? CheckTrailer(FileStream fs)
    {
        const int window = 256;
        Span<byte> head = stackalloc byte[8];
        fs.Position = 0;
        int n = fs.Read(head);
        int tailLen = (int)Math.Min(window, fs.Length);
        var tail = new byte[tailLen];
        fs.Position = fs.Length - tailLen;
        fs.ReadExactly(tail);
        ReadOnlySpan<byte> pngSig = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        if (n >= 8 && head.SequenceEqual(pngSig))
            return tail.AsSpan().IndexOf("IEND"u8) >= 0 ? null : "PNG has no IEND chunk (truncated)";
        if (n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
            return tail.AsSpan().IndexOf(new byte[] { 0xFF, 0xD9 }) >= 0 ? null : "JPEG has no end-of-image marker (truncated)";
        return null; // other formats stb reads (BMP, GIF, ...) have no end marker to check
    }

    private void Warn(string message)
    {
        lock (_warnings) _warnings.Add(message);
        _opt.Log?.Invoke(message);
    }
}
