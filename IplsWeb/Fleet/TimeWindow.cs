namespace IplsWeb.Fleet;

/// <summary>The last N items of a stream (a ring), each with its time, for live views: bounded whatever the rate.</summary>
public sealed class TimeWindow<T>(int capacity, Func<T, long> timeOf)
{
    private readonly T[] _items = new T[capacity];
    private readonly Lock _gate = new();
    private int _next;
    private int _count;
    private long _added;

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
            Append(item);
        }
    }

    /// <summary>
    /// How far back <see cref="TryAdd"/> looks whatever the items' times: a redelivery repeats what was in
    /// flight (mosquitto keeps 20 QoS 1 messages in flight per client by default, the bridge's included).
    /// </summary>
    public const int DuplicateLookback = 64;

    /// <summary>
    /// Adds <paramref name="item"/> unless an equal one is held already (a QoS 1 redelivery: same time, same
    /// value); false then. A redelivery repeats what was in flight, in order, so its first copy is among the
    /// newest: the search walks back over the last <see cref="DuplicateLookback"/> items, and beyond them
    /// while the items are no older than this one (a longer replay in time order). Nothing is allocated.
    /// </summary>
    public bool TryAdd(T item)
    {
        var comparer = EqualityComparer<T>.Default;
        long time = timeOf(item);
        lock (_gate)
        {
            int index = _next;
            for (int back = 1; back <= _count; back++)
            {
                index = (index == 0 ? _items.Length : index) - 1;
                var held = _items[index];
                if (comparer.Equals(held, item))
                {
                    return false;
                }

                if (back >= DuplicateLookback && timeOf(held) < time)
                {
                    break;
                }
            }

            Append(item);
            return true;
        }
    }

    private void Append(T item)
    {
        _items[_next] = item;
        _next = (_next + 1) % _items.Length;
        _count = Math.Min(_count + 1, _items.Length);
        _added++;
    }

    /// <summary>The items newer than <paramref name="sinceUnixMs"/>, oldest first (late arrivals sorted into place).</summary>
    public T[] Since(long sinceUnixMs)
    {
        lock (_gate)
        {
            var result = new List<T>(_count);
            int start = (_next - _count + _items.Length) % _items.Length;
            bool ordered = true;
            for (int i = 0; i < _count; i++)
            {
                var item = _items[(start + i) % _items.Length];
                if (timeOf(item) > sinceUnixMs)
                {
                    ordered &= result.Count == 0 || timeOf(result[^1]) <= timeOf(item);
                    result.Add(item);
                }
            }

            return ordered ? [.. result] : [.. result.OrderBy(timeOf)];
        }
    }

    /// <summary>
    /// The items added after <paramref name="mark"/> (in arrival order, whatever their time) and the new
    /// mark: a live view that follows this sees late data too, which <see cref="Since"/> by time would skip.
    /// </summary>
    public (T[] Items, long Mark) AddedAfter(long mark)
    {
        lock (_gate)
        {
            int fresh = (int)Math.Min(_count, Math.Max(0, _added - mark));
            var result = new T[fresh];
            int start = (_next - fresh + _items.Length) % _items.Length;
            for (int i = 0; i < fresh; i++)
            {
                result[i] = _items[(start + i) % _items.Length];
            }

            return (result, _added);
        }
    }
}
