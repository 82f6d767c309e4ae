using System;
using System.IO;

namespace DiT.Training.Formats;

/// <summary>
/// Writes a file so that readers only ever see the old complete file or the new complete file:
/// the bytes go to <c>path + ".tmp"</c> in the same directory (same filesystem, so the final move is a rename),
/// are flushed to disk, and only then replace <paramref name="path"/>. A crash or exception mid-write leaves the
/// previous file untouched; the partial .tmp is deleted when we still can.
/// </summary>
public static class AtomicFile
{
    public static string TempPathFor(string path) => path + ".tmp";

    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        string tmp = TempPathFor(full);
        try
        {
            // FileMode.Create truncates a stale .tmp left by an earlier crash, so its bytes never leak into the result.
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(fs);
                fs.Flush(flushToDisk: true); // data must be durable before the rename makes it visible
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
    }

    private static void TryDelete(string p)
    {
        try { if (File.Exists(p)) File.Delete(p); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
