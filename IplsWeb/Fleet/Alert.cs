namespace IplsWeb.Fleet;

public enum AlertState
{
    Firing,
    Resolved,
}

/// <summary>
/// One anomaly episode of one vehicle: opened when its smoothed score crossed the threshold, resolved
/// once the smoothed score stayed below it for the tracker's resolve time. <see cref="Peak"/> is the
/// highest raw score seen during the episode.
/// </summary>
public sealed record Alert(int Vehicle, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt, double Peak, double Threshold)
{
    /// <summary>Stable key of the episode (the history upserts on it).</summary>
    public string Key => $"{Vehicle}@{StartedAt.ToUnixTimeMilliseconds()}";

    public AlertState State => ResolvedAt is null ? AlertState.Firing : AlertState.Resolved;

    public TimeSpan Duration(DateTimeOffset now) => (ResolvedAt ?? now) - StartedAt;
}
