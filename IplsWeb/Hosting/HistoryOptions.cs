namespace IplsWeb.Hosting;

/// <summary>How scores and events are batched into SQLite (section "Dashboard:History"). Retention is a runtime setting.</summary>
public sealed record HistoryOptions
{
    /// <summary>Rows waiting for the next write at most; beyond it rows are dropped and counted, never blocking the broker.</summary>
    public int QueueCapacity { get; init; } = 50_000;

    /// <summary>Rows written per transaction at most.</summary>
    public int MaxBatch { get; init; } = 2_000;

    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Problems()
    {
        if (QueueCapacity is < 1 or > 10_000_000 || MaxBatch is < 1 or > 100_000)
        {
            yield return $"Dashboard:History:QueueCapacity = {QueueCapacity}, MaxBatch = {MaxBatch}: QueueCapacity 1–10,000,000, MaxBatch 1–100,000";
        }

        if (FlushInterval < TimeSpan.FromMilliseconds(10) || FlushInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"Dashboard:History:FlushInterval = {FlushInterval}: between 10 ms and 1 min";
        }
    }
}
