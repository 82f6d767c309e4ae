using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DiT.Training.Formats.Pickle;
using static TorchSharp.torch;

namespace DiT.Training.Formats;

/// <summary>What a file's first bytes say it is (the extension is only a hint: .pt, .pth, .bin and .ckpt are all used for both).</summary>
public enum StateDictFileKind { Unknown, Safetensors, TorchZip, TorchLegacy }

/// <summary>
/// Loads "the weights" from a file whatever its format: safetensors or a <c>torch.save</c> zip (.pt/.pth/.bin/.ckpt),
/// and whatever wraps them: a bare state dict, or a training checkpoint such as the official DiT train.py's
/// <c>{"model", "ema", "opt", "args"}</c>.
/// </summary>
public static class StateDictFile
{
    /// <summary>Preference when a checkpoint wraps several state dicts: EMA weights are the ones to sample with.</summary>
    public static readonly IReadOnlyList<string> PreferredKeys = new[] { "ema", "model", "state_dict" };

    /// <summary>
    /// Loads the state dict of <paramref name="path"/>. <paramref name="key"/> picks a wrapped state dict by a (dotted)
    /// path such as <c>"model"</c> or <c>"state_dict"</c>; without it a top-level dict of tensors is the state dict, and
    /// otherwise the first of <see cref="PreferredKeys"/> that holds tensors. For safetensors files, whose names are
    /// flat, <paramref name="key"/> selects the names under <c>key + "."</c> (and a DiTPlugin training checkpoint's
    /// "ema." weights are picked by default). Non-tensor entries (args, optimizer state, step) are ignored.
    /// </summary>
    public static LoadedStateDict Load(string path, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"State dict file '{path}' does not exist.", path);
        if (key is { Length: 0 }) key = null;
        return Sniff(path) switch
        {
            StateDictFileKind.Safetensors => FromSafetensors(path, key),
            StateDictFileKind.TorchZip or StateDictFileKind.TorchLegacy => FromTorch(path, key), // the reader explains legacy files
            _ => throw new InvalidDataException(new FileInfo(path).Length is > 0 and < 9
                ? $"'{path}' is only {new FileInfo(path).Length} bytes, too short for a safetensors file or a PyTorch checkpoint (truncated?)."
                : $"'{path}' is neither a safetensors file nor a PyTorch (torch.save zip) checkpoint: it starts with {Head(path)}."),
        };
    }

    /// <summary>Decides the format from the first bytes: zip magic, legacy pickle, or a plausible safetensors header.</summary>
    public static StateDictFileKind Sniff(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64);
        Span<byte> head = stackalloc byte[9];
        int n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..n];
        // safetensors first: its u64 LE header length can begin with any bytes ("PK" is 19280 + ..., 80 02 is 640),
        // but it is followed by the JSON object's '{', which a zip or pickle never has at byte 8. The length is only
        // required to be plausible, not to fit the file: a cut-off safetensors file must be reported as truncated
        // by the safetensors reader, not as an unknown format.
        if (n == 9 && head[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(head) is > 0 and <= SafetensorsHeader.MaxHeaderLength)
            return StateDictFileKind.Safetensors;
        if (TorchZipCheckpoint.HasZipMagic(head)) return StateDictFileKind.TorchZip;
        if (TorchZipCheckpoint.HasLegacyMagic(head)) return StateDictFileKind.TorchLegacy;
        return StateDictFileKind.Unknown;
    }

    /// <summary>
    /// Whether the file's content is a PyTorch file: a zip holding a <c>&lt;root&gt;/data.pkl</c> record (torch.save
    /// since 1.6, also TorchScript) or a bare pickle stream (legacy torch.save, pickle protocol 2 to 5). Decided by
    /// content, not extension: .pt, .pth, .bin and .ckpt are all used for everything. Reads only the zip's directory.
    /// </summary>
    public static bool IsPyTorch(string path)
    {
        // Safetensors first, as in Sniff: a header length such as 0x10280 is stored as 80 02 01 00 ..., which would
        // otherwise pass for a pickle's PROTO 2.
        var kind = Sniff(path);
        if (kind == StateDictFileKind.Safetensors) return false;
        if (kind == StateDictFileKind.TorchLegacy) return true;
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        Span<byte> head = stackalloc byte[4];
        int n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..n];
        if (n >= 2 && head[0] == 0x80 && head[1] is >= 2 and <= 5) return true; // PROTO opcode of a bare pickle
        if (!TorchZipCheckpoint.HasZipMagic(head)) return false;
        try
        {
            fs.Position = 0;
            using var zip = new System.IO.Compression.ZipArchive(fs, System.IO.Compression.ZipArchiveMode.Read, leaveOpen: true);
            return zip.Entries.Any(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl");
        }
        catch (Exception e) when (e is InvalidDataException or IOException) { return false; } // a damaged zip: not recognisably PyTorch
    }

    private static string Head(string path)
    {
        var head = new byte[8];
        using var fs = File.OpenRead(path);
        int n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return n == 0 ? "nothing (empty file)" : "0x" + Convert.ToHexString(head, 0, n);
    }

    private static LoadedStateDict FromSafetensors(string path, string? key)
    {
        var file = Safetensors.Load(path);
        var picked = new List<KeyValuePair<string, Tensor>>();
        try
        {
            string? prefix = key;
            if (prefix is null && file.Metadata.TryGetValue("format", out var format) && format == Trainer.Checkpoint.Format)
                prefix = "ema"; // our own training checkpoints store "model.*" and "ema.*" side by side
            string p = prefix is null ? "" : prefix + ".";
            foreach (var (name, t) in file.Ordered)
                if (name.StartsWith(p, StringComparison.Ordinal)) picked.Add(new(name[p.Length..], t));
            if (picked.Count == 0)
            {
                var prefixes = file.Names.Select(n => n.Split('.')[0]).Distinct().Take(20);
                throw new InvalidDataException(
                    $"safetensors file '{path}' has no tensors under '{p}'; its names start with: {string.Join(", ", prefixes)}.");
            }
            string what = prefix is null ? $"{picked.Count} tensors"
                : $"'{prefix}' ({picked.Count} tensors{(key is null ? ", the EMA weights of a DiTPlugin checkpoint" : "")})";
            // The file owns every tensor: free the ones not picked, hand the picked ones over.
            var keep = new HashSet<Tensor>(picked.Select(kv => kv.Value), ReferenceEqualityComparer.Instance);
            foreach (var (_, t) in file.Ordered) if (!keep.Contains(t)) t.Dispose();
            return Finish(picked, $"safetensors '{path}': {what}");
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static LoadedStateDict FromTorch(string path, string? key)
    {
        using var ckpt = TorchZipCheckpoint.Open(path);
        var (dict, what) = Pick(ckpt.Root, key, path);
        var refs = new List<KeyValuePair<string, TorchTensorRef>>();
        foreach (var (k, v) in dict.Entries)
        {
            if (v is not TorchTensorRef t) continue; // e.g. a stray int in a state dict, or nested dicts
            if (k is not string name)
                throw new InvalidDataException($"torch checkpoint '{path}': {what} has a tensor under a non-string key ({PickleKinds.Describe(k)}).");
            refs.Add(new(name, t));
        }
        return Finish(ckpt.ReadTensors(refs), $"torch checkpoint '{path}': {what}");
    }

    /// <summary>Finds the state dict inside the unpickled object; errors list what the file holds instead.</summary>
    private static (PickleDict Dict, string What) Pick(object? root, string? key, string path)
    {
        if (root is not PickleDict top)
            throw new InvalidDataException($"torch checkpoint '{path}' holds a {PickleKinds.Describe(root)}, not a dict of tensors.");
        if (key is not null)
        {
            var chosen = Resolve(top, key, path);
            return (chosen, $"'{key}' ({TensorCount(chosen)} tensors)");
        }
        if (IsStateDict(top)) return (top, $"top-level state dict ({top.Count} tensors)");
        foreach (var k in PreferredKeys)
            if (top.TryGetValue(k, out var v) && v is PickleDict d && TensorCount(d) > 0)
                return (d, $"'{k}' ({TensorCount(d)} tensors; other entries: {string.Join(", ", OtherKeys(top, k))})");
        throw new InvalidDataException(
            $"torch checkpoint '{path}' holds no state dict that can be picked automatically (tried a dict of tensors, then " +
            $"{string.Join(", ", PreferredKeys.Select(p => $"'{p}'"))}). Top-level keys: {Listing(top)}. Pass a key to choose one.");
    }

    /// <summary>Follows a dotted path; at each level the longest matching key wins, so keys that contain dots work too.</summary>
    private static PickleDict Resolve(PickleDict top, string key, string path)
    {
        var parts = key.Split('.');
        PickleDict current = top;
        int i = 0;
        while (i < parts.Length)
        {
            bool found = false;
            for (int j = parts.Length; j > i; j--)
            {
                string candidate = string.Join(".", parts[i..j]);
                if (!current.TryGetValue(candidate, out var v)) continue;
                if (v is not PickleDict d)
                    throw new InvalidDataException($"torch checkpoint '{path}': '{key}' leads to {PickleKinds.Describe(v)} at '{candidate}', not a dict of tensors.");
                current = d;
                i = j;
                found = true;
                break;
            }
            if (!found)
                throw new InvalidDataException(
                    $"torch checkpoint '{path}': no key '{parts[i]}' (of '{key}'); the keys there are: {Listing(current)}.");
        }
        if (TensorCount(current) == 0)
            throw new InvalidDataException($"torch checkpoint '{path}': '{key}' holds no tensors; its keys are: {Listing(current)}.");
        return current;
    }

    private static bool IsStateDict(PickleDict d) => d.Count > 0 && d.Entries.All(kv => kv.Value is TorchTensorRef);

    private static int TensorCount(PickleDict d) => d.Entries.Count(kv => kv.Value is TorchTensorRef);

    private static IEnumerable<string> OtherKeys(PickleDict d, string except) =>
        d.Entries.Select(kv => kv.Key as string ?? PickleKinds.Describe(kv.Key)).Where(k => k != except);

    /// <summary>"model (dict, 10 tensors), args (Namespace), step (int)": the first 30 keys, one level deep only.</summary>
    private static string Listing(PickleDict d)
    {
        var items = d.Entries.Take(30).Select(kv =>
        {
            string name = kv.Key as string ?? PickleKinds.Describe(kv.Key);
            string kind = kv.Value is PickleDict sub ? $"{sub}, {TensorCount(sub)} tensors" : PickleKinds.Describe(kv.Value);
            return $"{name} ({kind})";
        });
        return (d.Count == 0 ? "(none)" : string.Join(", ", items)) + (d.Count > 30 ? $", ... ({d.Count} in all)" : "");
    }

    /// <summary>
    /// Strips a leading "module." when every name has it: nn.DataParallel and DistributedDataParallel wrap the model
    /// as their <c>module</c> attribute, so a checkpoint saved from the wrapper (rather than from
    /// <c>model.module</c>) names every weight "module.&lt;name&gt;", which no unwrapped model would match.
    /// </summary>
    private static LoadedStateDict Finish(List<KeyValuePair<string, Tensor>> tensors, string description)
    {
        const string Prefix = "module.";
        if (tensors.Count > 0 && tensors.All(kv => kv.Key.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            tensors = tensors.Select(kv => new KeyValuePair<string, Tensor>(kv.Key[Prefix.Length..], kv.Value)).ToList();
            description += "; stripped the 'module.' prefix (DataParallel/DDP save)";
        }
        var dupes = tensors.GroupBy(kv => kv.Key).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (dupes.Count > 0)
        {
            foreach (var kv in tensors) kv.Value.Dispose();
            throw new InvalidDataException($"{description}: duplicate tensor names {string.Join(", ", dupes.Take(10))}.");
        }
        return new LoadedStateDict(tensors, description);
    }
}

/// <summary>An ordered name → tensor map loaded by <see cref="StateDictFile.Load"/>, with what was picked. Disposing frees the tensors.</summary>
public sealed class LoadedStateDict : IDisposable
{
    private readonly List<KeyValuePair<string, Tensor>> _ordered;
    private readonly Dictionary<string, Tensor> _byName;

    /// <summary>Where the tensors came from and what was picked, e.g. "torch checkpoint 'x.pt': 'ema' (130 tensors; ...)".</summary>
    public string Description { get; }
    public IReadOnlyList<KeyValuePair<string, Tensor>> Ordered => _ordered;
    public IReadOnlyDictionary<string, Tensor> Tensors => _byName;
    public IReadOnlyList<string> Names { get; }
    public int Count => _ordered.Count;

    internal LoadedStateDict(List<KeyValuePair<string, Tensor>> ordered, string description)
    {
        _ordered = ordered;
        _byName = ordered.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        Names = ordered.Select(kv => kv.Key).ToList();
        Description = description;
    }

    public Tensor this[string name] => _byName[name];

    public override string ToString() => Description;

    public void Dispose()
    {
        foreach (var kv in _ordered) kv.Value.Dispose();
    }
}
