namespace IplsWeb.Fleet;

/// <summary>What the dashboard knows live about one vehicle: its recent scores and latest sensor values.</summary>
public sealed class VehicleState(int vehicle, int window)
{
    private float[] _sensor = [];
    private long _sensorAt;
    private long _scores;
    private long _above;
    private int _aboveNow;

    public int Vehicle { get; } = vehicle;

    public TimeWindow<ScorePoint> Scores { get; } = new(window, p => p.AtUnixMs);

    public TimeWindow<SensorSample> Sensors { get; } = new(window, s => s.AtUnixMs);

    public long ScoresReceived => Interlocked.Read(ref _scores);

    public long ScoresAbove => Interlocked.Read(ref _above);

    public (float[] Values, long AtUnixMs) LastSensor => (Volatile.Read(ref _sensor), Interlocked.Read(ref _sensorAt));

    /// <summary>Adds a score; returns true when it crosses the threshold upwards (an event).</summary>
    public bool AddScore(ScorePoint point, double threshold)
    {
        Scores.Add(point);
        Interlocked.Increment(ref _scores);
        bool above = point.Score > threshold;
        if (above)
        {
            Interlocked.Increment(ref _above);
        }

        int was = Interlocked.Exchange(ref _aboveNow, above ? 1 : 0);
        return above && was == 0;
    }

    public void SetSensor(float[] values, long atUnixMs)
    {
        Sensors.Add(new SensorSample(atUnixMs, values));
        Volatile.Write(ref _sensor, values);
        Interlocked.Exchange(ref _sensorAt, atUnixMs);
    }
}
