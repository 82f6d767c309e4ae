using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using DiTPlugin.TestSupport;
using NUnit.Framework;

namespace DiTPlugin.Unity.Tests;

/// <summary>The UPM package follows Unity's conventions, and nothing build-only sits where Unity would import it.</summary>
public class PackageLayoutTests
{
    private static string Package => RepoPaths.Find("Packages/com.ditplugin.texturegen");

    private static JsonElement Json(string relative) => JsonDocument.Parse(File.ReadAllText(Path.Combine(Package, relative))).RootElement;

    [Test]
    public void PackageJsonHasTheFieldsUnityNeeds()
    {
        var p = Json("package.json");
        Assert.That(p.GetProperty("name").GetString(), Is.EqualTo("com.ditplugin.texturegen"));
        Assert.That(p.GetProperty("version").GetString(), Does.Match(@"^\d+\.\d+\.\d+$"));
        Assert.That(p.GetProperty("unity").GetString(), Is.EqualTo("2021.3"));
        Assert.That(p.GetProperty("displayName").GetString(), Is.Not.Empty);
        foreach (var s in p.GetProperty("samples").EnumerateArray())
            Assert.That(Directory.Exists(Path.Combine(Package, s.GetProperty("path").GetString()!)), Is.True, s.ToString());
    }

    [Test]
    public void LicenceAndReleaseFieldsPointAtFilesThatExist()
    {
        var p = Json("package.json");
        Assert.That(p.GetProperty("license").GetString(), Is.EqualTo("MIT"));
        Assert.That(File.ReadAllText(Path.Combine(Package, "LICENSE.md")), Does.StartWith("MIT License"));
        Assert.That(File.ReadAllText(RepoPaths.Find("LICENSE")), Is.EqualTo(File.ReadAllText(Path.Combine(Package, "LICENSE.md"))), "the package carries the repository's licence");
        Assert.That(p.GetProperty("unityRelease").GetString(), Does.Match(@"^\d+[abfp]\d+$"));
        foreach (var (field, file) in new[] { ("documentationUrl", "Documentation~/index.md"), ("changelogUrl", "CHANGELOG.md"), ("licensesUrl", "LICENSE.md") })
        {
            string url = p.GetProperty(field).GetString()!;
            Assert.That(url, Does.StartWith("https://").And.EndWith("/Packages/com.ditplugin.texturegen/" + file), field);
            Assert.That(File.Exists(Path.Combine(Package, file)), Is.True, file);
        }
        // Keep a Changelog: "## [x.y.z] - YYYY-MM-DD" for every release, an Unreleased section on top.
        var changelog = File.ReadAllLines(Path.Combine(Package, "CHANGELOG.md")).Where(l => l.StartsWith("## ", StringComparison.Ordinal)).ToList();
        Assert.That(changelog[0], Is.EqualTo("## [Unreleased]"));
        Assert.That(changelog.Skip(1), Is.Not.Empty.And.All.Match(@"^## \[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}$"));
        Assert.That(changelog.Any(l => l.Contains("[" + p.GetProperty("version").GetString() + "]")), Is.True, "the current version has an entry");
        // Every binary pack_unity.sh ships is listed in the notices.
        var notices = File.ReadAllText(Path.Combine(Package, "Third Party Notices.md"));
        foreach (var f in new[] { "DiTPlugin.dll", "DiTPlugin.Contract.dll", "Microsoft.ML.OnnxRuntime.dll", "libonnxruntime.so", "libonnxruntime_providers_shared.so", "libonnxruntime.dylib",
                     "onnxruntime.dll", "onnxruntime_providers_shared.dll", "DirectML.dll", "System.Text.Json.dll", "System.Text.Encodings.Web.dll",
                     "System.IO.Pipelines.dll", "Microsoft.Bcl.AsyncInterfaces.dll", "System.Runtime.CompilerServices.Unsafe.dll", "StbImageWriteSharp.dll" })
            Assert.That(notices, Does.Contain(f));
    }

    [Test]
    public void AsmdefsReferenceEachOtherByName()
    {
        var core = Json("Runtime/Core/DiTPlugin.TextureGen.Core.asmdef");
        var runtime = Json("Runtime/DiTPlugin.TextureGen.asmdef");
        var editor = Json("Editor/DiTPlugin.TextureGen.Editor.asmdef");
        Assert.That(core.GetProperty("noEngineReferences").GetBoolean(), Is.True, "the core stays Unity-free");
        Assert.That(runtime.GetProperty("references").EnumerateArray().Select(e => e.GetString()), Is.EquivalentTo(new[] { core.GetProperty("name").GetString() }));
        Assert.That(editor.GetProperty("references").EnumerateArray().Select(e => e.GetString()),
            Is.EquivalentTo(new[] { runtime.GetProperty("name").GetString(), core.GetProperty("name").GetString() }));
        Assert.That(editor.GetProperty("includePlatforms").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "Editor" }));
    }

    [Test]
    public void CoreScriptsDoNotUseUnityAndEditorScriptsStayInEditor()
    {
        foreach (var f in Directory.GetFiles(Path.Combine(Package, "Runtime", "Core"), "*.cs"))
            Assert.That(File.ReadAllText(f), Does.Not.Contain("using UnityEngine").And.Not.Contain("using UnityEditor"), f);
        foreach (var f in Directory.GetFiles(Path.Combine(Package, "Runtime"), "*.cs", SearchOption.AllDirectories))
            Assert.That(File.ReadAllText(f), Does.Not.Contain("using UnityEditor"), f);
    }

    [Test]
    public void NoBuildOnlyFilesInsideThePackage()
    {
        // Unity imports everything outside folders ending in '~'; project files and the stub live in build/unity.
        var imported = Directory.GetFiles(Package, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(Package, f).Split(Path.DirectorySeparatorChar).Any(part => part.EndsWith("~", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(Package, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("Plugins/", StringComparison.Ordinal) || f == "Plugins/README.md")   // pack_unity.sh output
            .ToArray();
        Assert.That(imported.Where(f => f.EndsWith(".csproj") || f.Contains("/bin/") || f.Contains("/obj/")), Is.Empty);
        Assert.That(imported.Where(f => f.EndsWith(".cs")).Where(f => !f.StartsWith("Runtime/") && !f.StartsWith("Editor/")), Is.Empty);
        Assert.That(imported, Does.Contain("package.json").And.Contain("README.md").And.Contain("Plugins/README.md"));
    }
}
