using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using DiTPlugin.TestSupport;
using DiT.Training.Formats;
using DiT.Training.Import;
using DiT.Training.Model;
using DiT.Training.Tests.Trainer;
using DiT.Training.Trainer;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Formats.Fuzz;

/// <summary>
/// Seeded fuzzing of every file format `dit` reads: valid safetensors files, PyTorch .pt files (Tests/fixtures) and
/// DiTPlugin checkpoints, cut at many offsets, with bytes flipped, with wrong JSON types, extreme numbers and
/// duplicate keys in headers and metadata, and with damaged pickles re-zipped under correct CRCs. Each input must
/// load or fail with an error the CLI prints as one line naming the file (HostileRun), within a time and memory
/// budget. The default run takes seconds; <see cref="Soak"/> runs many more cases with other seeds.
/// </summary>
public class FuzzTests : TempDirectoryTest
{
    private const string Marker = "/tmp/ditplugin-pickle-fixture-marker-must-not-exist";

    private static string Fixture(string name) => RepoPaths.Find("Tests/fixtures/" + name);

    [Test]
    public void SafetensorsFilesFailCleanly() => FuzzSafetensors(seed: 1, scale: 1);

    [Test]
    public void CheckpointsFailCleanly() => FuzzCheckpoints(seed: 2, scale: 1);

    [Test]
    public void PyTorchFilesFailCleanly() => FuzzTorch(seed: 3, scale: 1);

    /// <summary>Twenty times the cases, three other seeds each: a few minutes. Run by hand after touching a reader.</summary>
    [Test, Explicit("soak: several minutes")]
    public void Soak([Values(101, 102, 103)] int seed)
    {
        FuzzSafetensors(seed, scale: 20);
        FuzzCheckpoints(seed, scale: 20);
        FuzzTorch(seed, scale: 20);
    }

    // ---- safetensors -------------------------------------------------------------------------------------------

