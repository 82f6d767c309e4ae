using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace DiT.Training.Trainer;

/// <summary>One logged training step. Vb is NaN when the model does not learn sigma.</summary>
public sealed record LossRow(long Step, double Loss, double Mse, double Vb, double Lr, double ItersPerSec, double ElapsedSeconds);

/// <summary>
/// Append-only CSV of training losses. Each row is flushed as it is written, so a crash loses at most the row being
/// written; on resume, rows past the checkpoint's step (and a torn last line) are cut, so the steps in the file stay
/// strictly increasing and a resumed run never duplicates a step.
/// </summary>
public sealed class LossLog : IDisposable
{
    public const string Header = "step,loss,mse,vb,lr,it_per_s,elapsed_s";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly StreamWriter _writer;

    /// <param name="path">CSV file; its directory is created if needed.</param>
    /// <param name="resumeStep">null for a new run (an existing file is replaced by a bare header); otherwise the
    /// step of the checkpoint being resumed: rows with step &lt;= resumeStep are kept, later ones dropped.</param>
    public LossLog(string path, long? resumeStep = null)
    {
        FilePath = path;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        var kept = new List<string>();
        if (resumeStep is { } s && File.Exists(path))
            foreach (var (line, row) in ReadLines(path))
                // Also drop anything out of order a foreign or older writer left, keeping steps strictly increasing.
                if (row.Step <= s && (LastStep is null || row.Step > LastStep))
                {
                    kept.Add(line);
                    LastStep = row.Step;
                }
        // Rewrite through a temp file so an interrupted truncation leaves the old log intact.
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, string.Concat(kept.Prepend(Header).Select(l => l + "\n")), new UTF8Encoding(false));
        File.Move(tmp, path, overwrite: true);
        var fs = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
        _writer = new StreamWriter(fs, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
    }

    public string FilePath { get; }

    /// <summary>Last step in the file, or null if it has no rows.</summary>
    public long? LastStep { get; private set; }

    public void Append(long step, double loss, double mse, double vb, double lr, double itersPerSec, double elapsedSeconds) =>
        Append(new LossRow(step, loss, mse, vb, lr, itersPerSec, elapsedSeconds));

    /// <summary>Writes and flushes one row. Steps must strictly increase, which is what keeps the file duplicate-free.</summary>
    public void Append(LossRow r)
    {
        if (LastStep is { } last && r.Step <= last)
            throw new InvalidOperationException($"Loss log steps must increase: got {r.Step} after {last}.");
        _writer.WriteLine(string.Join(",", r.Step.ToString(Inv), D(r.Loss), D(r.Mse), D(r.Vb), D(r.Lr),
            D(r.ItersPerSec), D(r.ElapsedSeconds)));
        LastStep = r.Step;
    }

    /// <summary>All well-formed rows of a log (header, malformed and torn lines skipped).</summary>
    public static IReadOnlyList<LossRow> Read(string path) => ReadLines(path).Select(r => r.Row).ToList();

    public void Dispose() => _writer.Dispose();

    // Shortest round-trip text; NaN/Infinity come out as "NaN"/"Infinity", which double.Parse and pandas accept.
    private static string D(double v) => v.ToString("R", Inv);

    private static IEnumerable<(string Line, LossRow Row)> ReadLines(string path)
    {
        var text = File.ReadAllText(path);
        var lines = text.Split('\n');
        // The last piece is either "" (text ends in '\n') or a line torn by a crash mid-write: skip it either way.
        for (int i = 0; i < lines.Length - 1; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (Parse(line) is { } row) yield return (line, row);
        }
    }

    private static LossRow? Parse(string line)
    {
        var f = line.Split(',');
        if (f.Length != 7 || !long.TryParse(f[0], NumberStyles.Integer, Inv, out long step)) return null;
        var v = new double[6];
        for (int i = 0; i < 6; i++)
            if (!double.TryParse(f[i + 1], NumberStyles.Float, Inv, out v[i])) return null;
        return new LossRow(step, v[0], v[1], v[2], v[3], v[4], v[5]);
    }
}
