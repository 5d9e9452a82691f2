namespace IplsWeb.Fleet;

/// <summary>The last N scores of one vehicle (a ring), for live charts: bounded whatever the rate.</summary>
public sealed class ScoreWindow(int capacity)
{
    private readonly ScorePoint[] _points = new ScorePoint[capacity];
    private readonly Lock _gate = new();
    private int _next;
    private int _count;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public void Add(ScorePoint point)
    {
        lock (_gate)
        {
            _points[_next] = point;
            _next = (_next + 1) % _points.Length;
            _count = Math.Min(_count + 1, _points.Length);
        }
    }

    /// <summary>The points newer than <paramref name="sinceUnixMs"/>, oldest first.</summary>
    public ScorePoint[] Since(long sinceUnixMs)
    {
        lock (_gate)
        {
            var result = new List<ScorePoint>(_count);
            int start = (_next - _count + _points.Length) % _points.Length;
            for (int i = 0; i < _count; i++)
            {
                var p = _points[(start + i) % _points.Length];
                if (p.AtUnixMs > sinceUnixMs)
                {
                    result.Add(p);
                }
            }

            return [.. result];
        }
    }
}
