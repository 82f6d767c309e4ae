using System;
using DiT.Training.Trainer;
using NUnit.Framework;

namespace DiT.Training.Tests.Trainer;

public class ProgressInfoTests
{
    private TimeSpan _now;
    private TimeSpan Clock() => _now;
    private void Advance(double seconds) => _now += TimeSpan.FromSeconds(seconds);

    [Test]
    public void UnknownRateBeforeFirstInterval()
    {
        var p = new ProgressInfo(100, clock: Clock);
        Assert.That(p.ItersPerSec, Is.NaN);
        Assert.That(p.Eta, Is.Null);
        Assert.That(p.ToString(), Does.Contain("step 0/100").And.Contain("eta ?"));
    }

    [Test]
    public void FirstIntervalSeedsRateThenEmaSmooths()
    {
        var p = new ProgressInfo(1000, clock: Clock, smoothing: 0.5);
        Advance(2); p.Update(10);          // 5 it/s
        Assert.That(p.ItersPerSec, Is.EqualTo(5).Within(1e-12));
        Assert.That(p.Eta, Is.EqualTo(TimeSpan.FromSeconds(990 / 5.0)));
        Advance(1); p.Update(25);          // 15 it/s -> 0.5*15 + 0.5*5 = 10
        Assert.That(p.ItersPerSec, Is.EqualTo(10).Within(1e-12));
        Assert.That(p.Elapsed, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(p.Eta!.Value.TotalSeconds, Is.EqualTo(97.5).Within(1e-9));
        Assert.That(p.Fraction, Is.EqualTo(0.025));
    }

    [Test]
    public void ZeroTimeUpdatesAccumulateIntoNextInterval()
    {
        var p = new ProgressInfo(100, clock: Clock, smoothing: 1);
        p.Update(3);                        // no time passed: no rate yet
        Assert.That(p.ItersPerSec, Is.NaN);
        Advance(2); p.Update(4);            // 4 steps over 2 s
        Assert.That(p.ItersPerSec, Is.EqualTo(2));
    }

    [Test]
    public void ResumeCountsOnlyNewStepsAndKeepsElapsed()
    {
        _now = TimeSpan.FromHours(7);       // arbitrary clock origin
        var p = new ProgressInfo(200, startStep: 100, clock: Clock, elapsedOffset: TimeSpan.FromMinutes(10));
        Advance(10); p.Update(120);
        Assert.That(p.ItersPerSec, Is.EqualTo(2));
        Assert.That(p.Eta, Is.EqualTo(TimeSpan.FromSeconds(40)));
        Assert.That(p.Elapsed, Is.EqualTo(TimeSpan.FromSeconds(610)));
        Advance(1); p.Update(200);
        Assert.That(p.Eta, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void RejectsGoingBackwardsAndBadArguments()
    {
        var p = new ProgressInfo(10, clock: Clock);
        Advance(1); p.Update(5);
        Assert.Throws<ArgumentOutOfRangeException>(() => p.Update(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProgressInfo(10, clock: Clock, smoothing: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ProgressInfo(10, startStep: 11, clock: Clock));
    }

    [Test]
    public void FormatsSpansAsHoursMinutesSeconds()
    {
        Assert.That(ProgressInfo.FormatSpan(TimeSpan.FromSeconds(90061)), Is.EqualTo("25:01:01"));
        Assert.That(ProgressInfo.FormatSpan(TimeSpan.FromSeconds(5)), Is.EqualTo("0:00:05"));
    }

    [Test]
    public void ReportsRateEtaAndElapsedFromGivenTimes()
    {
        // 3 intervals with no smoothing: the rate is the last interval's, the ETA the remaining steps at that rate.
        var p = new ProgressInfo(1000, startStep: 100, clock: Clock, smoothing: 1, elapsedOffset: TimeSpan.FromSeconds(30));
        Advance(10); p.Update(150);         // 5 it/s
        Advance(5); p.Update(200);          // 10 it/s
        Assert.That(p.ItersPerSec, Is.EqualTo(10));
        Assert.That(p.Eta, Is.EqualTo(TimeSpan.FromSeconds(80)));
        Assert.That(p.Elapsed, Is.EqualTo(TimeSpan.FromSeconds(45)));
        Assert.That(p.Fraction, Is.EqualTo(0.2));
        Assert.That(p.ToString(), Is.EqualTo("step 200/1000 (20.0%) 10.00 it/s elapsed 0:00:45 eta 0:01:20"));
        Advance(4096); p.Update(201);       // a stall: 1/4096 it/s, 799 steps left
        Assert.That(p.Eta, Is.EqualTo(TimeSpan.FromSeconds(799 * 4096)));
        Assert.That(p.ToString(), Does.EndWith("0.00 it/s elapsed 1:09:01 eta 909:05:04"));
    }

    [Test]
    public void DefaultClockMeasuresWallTime()
    {
        var p = new ProgressInfo(10);
        var before = p.Elapsed;
        System.Threading.Thread.Sleep(60);
        Assert.That(p.Elapsed - before, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(50)), "the default clock advances with real time");
    }
}
