using System;
using System.IO;
using System.Linq;
using DiT.Training.Trainer;
using NUnit.Framework;

namespace DiT.Training.Tests.Trainer;

public class LossLogTests
{
    private string _dir = "", _path = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ditloss-" + Guid.NewGuid().ToString("N"));
        _path = Path.Combine(_dir, "logs", "loss.csv");
    }

    [TearDown]
    public void TearDown() { if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true); }

    private void WriteSteps(long? resume, params long[] steps)
    {
        using var log = new LossLog(_path, resume);
        foreach (var s in steps) log.Append(s, s * 0.1, s * 0.05, s * 0.05, 1e-4, 2.5, s * 0.4);
    }

    [Test]
    public void WritesHeaderOnceAndFlushesEachRow()
    {
        using (var log = new LossLog(_path))
        {
            log.Append(100, 0.5, 0.25, double.NaN, 1e-4, 3.25, 12.5);
            // Readable while still open: the row was flushed.
            var lines = File.ReadAllLines(_path, System.Text.Encoding.UTF8);
            Assert.That(lines, Is.EqualTo(new[] { LossLog.Header, "100,0.5,0.25,NaN,0.0001,3.25,12.5" }));
        }
        var rows = LossLog.Read(_path);
        Assert.That(rows, Has.Count.EqualTo(1));
        Assert.That(rows[0].Vb, Is.NaN);
        Assert.That(rows[0] with { Vb = 0 }, Is.EqualTo(new LossRow(100, 0.5, 0.25, 0, 1e-4, 3.25, 12.5)));
    }

    [Test]
    public void ResumeTruncatesRowsPastTheCheckpointAndAppends()
    {
        WriteSteps(null, 100, 200, 300, 400);
        WriteSteps(resume: 200, 300, 400, 500);
        var text = File.ReadAllText(_path);
        Assert.That(text.Split('\n').Count(l => l == LossLog.Header), Is.EqualTo(1));
        Assert.That(LossLog.Read(_path).Select(r => r.Step), Is.EqualTo(new long[] { 100, 200, 300, 400, 500 }));
        Assert.That(File.Exists(_path + ".tmp"), Is.False);
    }

    [Test]
    public void ResumeDropsATornLastLineAndReportsLastStep()
    {
        WriteSteps(null, 10, 20);
        File.AppendAllText(_path, "30,0.1,0.0");          // crash mid-write
        using var log = new LossLog(_path, resumeStep: 1000);
        Assert.That(log.LastStep, Is.EqualTo(20));
        log.Append(30, 1, 1, 1, 1, 1, 1);
        log.Dispose();
        Assert.That(LossLog.Read(_path).Select(r => r.Step), Is.EqualTo(new long[] { 10, 20, 30 }));
    }

    [Test]
    public void NewRunReplacesAnOldLogAndResumeOfMissingFileStartsFresh()
    {
        WriteSteps(null, 1, 2, 3);
        WriteSteps(null, 5);
        Assert.That(LossLog.Read(_path).Select(r => r.Step), Is.EqualTo(new long[] { 5 }));
        File.Delete(_path);
        WriteSteps(resume: 50, 60);
        Assert.That(File.ReadAllLines(_path)[0], Is.EqualTo(LossLog.Header));
        Assert.That(LossLog.Read(_path).Select(r => r.Step), Is.EqualTo(new long[] { 60 }));
    }

    [Test]
    public void RejectsNonIncreasingSteps()
    {
        using var log = new LossLog(_path);
        log.Append(5, 0, 0, 0, 0, 0, 0);
        Assert.Throws<InvalidOperationException>(() => log.Append(5, 0, 0, 0, 0, 0, 0));
        Assert.DoesNotThrow(() => log.Append(6, 0, 0, 0, 0, 0, 0));
    }

    [Test]
    public void ValuesRoundTripExactly()
    {
        const double loss = 0.123456789012345678, lr = 1.0 / 3.0;
        using (var log = new LossLog(_path)) log.Append(1, loss, loss / 7, double.PositiveInfinity, lr, 0, 0);
        var r = LossLog.Read(_path).Single();
        Assert.That((r.Loss, r.Mse, r.Vb, r.Lr), Is.EqualTo((loss, loss / 7, double.PositiveInfinity, lr)));
    }
}
