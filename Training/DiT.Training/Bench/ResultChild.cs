using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace DiT.Training.Bench;

/// <summary>
/// Runs a benchmark child process (another measurement process, or a PyTorch reference script) whose answer is one
/// output line <c>RESULT {json}</c>; its other output lines go to <paramref name="echo"/>. Each measurement in a child
/// of its own keeps its peak memory its own. A child that fails, or prints no RESULT, is an error naming it.
/// </summary>
public static class ResultChild
{
    /// <param name="command">The program and its arguments.</param>
    /// <param name="captureErrors">Keep the child's standard error for the failure message (else it goes to the console).</param>
    public static string Run(IReadOnlyList<string> command, Action<string>? echo = null, bool captureErrors = false)
    {
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = captureErrors, UseShellExecute = false };
        foreach (var a in command.Skip(1)) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e) { throw new InvalidOperationException($"Could not start {command[0]} ({e.Message}).", e); }
        using (p)
        {
            var stderr = captureErrors ? p.StandardError.ReadToEndAsync() : null;
            string? result = null;
            for (string? l; (l = p.StandardOutput.ReadLine()) != null;)
                if (l.StartsWith("RESULT ", StringComparison.Ordinal)) result = l.Substring(7);
                else echo?.Invoke(l);
            p.WaitForExit();
            if (p.ExitCode == 0 && result != null) return result;
            string why = stderr is null ? "" : ": " + LastLine(stderr.Result);
            throw new InvalidOperationException($"{string.Join(" ", command)} failed (exit code {p.ExitCode}){why}");
        }
    }

    private static string LastLine(string s)
    {
        var lines = s.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? "(no message)" : lines[^1].Trim();
    }
}

/// <summary>The PyTorch reference scripts of the fixture tooling (Benchmarks/torch_reference), run with Debian's python3-torch.</summary>
public static class TorchReference
{
    /// <summary>Debian's python3, which has python3-torch (a pyenv python3 earlier on the PATH usually does not).</summary>
    public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>Benchmarks/torch_reference/<paramref name="file"/>, found above this program (the reference runs from a clone).</summary>
    public static string FindScript(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var f = Path.Combine(dir.FullName, "Benchmarks", "torch_reference", file);
            if (File.Exists(f)) return f;
        }
        throw new FileNotFoundException($"Benchmarks/torch_reference/{file} was not found above {AppContext.BaseDirectory}: the PyTorch reference runs from a clone of the repository.");
    }

    /// <summary>Runs a reference script and returns its RESULT JSON; a python without torch is named as such.</summary>
    public static string Run(string file, IEnumerable<string> args, Action<string>? echo = null)
    {
        try { return ResultChild.Run(new[] { Python, FindScript(file) }.Concat(args).ToList(), echo, captureErrors: true); }
        catch (InvalidOperationException e) when (e.Message.Contains("No module named 'torch'", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The PyTorch reference needs torch: {Python} has no torch module; apt-get install python3-torch.", e);
        }
    }
}
