namespace IplsCore.Logging;

/// <summary>
/// Lets one log line per key through per interval and counts the ones held back, so a flood of bad
/// payloads cannot flood the log (or the Pi's SD card).
/// </summary>
public sealed class RateLimiter(TimeProvider time, TimeSpan interval)
{
    private readonly Dictionary<string, (DateTimeOffset Last, long Suppressed)> _keys = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>True when a line for <paramref name="key"/> may be written now; <paramref name="suppressed"/> says how many were held back since the last.</summary>
    public bool TryAcquire(string key, out long suppressed)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_keys.TryGetValue(key, out var entry) && now - entry.Last < interval)
            {
                _keys[key] = (entry.Last, entry.Suppressed + 1);
                suppressed = 0;
                return false;
            }

            suppressed = entry.Suppressed;
            _keys[key] = (now, 0);
            return true;
        }
    }
}
