using IplsWeb.Fleet;

namespace IplsWeb.History;

/// <summary>
/// Where scores, events and alerts are kept (SQLite file or PostgreSQL server, <c>Dashboard:History:Provider</c>):
/// the same writes and the same queries on both. Registered on its own: the writer writes, pages read.
/// Constructing a store does no I/O; <see cref="OpenAsync"/> connects and creates or migrates the schema.
/// </summary>
public interface IHistoryStore : IAsyncDisposable
{
    /// <summary>Where the history lives, for logs and the UI: a file path or postgres://host:port/database (never a password).</summary>
    string Location { get; }

    /// <summary>Connects and creates or migrates the schema; once, before anything else.</summary>
    Task OpenAsync(CancellationToken cancellationToken);

    /// <summary>Scores and events in one transaction; a score already stored (a QoS 1 redelivery: same vehicle, time and score) adds no row.</summary>
    Task WriteAsync(IReadOnlyList<ScoreRow> scores, IReadOnlyList<FleetEvent> events, CancellationToken cancellationToken);

    /// <summary>Stores alerts (an episode is one row: opened, then updated when it resolves).</summary>
    Task WriteAlertsAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken);

    /// <summary>The newest alerts, newest first.</summary>
    Task<IReadOnlyList<Alert>> AlertsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Scores of a vehicle in [from, to), in at most <paramref name="maxPoints"/> equal time buckets, oldest first.</summary>
    Task<IReadOnlyList<ScoreBucket>> ScoresAsync(int vehicle, long fromMs, long toMs, int maxPoints, CancellationToken cancellationToken);

    /// <summary>Events in [from, to), newest first, optionally of one subject.</summary>
    Task<IReadOnlyList<FleetEvent>> EventsAsync(long fromMs, long toMs, int limit, string? subject, CancellationToken cancellationToken);

    /// <summary>Events of the given kinds (all when empty), newest first, skipping <paramref name="offset"/>.</summary>
    Task<EventPage> EventPageAsync(IReadOnlyCollection<FleetEventKind> kinds, int offset, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes scores, events and resolved alerts older than the cutoff; returns how many rows went.</summary>
    Task<int> DeleteOlderThanAsync(long cutoffMs, CancellationToken cancellationToken);
}
