using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using NUnit.Framework;

namespace DiTPlugin.Tests.Hostile;

/// <summary>FIFOs and symbolic links for the tests (Unix only; callers skip on Windows).</summary>
public static class SpecialFiles
{
    public static bool Supported => !OperatingSystem.IsWindows();

    public static void RequireUnix()
    {
        if (!Supported) Assert.Ignore("FIFOs and devices are Unix file types.");
    }

    /// <summary>Makes a FIFO with mkfifo(1).</summary>
    public static void MakeFifo(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("mkfifo", $"\"{path}\"") { UseShellExecute = false })!;
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.EqualTo(0), $"mkfifo {path}");
    }

    /// <summary>
    /// Releases a reader blocked opening <paramref name="fifo"/> (called only after a load hung there): opening the
    /// write end lets the reader's open return, and closing it gives the reader end-of-file.
    /// </summary>
    public static void ReleaseFifo(string fifo)
    {
        var t = Task.Run(() => { using var w = new FileStream(fifo, FileMode.Open, FileAccess.Write); });
        t.Wait(TimeSpan.FromSeconds(5));
    }

    public static void Symlink(string link, string target) => File.CreateSymbolicLink(link, target);
}
