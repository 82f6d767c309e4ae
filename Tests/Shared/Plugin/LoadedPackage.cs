using System;
using System.Collections.Generic;

namespace DiTPlugin.Tests;

/// <summary>
/// A test package written to a fresh folder and loaded once: what a fixture's OneTimeSetUp makes and its
/// OneTimeTearDown disposes. <see cref="Log"/> collects the Plugin's log lines (lock it to read or clear).
/// </summary>
public sealed class LoadedPackage : IDisposable
{
    private readonly TempDir _dir = new TempDir();

    public DiT Dit { get; }
    public string Path => _dir.Path;
    public List<string> Log { get; } = new List<string>();

    private LoadedPackage(Action<string> write, DiTOptions? options)
    {
        write(_dir.Path);
        options ??= new DiTOptions();
        options.Log ??= m => { lock (Log) Log.Add(m); };
        Dit = DiT.Load(_dir.Path, options);
    }

    /// <summary>The hand-encoded tiny pixel package (<see cref="TinyOnnxModel"/>).</summary>
    public static LoadedPackage Tiny(DiTOptions? options = null) => new LoadedPackage(d => TinyOnnxModel.WritePackage(d), options);

    /// <summary>A package that <paramref name="write"/> puts in a fresh folder.</summary>
    public static LoadedPackage Custom(Action<string> write, DiTOptions? options = null) => new LoadedPackage(write, options);

    /// <summary>The tiny graph with ImageNet's 1000 classes (<see cref="ImageNetTinyPackage"/>).</summary>
    public static LoadedPackage ImageNet(DiTOptions? options = null) => new LoadedPackage(ImageNetTinyPackage.Write, options);

    public void Dispose()
    {
        Dit.Dispose();
        _dir.Dispose();
    }
}
