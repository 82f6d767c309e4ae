using System;
using System.Diagnostics;
using System.Globalization;

namespace DiT.Training.Trainer;

/// <summary>
/// Step/time bookkeeping for the training loop: elapsed time, a smoothed it/s and an ETA. Pure apart from the clock,
/// which is injectable so tests can drive time.
/// </summary>
public sealed class ProgressInfo
{
    private readonly Func<TimeSpan> _clock;
    private readonly TimeSpan _start;
    private readonly TimeSpan _elapsedOffset;
    private readonly double _alpha;
    private TimeSpan _lastTime;
    private long _lastStep;
    private double _rate = double.NaN;

    /// <param name="totalSteps">Step the run ends at (for ETA and fraction).</param>
    /// <param name="startStep">Step the run starts (or resumes) from; rates count only steps done in this process.</param>
    /// <param name="clock">Monotonic time source; defaults to a Stopwatch.</param>
    /// <param name="smoothing">EMA weight of the newest interval's rate, in (0,1]; 1 = no smoothing.</param>
    /// <param name="elapsedOffset">Wall time already spent before a resume, so Elapsed continues across restarts.</param>
    public ProgressInfo(long totalSteps, long startStep = 0, Func<TimeSpan>? clock = null, double smoothing = 0.1,
        TimeSpan elapsedOffset = default)
    {
        if (smoothing <= 0 || smoothing > 1) throw new ArgumentOutOfRangeException(nameof(smoothing), "must be in (0, 1]");
        if (startStep < 0 || totalSteps < startStep) throw new ArgumentOutOfRangeException(nameof(totalSteps), "need 0 <= startStep <= totalSteps");
        if (clock is null)
        {
            var sw = Stopwatch.StartNew();
            clock = () => sw.Elapsed;
        }
        _clock = clock;
        _alpha = smoothing;
        _elapsedOffset = elapsedOffset;
        TotalSteps = totalSteps;
        Step = _lastStep = startStep;
        _start = _lastTime = clock();
    }

    public long TotalSteps { get; }
    public long Step { get; private set; }

    /// <summary>Wall time of the run, including time before a resume.</summary>
    public TimeSpan Elapsed => _clock() - _start + _elapsedOffset;

    /// <summary>Smoothed iterations per second; NaN until a step has been recorded after some time passed.</summary>
    public double ItersPerSec => _rate;

    /// <summary>Remaining time at the smoothed rate; null while the rate is unknown.</summary>
    public TimeSpan? Eta => double.IsNaN(_rate) || _rate <= 0 ? null
        : Step >= TotalSteps ? TimeSpan.Zero : TimeSpan.FromSeconds((TotalSteps - Step) / _rate);

    public double Fraction => TotalSteps == 0 ? 1 : (double)Step / TotalSteps;

    /// <summary>Records that the loop has reached <paramref name="step"/> now. Each call folds the interval since the
    /// previous one into an exponential moving average of the rate; the first interval seeds it. Calls with no time
    /// elapsed only accumulate their steps into the next interval.</summary>
    public void Update(long step)
    {
        if (step < Step) throw new ArgumentOutOfRangeException(nameof(step), $"steps must not go back ({step} < {Step})");
        Step = step;
        var now = _clock();
        double dt = (now - _lastTime).TotalSeconds;
        if (dt <= 0) return;
        double inst = (step - _lastStep) / dt;
        _rate = double.IsNaN(_rate) ? inst : _alpha * inst + (1 - _alpha) * _rate;
        _lastTime = now;
        _lastStep = step;
    }

    /// <summary>"h:mm:ss" (days folded into hours), for log lines.</summary>
    public static string FormatSpan(TimeSpan t) =>
        string.Format(CultureInfo.InvariantCulture, "{0}:{1:00}:{2:00}", (long)t.TotalHours, t.Minutes, t.Seconds);

    /// <summary>e.g. "step 1200/400000 (0.3%) 5.21 it/s elapsed 0:03:50 eta 21:16:08".</summary>
    public override string ToString() => string.Format(CultureInfo.InvariantCulture,
        "step {0}/{1} ({2:0.0}%) {3} it/s elapsed {4} eta {5}", Step, TotalSteps, Fraction * 100,
        double.IsNaN(_rate) ? "?" : _rate.ToString("F2", CultureInfo.InvariantCulture), FormatSpan(Elapsed),
        Eta is { } e ? FormatSpan(e) : "?");
}
