namespace IplsBench.Federation;

/// <summary>Moving average of a vehicle's scores, with peak and recovery measured from a start time.</summary>
internal sealed class ScoreTracker
{
    private readonly float[] _window = new float[DemoTiming.SmoothingWindow];
    private int _count;
    private int _next;
    private double _sum;
    private DateTimeOffset? _watchFrom;
    private bool _wentAbove;
    private readonly List<ScoreTally> _tallies = [];

    public double Smoothed => _count == 0 ? 0 : _sum / _count;

    public double Peak { get; private set; }

    public DateTimeOffset? RecoveredAt { get; private set; }

    /// <summary>Starts feeding raw scores to <paramref name="tally"/> as well.</summary>
    public ScoreTally Tally(ScoreTally tally)
    {
        _tallies.Add(tally);
        return tally;
    }

    public void Add(float score, DateTimeOffset now)
    {
        foreach (var tally in _tallies)
        {
            tally.Add(score, now);
        }

        if (_count == _window.Length)
        {
            _sum -= _window[_next];
        }
        else
        {
            _count++;
        }

        _window[_next] = score;
        _sum += score;
        _next = (_next + 1) % _window.Length;

        if (_watchFrom is null || RecoveredAt is not null)
        {
            return;
        }

        double smoothed = Smoothed;
        Peak = Math.Max(Peak, smoothed);
        _wentAbove |= smoothed > DemoTiming.Threshold;
        if (_wentAbove && smoothed < DemoTiming.Threshold)
        {
            RecoveredAt = now;
        }
    }

    /// <summary>Starts measuring peak and recovery (when the vehicle switches to new data).</summary>
    public void Watch(DateTimeOffset from)
    {
        _watchFrom = from;
        Peak = 0;
        _wentAbove = false;
        RecoveredAt = null;
    }

    /// <summary>True when the score never crossed the threshold, or crossed it and came back.</summary>
    public bool Settled(DateTimeOffset now, TimeSpan patience) =>
        RecoveredAt is not null || (_watchFrom is { } from && !_wentAbove && now - from > patience);

    public double RecoverSeconds(DateTimeOffset now) =>
        RecoveredAt is { } at && _watchFrom is { } from ? (at - from).TotalSeconds
        : _wentAbove && _watchFrom is { } start ? (now - start).TotalSeconds
        : 0;
}
