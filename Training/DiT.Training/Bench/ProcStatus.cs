using System;
using System.IO;

namespace DiT.Training.Bench;

/// <summary>
/// This process's resident memory from /proc/self/status (Linux): VmRSS now, VmHWM the peak so far; -1 where the
/// file does not exist. The training and Plugin benchmarks both report it.
/// </summary>
public static class ProcStatus
{
    public static long RssBytes => Read("VmRSS:");
    public static long PeakRssBytes => Read("VmHWM:");

    private static long Read(string key)
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return -1;   // not Linux: the report says n/a
        foreach (var line in File.ReadLines(path))
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                var parts = line.Substring(key.Length).Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0]) * 1024;   // the kernel reports kB
            }
        return -1;
    }

    public static string Mb(long bytes) => bytes < 0 ? "n/a" : $"{bytes / 1e6:F0} MB";
}
