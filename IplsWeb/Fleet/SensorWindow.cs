namespace IplsWeb.Fleet;

/// <summary>The last N sensor samples of one vehicle (a ring), for the live features chart.</summary>
public sealed class SensorWindow(int capacity)
{
    private readonly (long At, float[] Values)[] _samples = new (long, float[])[capacity];
    private readonly Lock _gate = new();
    private int _next;
    private int _count;

    public void Add(long atUnixMs, float[] values)
    {
        lock (_gate)
        {
            _samples[_next] = (atUnixMs, values);
            _next = (_next + 1) % _samples.Length;
            _count = Math.Min(_count + 1, _samples.Length);
        }
    }

    /// <summary>The samples newer than <paramref name="sinceUnixMs"/>, oldest first.</summary>
    public (long At, float[] Values)[] Since(long sinceUnixMs)
    {
        lock (_gate)
        {
            var result = new List<(long, float[])>(_count);
            int start = (_next - _count + _samples.Length) % _samples.Length;
            for (int i = 0; i < _count; i++)
            {
                var s = _samples[(start + i) % _samples.Length];
                if (s.At > sinceUnixMs)
                {
                    result.Add(s);
                }
            }

            return [.. result];
        }
    }
}
