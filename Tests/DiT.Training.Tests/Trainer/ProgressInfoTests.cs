using System;
using DiTPlugin.Training.Trainer;
using NUnit.Framework;

namespace DiTPlugin.Training.Tests.Trainer;

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
    public void DefaultClockRuns()
    {
        var p = new ProgressInfo(10);
        Assert.That(p.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.Zero));
    }
}
