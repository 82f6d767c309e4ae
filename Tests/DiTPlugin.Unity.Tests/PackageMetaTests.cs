using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using DiTPlugin.TestSupport;
using NUnit.Framework;

namespace DiTPlugin.Unity.Tests;

/// <summary>
/// What makes the package import into Unity from a git URL: a .meta beside every asset (Unity ignores assets without
/// one in an immutable package), GUIDs that are well formed, unique and never change (build/unity/package-guids.txt),
/// asmdef references that resolve, and native libraries enabled for their platform (build/unity/unity_meta.py).
/// </summary>
public class PackageMetaTests
{
    private static string Package => RepoPaths.Find("Packages/com.ditplugin.texturegen");
    private static readonly Regex GuidLine = new(@"^guid: ([0-9a-f]{32})$", RegexOptions.Multiline);

    /// <summary>Package-relative paths (with '/') of every file and folder Unity imports.</summary>
    private static List<string> Assets(string root)
    {
        var list = new List<string>();
        void Walk(string dir, string rel)
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir).OrderBy(e => e, StringComparer.Ordinal))
            {
                string name = Path.GetFileName(entry);
                string r = rel.Length == 0 ? name : rel + "/" + name;
                if (name.StartsWith('.') || name.EndsWith(".meta", StringComparison.Ordinal)) continue;
                bool hidden = name.EndsWith('~');
                // Unity skips "~" folders; the samples inside Samples~ are copied into Assets/ on import, with their metas.
                if (hidden && !(rel.Length == 0 && name == "Samples~")) continue;
                if (!hidden) list.Add(r);
                if (Directory.Exists(entry)) Walk(entry, r);
            }
        }
        Walk(root, "");
        return list;
    }

    private static string GuidOf(string metaPath)
    {
        var m = GuidLine.Matches(File.ReadAllText(metaPath));
        Assert.That(m, Has.Count.EqualTo(1), $"{metaPath}: exactly one 'guid: <32 lower-case hex digits>' line");
        return m[0].Groups[1].Value;
    }

    private static Dictionary<string, string> Lock()
    {
        var lines = File.ReadAllLines(RepoPaths.Find("build/unity/package-guids.txt")).Where(l => l.Length > 0 && !l.StartsWith('#'));
        return lines.Select(l => l.Split("  ", 2)).ToDictionary(p => p[1], p => p[0]);
    }

    [Test]
    public void EveryAssetHasExactlyOneMetaAndEveryMetaAnAsset()
    {
        var assets = Assets(Package);
        Assert.That(assets, Has.Count.GreaterThan(20));
        foreach (var a in assets)
            Assert.That(File.Exists(Path.Combine(Package, a + ".meta")), Is.True, $"{a} has no .meta: run 'python3 build/unity/unity_meta.py'");
        var set = assets.ToHashSet();
        foreach (var meta in Directory.EnumerateFiles(Package, "*.meta", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(Package, meta).Replace('\\', '/');
            Assert.That(set.Contains(rel[..^".meta".Length]), Is.True, $"{rel} belongs to no asset (deleted or renamed file?)");
        }
        var folderMeta = File.ReadAllText(Path.Combine(Package, "Editor.meta"));
        Assert.That(folderMeta, Does.Contain("folderAsset: yes"));
        Assert.That(File.ReadAllText(Path.Combine(Package, "Editor/DiTTextureWindow.cs.meta")), Does.Contain("MonoImporter:"));
        Assert.That(File.ReadAllText(Path.Combine(Package, "package.json.meta")), Does.Contain("PackageManifestImporter:"));
    }

    [Test]
    public void GuidsAreWellFormedUniqueAndThoseOfTheLockFile()
    {
        var locked = Lock();
        var seen = new Dictionary<string, string>();
        foreach (var a in Assets(Package).Where(a => !a.StartsWith("Plugins/", StringComparison.Ordinal) || a == "Plugins/README.md"))
        {
            string guid = GuidOf(Path.Combine(Package, a + ".meta"));
            Assert.That(seen.TryAdd(guid, a), Is.True, $"{a} and {(seen.TryGetValue(guid, out var other) ? other : "")} share GUID {guid}");
            Assert.That(locked.TryGetValue(a, out var want), Is.True, $"{a} is not in build/unity/package-guids.txt: run 'python3 build/unity/unity_meta.py'");
            Assert.That(guid, Is.EqualTo(want), $"{a}.meta's GUID changed from the committed {want}: scenes that use it would lose the reference");
        }
        foreach (var path in locked.Keys)
            Assert.That(seen.ContainsValue(path), Is.True, $"package-guids.txt lists '{path}', which is not in the package (if it moved, move the line so its GUID follows)");
        Assert.That(locked.Values.Distinct().Count(), Is.EqualTo(locked.Count), "the lock file has a GUID twice");
    }

    [Test]
    public void AsmdefReferencesResolveWithinThePackage()
    {
        var asmdefs = Directory.EnumerateFiles(Package, "*.asmdef", SearchOption.AllDirectories)
            .Where(p => !p.Contains('~'))
            .Select(p => (Path: p, Json: JsonDocument.Parse(File.ReadAllText(p)).RootElement, Guid: GuidOf(p + ".meta"))).ToList();
        Assert.That(asmdefs, Has.Count.EqualTo(3));
        var byName = asmdefs.ToDictionary(a => a.Json.GetProperty("name").GetString()!, a => a);
        foreach (var a in asmdefs)
        {
            Assert.That(Path.GetFileNameWithoutExtension(a.Path), Is.EqualTo(a.Json.GetProperty("name").GetString()), "the file is named after the assembly");
            foreach (var r in a.Json.GetProperty("references").EnumerateArray().Select(e => e.GetString()!))
            {
                bool resolves = r.StartsWith("GUID:", StringComparison.Ordinal) ? asmdefs.Any(x => x.Guid == r[5..]) : byName.ContainsKey(r);
                Assert.That(resolves, Is.True, $"{Path.GetFileName(a.Path)} references '{r}', which is no asmdef of the package");
            }
        }
        // No cycles: Core → nothing, Runtime → Core, Editor → both.
        var depth = new Dictionary<string, int>();
        int Depth(string name, int guard) => guard > byName.Count ? throw new AssertionException($"asmdef reference cycle through {name}")
            : depth.TryGetValue(name, out var d) ? d
            : depth[name] = 1 + byName[name].Json.GetProperty("references").EnumerateArray().Select(e => Depth(e.GetString()!, guard + 1)).DefaultIfEmpty(0).Max();
        foreach (var n in byName.Keys) Depth(n, 0);
    }

    /// <summary>Runs build/unity/unity_meta.py (what build/pack_unity.sh calls) over a Plugins/ layout of empty files.</summary>
    private static string WritePluginMetas()
    {
        var dir = Directory.CreateTempSubdirectory("ditplugin-metas-").FullName;
        foreach (var f in new[] { "Managed/DiTPlugin.dll", "Managed/System.Runtime.CompilerServices.Unsafe.dll", "Linux/x86_64/libonnxruntime.so",
                     "macOS/arm64/libonnxruntime.dylib", "Windows/x86_64/onnxruntime.dll", "Windows/x86_64/DirectML.dll" })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, f))!);
            File.WriteAllBytes(Path.Combine(dir, f), Array.Empty<byte>());
        }
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(RepoPaths.Find("build/unity/unity_meta.py"));
        psi.ArgumentList.Add("plugins");
        psi.ArgumentList.Add(dir);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.EqualTo(0), err);
        return dir;
    }

    /// <summary>The platformData entries of a PluginImporter meta: (key, value) → (enabled, settings).</summary>
    private static Dictionary<string, (bool Enabled, Dictionary<string, string> Settings)> Platforms(string meta)
    {
        var result = new Dictionary<string, (bool, Dictionary<string, string>)>();
        var blocks = Regex.Split(File.ReadAllText(meta), @"^  - first:\n", RegexOptions.Multiline).Skip(1);
        foreach (var b in blocks)
        {
            var key = Regex.Match(b, @"^      ([^:\n]*): ?([^\n]*)\n").Groups;
            var enabled = Regex.Match(b, @"^      enabled: (\d)$", RegexOptions.Multiline).Groups[1].Value == "1";
            var settings = Regex.Matches(b, @"^        ([^:\n]+): ([^\n]*)$", RegexOptions.Multiline).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            result[key[1].Value + ":" + key[2].Value] = (enabled, settings);
        }
        return result;
    }

    [TestCase("Linux/x86_64/libonnxruntime.so", "Linux64", "Linux", "x86_64")]
    [TestCase("macOS/arm64/libonnxruntime.dylib", "OSXUniversal", "OSX", "ARM64")]
    [TestCase("Windows/x86_64/onnxruntime.dll", "Win64", "Windows", "x86_64")]
    [TestCase("Windows/x86_64/DirectML.dll", "Win64", "Windows", "x86_64")]
    public void NativeLibrariesAreEnabledForTheirPlatformOnly(string file, string player, string editorOs, string cpu)
    {
        var dir = WritePluginMetas();
        try
        {
            var p = Platforms(Path.Combine(dir, file + ".meta"));
            Assert.That(p.Values.Count(v => v.Enabled), Is.EqualTo(2), "the editor and one player platform");
            Assert.That(p["Editor:Editor"].Enabled, Is.True);
            Assert.That((p["Editor:Editor"].Settings["OS"], p["Editor:Editor"].Settings["CPU"]), Is.EqualTo((editorOs, cpu)));
            foreach (var standalone in new[] { "Linux64", "OSXUniversal", "Win", "Win64" })
                Assert.That(p["Standalone:" + standalone].Enabled, Is.EqualTo(standalone == player), standalone);
            Assert.That(p["Standalone:" + player].Settings["CPU"], Is.EqualTo(cpu));
            Assert.That(p["Any:"].Enabled, Is.False, "never 'any platform': a Linux .so must not reach a Windows build");
            Assert.That(GuidOf(Path.Combine(dir, file + ".meta")), Is.EqualTo(GuidOf(Path.Combine(WritePluginMetas(), file + ".meta"))), "stable GUIDs");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Test]
    public void ManagedAssembliesLoadEverywhereAndUnsafeCanBeSwitchedOff()
    {
        var dir = WritePluginMetas();
        try
        {
            var plugin = Platforms(Path.Combine(dir, "Managed/DiTPlugin.dll.meta"));
            Assert.That(plugin["Any:"].Enabled, Is.True);
            Assert.That(File.ReadAllText(Path.Combine(dir, "Managed/DiTPlugin.dll.meta")), Does.Contain("defineConstraints: []"));
            // com.unity.collections (and others) ship the same assembly: a project that has it defines DITPLUGIN_NO_UNSAFE.
            Assert.That(File.ReadAllText(Path.Combine(dir, "Managed/System.Runtime.CompilerServices.Unsafe.dll.meta")),
                Does.Contain("defineConstraints:\n  - \"!DITPLUGIN_NO_UNSAFE\""));
            Assert.That(File.Exists(Path.Combine(dir, "Managed.meta")) && File.ReadAllText(Path.Combine(dir, "Managed.meta")).Contains("folderAsset: yes"), Is.True);
        }
        finally { Directory.Delete(dir, true); }
    }
}
