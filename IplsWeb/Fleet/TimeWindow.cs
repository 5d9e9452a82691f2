namespace IplsWeb.Fleet;

/// <summary>The last N items of a stream (a ring), each with its time, for live views: bounded whatever the rate.</summary>
public sealed class TimeWindow<T>(int capacity, Func<T, long> timeOf)
{
    private readonly T[] _items = new T[capacity];
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

    public void Add(T item)
    {
        lock (_gate)
        {
            _items[_next] = item;
            _next = (_next + 1) % _items.Length;
            _count = Math.Min(_count + 1, _items.Length);
        }
    }

    /// <summary>The items newer than <paramref name="sinceUnixMs"/>, oldest first.</summary>
    public T[] Since(long sinceUnixMs)
    {
        lock (_gate)
        {
            var result = new List<T>(_count);
            int start = (_next - _count + _items.Length) % _items.Length;
            for (int i = 0; i < _count; i++)
            {
                var item = _items[(start + i) % _items.Length];
                if (timeOf(item) > sinceUnixMs)
                {
                    result.Add(item);
                }
            }

            return [.. result];
        }
    }
}
