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