    /// <summary>A small file with every kind of entry: several dtypes, an empty and a 0-d tensor, metadata.</summary>
    private static byte[] SafetensorsSeed()
    {
        var tensors = new Dictionary<string, Tensor>
        {
            ["a.weight"] = arange(6, dtype: float32).reshape(2, 3),
            ["b.half"] = ones(4, dtype: float16),
            ["c.ids"] = tensor(new long[] { -1, 0, long.MaxValue }),
            ["d.bytes"] = tensor(new byte[] { 1, 2, 3, 4, 5 }),
            ["e.mask"] = tensor(new[] { true, false }),
            ["f.empty"] = zeros(0, 4),
            ["g.scalar"] = tensor(2.5),
        };
        try { return Safetensors.Serialize(tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünï" }); }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
    }

    /// <summary>(header JSON, data buffer) of a safetensors file.</summary>
    private static (string Header, byte[] Buffer) Split(byte[] file)
    {
        int n = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (Encoding.UTF8.GetString(file, 8, n), file[(8 + n)..]);
    }

    private static byte[] Join(string header, byte[] buffer, ulong? length = null) => SafetensorsBytes.Build(header, buffer, length);

    /// <summary>Wrong length prefixes: 0, one off either way, past the file, past the 100 MB limit, 2^64 - 1.</summary>
    private static ulong HostileLength(int real, int fileLength, Random rng) => rng.Next(7) switch
    {
        0 => 0,
        1 => (ulong)real - 1,
        2 => (ulong)real + 1,
        3 => (ulong)fileLength,
        4 => SafetensorsHeader.MaxHeaderLength + 1,
        5 => ulong.MaxValue,
        _ => (ulong)rng.NextInt64(),
    };

    private void FuzzSafetensors(int seed, int scale)
    {
        var rng = new Random(seed);
        var run = new HostileRun();
        const string Source = "fuzz.safetensors";
        var seedFile = SafetensorsSeed();
        var (header, buffer) = Split(seedFile);
        int headerEnd = 8 + Encoding.UTF8.GetByteCount(header);
        string onDisk = Path.Combine(Dir, Source);

        void Load(string name, byte[] bytes)
        {
            run.Case(name, Source, () => Safetensors.Load(bytes, Source).Dispose());
            // Every 8th case also from disk through the format sniffing of `dit import`.
            if (run.Cases % 8 == 0)
            {
                File.WriteAllBytes(onDisk, bytes);
                run.Case(name + " (StateDictFile)", onDisk, () => StateDictFile.Load(onDisk).Dispose());
            }
        }

        foreach (int cut in ByteMutations.CutPoints(seedFile.Length, 40 * scale, 40 * scale, rng))
            Load($"cut {cut}", seedFile[..cut]);
        for (int i = 0; i < 300 * scale; i++)
        {
            bool inHeader = i % 4 != 0;
            var (bytes, what) = ByteMutations.Damage(seedFile, 0, inHeader ? headerEnd : seedFile.Length, rng);
            Load($"damage {what}", bytes);
        }
        for (int i = 0; i < 400 * scale; i++)
        {
            string mutated = JsonMutations.Mutate(header, rng, out var what);
            int length = Encoding.UTF8.GetByteCount(mutated);
            ulong? prefix = i % 8 == 7 ? HostileLength(length, 8 + length + buffer.Length, rng) : null;
            Load($"header {what}{(prefix is null ? "" : $" length {prefix}")}", Join(mutated, buffer, prefix));
        }
        // A real model file's header and data, cut through.
        var real = File.ReadAllBytes(Fixture("dit_tiny_reference.safetensors"));
        foreach (int cut in ByteMutations.CutPoints(real.Length, 10 * scale, 10 * scale, rng))
            Load($"reference cut {cut}", real[..cut]);
        run.AssertClean(minimumRefused: run.Cases / 2);
    }

    // ---- checkpoints -------------------------------------------------------------------------------------------

    private static readonly string[] MetadataFields = { "format", "config", "step", "options", "class_names", "provenance", "sampling" };

    private void FuzzCheckpoints(int seed, int scale)
    {
        var rng = new Random(seed);
        var run = new HostileRun();
        var seedFile = File.ReadAllBytes(TinyCheckpoint.Write(Dir, "seed.ckpt"));
        var (header, buffer) = Split(seedFile);
        int headerEnd = 8 + Encoding.UTF8.GetByteCount(header);
        string path = Path.Combine(Dir, "fuzz.ckpt");

        void Load(string name, byte[] bytes)
        {
            File.WriteAllBytes(path, bytes);
            run.Case(name, path, () =>
            {
                using var c = Checkpoint.Load(path);
                using var ema = c.CreateModel();
                if (c.Model.Count > 0) c.CreateModel(ema: false).Dispose();
                // A checkpoint that loads is usable: its weights pass the same checks as at import and export.
                if (WeightCheck.Problems(c.Ema).Count > 0) throw new InvalidOperationException("loaded, but with unusable weights");
            });
        }

        foreach (int cut in ByteMutations.CutPoints(seedFile.Length, 30 * scale, 20 * scale, rng))
            Load($"cut {cut}", seedFile[..cut]);
        for (int i = 0; i < 60 * scale; i++)
        {
            var (bytes, what) = ByteMutations.Damage(seedFile, 0, i % 3 == 0 ? seedFile.Length : headerEnd, rng);
            Load($"damage {what}", bytes);
        }
        // The metadata values are JSON (or plain) text inside the header's __metadata__ map: damage one field.
        for (int i = 0; i < 200 * scale; i++)
        {
            var h = JsonNode.Parse(header)!.AsObject();
            var meta = h["__metadata__"]!.AsObject();
            string field = MetadataFields[rng.Next(MetadataFields.Length)];
            string what;
            int r = rng.Next(10);
            if (r == 0) { meta.Remove(field); what = $"{field} removed"; }
            else if (r == 1 || !meta.ContainsKey(field)) { meta[field] = JsonMutations.AnyValue(rng); what = $"{field}={meta[field]}"; }
            else
            {
                meta[field] = JsonMutations.Mutate((string)meta[field]!, rng, out var how);
                what = $"{field} {how}";
            }
            Load($"metadata {what}", Join(h.ToJsonString(), buffer));
        }
        for (int i = 0; i < 60 * scale; i++)
        {
            string mutated = JsonMutations.Mutate(header, rng, out var what);
            Load($"header {what}", Join(mutated, buffer));
        }
        run.AssertClean(minimumRefused: run.Cases / 2);
    }

    // ---- PyTorch files ------------------------------------------------------------------------------------------

    private void FuzzTorch(int seed, int scale)
    {
        var rng = new Random(seed);
        var run = new HostileRun();
        string path = Path.Combine(Dir, "fuzz.pt");

        void Load(string name, byte[] bytes, bool import)
        {
            File.WriteAllBytes(path, bytes);
            run.Case(name, path, () =>
            {
                using var sd = StateDictFile.Load(path);
                // The fixture is the reference DiT: depth 2, hidden 64, 4 heads (a width whose head count the shapes cannot give).
                if (import) DiTImporter.Import(sd.Tensors, path, new DiTImporter.Options { Hints = new() { NumHeads = 4 } }).Dispose();
            });
        }

        foreach (var (fixture, import) in new[]
                 {
                     ("torch_state_dict.pt", false), ("torch_state_dict_proto4.pt", false), ("torch_wrapped_checkpoint.pt", false),
                     ("torch_malicious.pt", false), ("dit_tiny_official.pt", true),
                 })
        {
            var data = File.ReadAllBytes(Fixture(fixture));
            foreach (int cut in ByteMutations.CutPoints(data.Length, 10 * scale, 10 * scale, rng))
                Load($"{fixture} cut {cut}", data[..cut], import);
            for (int i = 0; i < 20 * scale; i++)
            {
                var (bytes, what) = ByteMutations.Damage(data, 0, data.Length, rng);
                Load($"{fixture} damage {what}", bytes, import);
            }
            // Past the CRC: damage data.pkl or resize a storage record, then re-zip with correct checksums.
            var records = ZipRecords.Read(data);
            int pkl = records.FindIndex(r => r.Name.EndsWith("/data.pkl", StringComparison.Ordinal));
            for (int i = 0; i < 80 * scale; i++)
            {
                var edited = records.ToList();
                string what;
                if (i % 5 == 4)
                {
                    int k = rng.Next(edited.Count);
                    var (name, bytes) = edited[k];
                    int newLength = rng.Next(2) == 0 ? rng.Next(bytes.Length + 1) : bytes.Length + 1 + rng.Next(16);
                    edited[k] = (name, bytes.Concat(new byte[Math.Max(0, newLength - bytes.Length)]).Take(newLength).ToArray());
                    what = $"{name} resized {bytes.Length}->{newLength}";
                }
                else
                {
                    var (damaged, how) = ByteMutations.Damage(records[pkl].Data, 0, records[pkl].Data.Length, rng);
                    edited[pkl] = (records[pkl].Name, damaged);
                    what = $"data.pkl {how}";
                }
                Load($"{fixture} {what}", ZipRecords.Write(edited), import);
            }
        }
        Assert.That(File.Exists(Marker), Is.False, "the malicious pickle's payload must never run");
        run.AssertClean(minimumRefused: run.Cases / 3);
    }
}
