using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace DiTPlugin.Tests.Hostile;

/// <summary>
/// The hostile corpus (<see cref="HostileCorpus"/>) through DiT.Load: every case must load or be refused with a
/// well-formed ModelPackageException, within <see cref="LoadProbe.Timeout"/> and <see cref="LoadProbe.AllocationCap"/>.
/// Each test runs one family and reports every failing case with its name, so a failure reproduces from the seed.
/// The default families take a few seconds; <see cref="Soak"/> runs far more random cases and is explicit.
/// </summary>
public class PackageFuzzTests
{
    private const int Seed = 20240611;

    private static void RunAll(IEnumerable<HostileCase> cases)
    {
        var failures = new List<string>();
        int n = 0, loaded = 0;
        var clock = Stopwatch.StartNew();
        using var dir = new TempDir();
        foreach (var c in cases)
        {
            string caseDir = Path.Combine(dir.Path, (n++).ToString());
            Directory.CreateDirectory(caseDir);
            BuiltCase built;
            try { built = c.Build(caseDir); }
            catch (Exception ex) { failures.Add($"{c}: could not be built: {ex.Message}"); continue; }
            var r = LoadProbe.Run(built.Path, built.OnTimeout);
            if (r.Loaded) loaded++;
            string? problem = r.Problem
                ?? (c.Expect == Expect.Refused && r.Loaded ? "loaded, but must be refused" : null)
                ?? (c.Expect == Expect.Loaded && !r.Loaded ? "refused, but is valid" : null)
                ?? (r.Error is { } e ? c.Contains.Where(s => !e.Message.Contains(s, StringComparison.Ordinal)).Select(s => $"message lacks \"{s}\"").FirstOrDefault() : null)
                ?? (r.Error is { } e2 ? c.Excludes.Where(s => e2.Message.Contains(s, StringComparison.OrdinalIgnoreCase)).Select(s => $"message reveals \"{s}\"").FirstOrDefault() : null);
            if (problem != null) failures.Add($"{c}: {problem} — {r.Message}");
            try { Directory.Delete(caseDir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        TestContext.Out.WriteLine($"{n} cases ({loaded} loaded, {n - loaded} refused) in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.That(failures, Is.Empty, string.Join(Environment.NewLine, failures.Take(40)));
    }

    [Test] public void TruncatedManifests() => RunAll(HostileCorpus.ManifestTruncations(Seed, 40));
    [Test] public void FlippedManifestBits() => RunAll(HostileCorpus.ManifestBitFlips(Seed, 60));
    [Test] public void WrongJsonTypesForEveryField() => RunAll(HostileCorpus.WrongTypes());
    [Test] public void HugeNumbers() => RunAll(HostileCorpus.HugeNumbers());
    [Test] public void RepeatedKeys() => RunAll(HostileCorpus.RepeatedKeys());
    [Test] public void TruncatedGraphsWithMatchingHashes() => RunAll(HostileCorpus.GraphTruncations(Seed, 40));
    [Test] public void FlippedGraphBitsWithMatchingHashes() => RunAll(HostileCorpus.GraphBitFlips(Seed, 60));
    [Test] public void ForeignGraphs() => RunAll(HostileCorpus.ForeignGraphs(Seed));
    [Test] public void HostilePaths() => RunAll(HostileCorpus.PathCases());
    [Test] public void Zips() => RunAll(HostileCorpus.ZipCases(Seed, 30, 40));

    [Test]
    public void SpecialFiles()
    {
        Hostile.SpecialFiles.RequireUnix();
        RunAll(HostileCorpus.SpecialFileCases());
    }

    /// <summary>Many more random truncations and bit flips (minutes): run with --filter Name=Soak.</summary>
    [Test, Explicit("long soak")]
    public void Soak([Values(1, 2, 3)] int round)
    {
        int seed = Seed + round;
        RunAll(HostileCorpus.ManifestTruncations(seed, 300)
            .Concat(HostileCorpus.ManifestBitFlips(seed, 1000))
            .Concat(HostileCorpus.GraphTruncations(seed, 300))
            .Concat(HostileCorpus.GraphBitFlips(seed, 1000))
            .Concat(HostileCorpus.ZipCases(seed, 300, 1000)));
    }
}
