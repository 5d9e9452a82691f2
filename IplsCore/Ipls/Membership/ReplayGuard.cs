namespace IplsCore.Ipls.Membership;

/// <summary>
/// Drops replayed messages: per sender it remembers the newest incarnation and a 64-message sliding
/// window of sequence numbers (as IPsec does), so reordered messages still pass while duplicates
/// and replays of old ones do not. Older incarnations are always rejected. Bounded: beyond
/// <see cref="MaxSenders"/> the least recently seen sender is forgotten.
/// </summary>
public sealed class ReplayGuard
{
    public const int WindowSize = 64;
    public const int MaxSenders = 10_000;

    private readonly Dictionary<string, SenderWindow> _senders = new(StringComparer.Ordinal);
    private long _clock;

    /// <summary>True when the message is new; records it. False for a duplicate, a replay or an old incarnation.</summary>
    public bool Accept(string sender, long incarnation, long sequence)
    {
        _clock++;
        if (!_senders.TryGetValue(sender, out var window))
        {
            if (_senders.Count >= MaxSenders)
            {
                EvictOldest();
            }

            _senders[sender] = new SenderWindow(incarnation, sequence, 1UL, _clock);
            return true;
        }

        if (incarnation < window.Incarnation)
        {
            return false;
        }

        if (incarnation > window.Incarnation)
        {
            _senders[sender] = new SenderWindow(incarnation, sequence, 1UL, _clock);
            return true;
        }

        if (sequence > window.Highest)
        {
            long shift = sequence - window.Highest;
            ulong bits = shift >= WindowSize ? 0UL : window.Bits << (int)shift;
            _senders[sender] = new SenderWindow(incarnation, sequence, bits | 1UL, _clock);
            return true;
        }

        long age = window.Highest - sequence;
        if (age >= WindowSize)
        {
            return false;
        }

        ulong mask = 1UL << (int)age;
        if ((window.Bits & mask) != 0)
        {
            return false;
        }

        _senders[sender] = window with { Bits = window.Bits | mask, LastSeen = _clock };
        return true;
    }

    /// <summary>The newest incarnation seen from <paramref name="sender"/>, or null.</summary>
    public long? IncarnationOf(string sender) => _senders.TryGetValue(sender, out var w) ? w.Incarnation : null;

    private void EvictOldest()
    {
        string? oldest = null;
        long oldestSeen = long.MaxValue;
        foreach (var (sender, window) in _senders)
        {
            if (window.LastSeen < oldestSeen)
            {
                oldestSeen = window.LastSeen;
                oldest = sender;
            }
        }

        if (oldest is not null)
        {
            _senders.Remove(oldest);
        }
    }

    private readonly record struct SenderWindow(long Incarnation, long Highest, ulong Bits, long LastSeen);
}
