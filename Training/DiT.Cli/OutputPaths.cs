using System;
using System.IO;

namespace DiT.Cli;

/// <summary>Output paths checked before the work that fills them, so a typo costs a second, not a sampling run.</summary>
internal static class OutputPaths
{
    /// <summary>Throws when something on the way to <paramref name="path"/> is a file (nothing could be written under it).</summary>
    public static string Check(string path, string option)
    {
        string full = Path.GetFullPath(path);
        for (string? d = Path.GetDirectoryName(full); d != null; d = Path.GetDirectoryName(d))
        {
            if (File.Exists(d)) throw new IOException($"{option} '{path}': '{d}' is a file, so nothing can be written under it.");
            if (Directory.Exists(d)) break;
        }
        return path;
    }
}
