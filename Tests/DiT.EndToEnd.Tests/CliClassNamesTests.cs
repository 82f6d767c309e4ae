using System;
using System.Collections.Generic;
using System.Linq;
using DiT.Cli;
using DiTPlugin.Tests;
using NUnit.Framework;
using PluginDiT = DiTPlugin.DiT;

namespace DiTPlugin.EndToEnd.Tests;

/// <summary>
/// `dit sample --classes` and the Plugin resolve a class name to the same class, with the same message: the CLI over
/// a checkpoint's names, the Plugin over a loaded package with those names (ImageNet's 1000).
/// </summary>
public class CliClassNamesTests
{
    private TempDir _dir = null!;
    private PluginDiT _dit = null!;

    [OneTimeSetUp]
    public void Load()
    {
        _dir = new TempDir();
        ImageNetTinyPackage.Write(_dir.Path);
        _dit = PluginDiT.Load(_dir.Path);
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        _dit.Dispose();
        _dir.Dispose();
    }

    [TestCase("tabby")]
    [TestCase("retriever")]
    [TestCase("golden retreiver")]
    [TestCase("crane")]
    [TestCase("Carcharodon carcharias")]
    [TestCase("T-SHIRT")]
    [TestCase("retr gold")]
    public void ANameIsTheSameClassInBoth(string name)
    {
        var plugin = _dit.ResolveClass(name);
        var notes = new List<string>();
        var ids = ClassSpec.Parse(name, ClassSpec.Catalog(_dit.Classes, _dit.Classes.Count), notes);
        Assert.That(ids, Is.EqualTo(new[] { plugin.Id!.Value }));
        Assert.That(_dit.Generate(new GenerationOptions { ClassNames = new[] { name }, Steps = 1 })[0].Recipe.ClassId, Is.EqualTo(ids[0]));
        Assert.That(notes, Is.EqualTo(plugin.NeedsAttention ? new[] { plugin.Message } : Array.Empty<string>()));
    }

    [Test]
    public void AnUnknownNameGetsTheSameSuggestions()
    {
        const string name = "golden retriever puppy";
        var cli = Assert.Throws<ArgumentException>(() => ClassSpec.Parse(name, ClassSpec.Catalog(_dit.Classes, _dit.Classes.Count)))!;
        var plugin = Assert.Throws<ArgumentException>(() => _dit.Generate(name))!;
        string resolution = _dit.ResolveClass(name).Message;
        Assert.That(cli.Message, Does.StartWith("--classes: " + resolution + " Classes: "));
        Assert.That(plugin.Message, Does.StartWith(resolution + " Classes: "));
    }
}
