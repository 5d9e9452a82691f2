namespace IplsBench.Dashboard;

/// <summary>
/// Ticks due at start + n·period, never merged or skipped (unlike <see cref="PeriodicTimer"/>): a late
/// tick fires at once with its own due time, so a load generator on a busy machine still offers the
/// whole rate, catching up instead of quietly sending less.
/// </summary>
internal sealed class SteadyTicks(TimeSpan period, TimeProvider time)
{
    private readonly long _start = time.GetTimestamp();
    private readonly DateTimeOffset _startWall = time.GetUtcNow();
    private long _count;

    public SteadyTicks(TimeSpan period)
        : this(period, TimeProvider.System)
    {
    }

    /// <summary>Waits for the next tick (not at all when it is already due) and returns its due time.</summary>
    public async ValueTask<DateTimeOffset> NextAsync(CancellationToken cancellationToken)
    {
        var due = period * ++_count;
        var wait = due - time.GetElapsedTime(_start);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return _startWall + due;
    }
}
