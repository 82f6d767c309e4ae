using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json.Nodes;
using DiTPlugin.Runtime;
using NUnit.Framework;

namespace DiTPlugin.Tests.Hostile;

/// <summary>Shorthands for the targeted tests: write a package, load it through <see cref="LoadProbe"/>, expect an outcome.</summary>
public static class Probe
{
    /// <summary>Loads <paramref name="path"/> and asserts a well-formed refusal; returns the exception.</summary>
    public static ModelPackageException Refused(string path, Action? onTimeout = null)
    {
        var r = LoadProbe.Run(path, onTimeout);
        Assert.That(r.Problem, Is.Null, r.Message);
        Assert.That(r.Loaded, Is.False, "the package loaded, but must be refused");
        return r.Error!;
    }

    public static ModelPackageException Refused(IReadOnlyDictionary<string, byte[]> files)
    {
        using var dir = new TempDir();
        return Refused(BasePackages.Write(dir.Path, files));
    }

    /// <summary>The tiny pixel package with <paramref name="edit"/> applied to its manifest, refused.</summary>
    public static ModelPackageException RefusedManifest(Action<JsonObject> edit, IReadOnlyDictionary<string, byte[]>? files = null)
    {
        files ??= BasePackages.Pixel;
        var m = BasePackages.Manifest(files);
        edit(m);
        return Refused(BasePackages.WithManifest(files, m));
    }

    public static LoadProbe.Result Loads(IReadOnlyDictionary<string, byte[]> files)
    {
        using var dir = new TempDir();
        var r = LoadProbe.Run(BasePackages.Write(dir.Path, files));
        Assert.That(r.Problem, Is.Null, r.Message);
        Assert.That(r.Loaded, Is.True, r.Message);
        return r;
    }

    public static LoadProbe.Result LoadsManifest(Action<JsonObject> edit)
    {
        var m = BasePackages.Manifest(BasePackages.Pixel);
        edit(m);
        return Loads(BasePackages.WithManifest(BasePackages.Pixel, m));
    }

    public static string WriteZip(TempDir dir, byte[] zip)
    {
        string path = Path.Combine(dir.Path, "package.zip");
        File.WriteAllBytes(path, zip);
        return path;
    }
}
