namespace IplsWeb.Fleet;

/// <summary>What the dashboard knows live about one vehicle: its recent scores and latest sensor values.</summary>
public sealed class VehicleState(int vehicle, int window)
{
    private float[] _sensor = [];
    private long _sensorAt;
    private long _scores;
    private long _above;
    private readonly Lock _lastGate = new();
    private ScorePoint? _last;

    public int Vehicle { get; } = vehicle;

    public TimeWindow<ScorePoint> Scores { get; } = new(window, p => p.AtUnixMs);

    public TimeWindow<SensorSample> Sensors { get; } = new(window, s => s.AtUnixMs);

    /// <summary>The last five minutes in buckets, for the dense overview's sort and sparklines.</summary>
    public ScoreTrend Trend { get; } = new();

    /// <summary>The newest score received (by arrival), or null before the first.</summary>
    public ScorePoint? LastScore
    {
        get
        {
            lock (_lastGate)
            {
                return _last;
            }
        }
    }

    public long ScoresReceived => Interlocked.Read(ref _scores);

    public long ScoresAbove => Interlocked.Read(ref _above);

    public (float[] Values, long AtUnixMs) LastSensor => (Volatile.Read(ref _sensor), Interlocked.Read(ref _sensorAt));

    /// <summary>Adds a score; false, and nothing changes, when the window holds it already (a QoS 1 redelivery).</summary>
    public bool AddScore(ScorePoint point, double threshold)
    {
        if (!Scores.TryAdd(point))
        {
            return false;
        }

        Interlocked.Increment(ref _scores);
        bool above = point.Score > threshold;
        Trend.Add(point, above);
        lock (_lastGate)
        {
            _last = point;
        }

        if (above)
        {
            Interlocked.Increment(ref _above);
        }

        return true;
    }

    public void SetSensor(float[] values, long atUnixMs)
    {
        Sensors.Add(new SensorSample(atUnixMs, values));
        Volatile.Write(ref _sensor, values);
        Interlocked.Exchange(ref _sensorAt, atUnixMs);
    }
}
