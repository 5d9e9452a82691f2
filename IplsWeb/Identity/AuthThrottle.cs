using System.Net;

namespace IplsWeb.Identity;

/// <summary>
/// Slows password guessing per source address: after <see cref="ThrottleOptions.FreeFailures"/> failures each
/// further one makes the address wait twice as long before its next attempt is even checked, and
/// <see cref="ThrottleOptions.BanAfter"/> failures ban it for a while. Attempts made while waiting are refused
/// unchecked, so they teach an attacker nothing; other addresses are never affected. One instance per door
/// (broker, sign-in).
/// </summary>
public sealed class AuthThrottle(ThrottleOptions options, TimeProvider time)
{
    private const int MaxSources = 100_000;

    private readonly Dictionary<IPAddress, Entry> _sources = [];
    private readonly Lock _gate = new();

    /// <summary>
    /// One attempt from <paramref name="source"/>: refused unchecked while the address waits or is banned, else
    /// <paramref name="verify"/> runs and its outcome is recorded, all under one lock, so parallel guesses cannot
    /// slip through between the check and the record. <paramref name="verify"/> must be quick (a constant-time compare).
    /// </summary>
    public ThrottleVerdict Attempt(IPAddress? source, Func<bool> verify, out bool verified, out int failures)
    {
        ArgumentNullException.ThrowIfNull(verify);
        lock (_gate)
        {
            failures = 0;
            verified = false;
            var verdict = Check(source);
            if (!verdict.IsAllowed)
            {
                return verdict;
            }

            verified = verify();
            if (verified)
            {
                Succeeded(source);
            }
            else
            {
                failures = Failed(source);
            }

            return verdict;
        }
    }

    /// <summary>Whether an attempt from <paramref name="source"/> may be checked now; if not, how long until it may.</summary>
    public ThrottleVerdict Check(IPAddress? source)
    {
        if (source is null)
        {
            return ThrottleVerdict.Allowed;
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (!_sources.TryGetValue(Normal(source), out var entry) || now - entry.LastFailure > options.ForgetAfter && now >= entry.NotBefore)
            {
                return ThrottleVerdict.Allowed;
            }

            return now >= entry.NotBefore ? ThrottleVerdict.Allowed : new ThrottleVerdict(entry.Banned ? ThrottleState.Banned : ThrottleState.Waiting, entry.NotBefore - now);
        }
    }

    /// <summary>Records a failed attempt; returns the failures counted for this address so far.</summary>
    public int Failed(IPAddress? source)
    {
        if (source is null)
        {
            return 0;
        }

        var now = time.GetUtcNow();
        var key = Normal(source);
        lock (_gate)
        {
            if (!_sources.TryGetValue(key, out var entry) || now - entry.LastFailure > options.ForgetAfter && now >= entry.NotBefore)
            {
                entry = default;
                if (_sources.Count >= MaxSources)
                {
                    Prune(now);
                }
            }

            int failures = entry.Failures + 1;
            bool banned = failures >= options.BanAfter;
            var wait = banned ? options.BanDuration : Delay(failures);
            _sources[key] = new Entry(failures, now + wait, now, banned);
            return failures;
        }
    }

    /// <summary>A successful attempt clears the address's record (a legitimate client that mistyped once).</summary>
    public void Succeeded(IPAddress? source)
    {
        if (source is null)
        {
            return;
        }

        lock (_gate)
        {
            var key = Normal(source);
            if (_sources.TryGetValue(key, out var entry) && !entry.Banned)
            {
                _sources.Remove(key);
            }
        }
    }

    private TimeSpan Delay(int failures)
    {
        int over = failures - options.FreeFailures;
        if (over <= 0)
        {
            return TimeSpan.Zero;
        }

        double ticks = options.BaseDelay.Ticks * Math.Pow(2, Math.Min(over - 1, 30));
        return ticks >= options.MaxDelay.Ticks ? options.MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (address, entry) in _sources.ToArray())
        {
            if (now >= entry.NotBefore)
            {
                _sources.Remove(address);
            }
        }
    }

    // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d; count it as a.b.c.d.
    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private readonly record struct Entry(int Failures, DateTimeOffset NotBefore, DateTimeOffset LastFailure, bool Banned);
}

public enum ThrottleState
{
    Allowed,
    Waiting,
    Banned,
}

public readonly record struct ThrottleVerdict(ThrottleState State, TimeSpan RetryAfter)
{
    public static readonly ThrottleVerdict Allowed = new(ThrottleState.Allowed, TimeSpan.Zero);

    public bool IsAllowed => State == ThrottleState.Allowed;
}
