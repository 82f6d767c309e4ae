using System;
using System.Collections.Generic;

namespace DiTPlugin.Tests.Hostile;

/// <summary>What a built case is loaded from, and how to free a load stuck on it (a FIFO's writer end).</summary>
public sealed record BuiltCase(string Path, Action? OnTimeout = null);

/// <summary>What loading a case must give.</summary>
public enum Expect
{
    /// <summary>A <see cref="Runtime.ModelPackageException"/>.</summary>
    Refused,
    /// <summary>A loaded model (the controls: a valid package in the same form).</summary>
    Loaded,
    /// <summary>Either; random mutations can leave a package valid (a flipped bit in a description or a weight).</summary>
    Either,
}

/// <summary>
/// One input of the hostile corpus: how to write it into an empty folder, and what loading it must give. Every case
/// must load or be refused with a well-formed <see cref="Runtime.ModelPackageException"/> in bounded time and memory
/// (<see cref="LoadProbe"/>); when refused, the message must hold every string of <see cref="Contains"/> and none of
/// <see cref="Excludes"/> (e.g. the sha256 of a file outside the package).
/// </summary>
public sealed class HostileCase
{
    public HostileCase(string name, Func<string, BuiltCase> build, Expect expect, params string[] contains)
    {
        Name = name;
        Build = build;
        Expect = expect;
        Contains = contains;
    }

    public string Name { get; }
    public Func<string, BuiltCase> Build { get; }
    public Expect Expect { get; }
    public IReadOnlyList<string> Contains { get; }
    public IReadOnlyList<string> Excludes { get; init; } = Array.Empty<string>();

    public override string ToString() => Name;
}
