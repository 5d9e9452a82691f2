using System.Collections.Concurrent;
using System.Globalization;
using IplsWeb.Fleet;
using Npgsql;
using NpgsqlTypes;

namespace IplsWeb.History;

/// <summary>
/// Score and event history on a PostgreSQL server (Npgsql, pooled). The schema is created and migrated
/// here (table <c>history_schema</c> holds its version). Scores go into a table range-partitioned by
/// UTC day, partitions made ahead (today, tomorrow) and on demand for late rows, so retention drops
/// whole days and a score query touches only the days it asks for; rows outside the partition window
/// land in a default partition. One multi-row insert per batch (arrays unnested) with ON CONFLICT DO
/// NOTHING on (vehicle, at_ms, score): a QoS 1 redelivery adds no row, as in SQLite.
/// </summary>
public sealed partial class PostgresHistoryStore : IHistoryStore
{
    private const long DayMs = 86_400_000;

    /// <summary>Partitions are made on demand for days this far back (retention is at most 365 days); older rows go to the default partition.</summary>
    private const int PartitionDaysBack = 400;

    private const int DeleteBatch = 20_000;

    private static readonly string[] Migrations =
    [
        // 1: scores partitioned by day (the unique index includes the partition key, as PostgreSQL requires),
        // events with an identity for a stable newest-first order, alerts one row per episode.
        """
        CREATE TABLE scores (vehicle integer NOT NULL, at_ms bigint NOT NULL, score real NOT NULL) PARTITION BY RANGE (at_ms);
        CREATE UNIQUE INDEX scores_unique ON scores (vehicle, at_ms, score);
        CREATE TABLE scores_default PARTITION OF scores DEFAULT;
        CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at_ms bigint NOT NULL, kind text NOT NULL, subject text NOT NULL, detail text NOT NULL);
        CREATE INDEX events_at ON events (at_ms, id);
        CREATE INDEX events_subject_at ON events (subject, at_ms);
        CREATE TABLE alerts (vehicle integer NOT NULL, started_ms bigint NOT NULL, resolved_ms bigint, peak double precision NOT NULL, threshold double precision NOT NULL, PRIMARY KEY (vehicle, started_ms));
        CREATE INDEX alerts_started ON alerts (started_ms);
        """,
    ];

    private readonly NpgsqlDataSource _source;
    private readonly TimeProvider _time;
    private readonly ILogger<PostgresHistoryStore> _logger;

    // Days whose partition exists, or whose rows stay in the default partition: no DDL for them again.
    private readonly ConcurrentDictionary<long, bool> _days = new();
    private bool _open;

    public PostgresHistoryStore(string connectionString, TimeProvider time, ILogger<PostgresHistoryStore> logger)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Location = Describe(builder);
        _source = NpgsqlDataSource.Create(builder);
        _time = time;
        _logger = logger;
    }

    public string Location { get; }

    /// <summary>The schema version this code creates and reads.</summary>
    public static int SchemaVersion => Migrations.Length;

    /// <summary>postgres://host:port/database of a connection string: what logs and errors may say about it.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return $"postgres://{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
    }

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (_open)
        {
            return;
        }

        await using (var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
        }

        await LoadPartitionsAsync(cancellationToken).ConfigureAwait(false);
        long today = Day(_time.GetUtcNow().ToUnixTimeMilliseconds());
        await EnsurePartitionsAsync([today, today + DayMs], cancellationToken).ConfigureAwait(false);
        _open = true;
    }

    private async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;

        // Two dashboards starting on one database migrate one after the other.
        command.CommandText = """
            SELECT pg_advisory_xact_lock(7365001);
            CREATE TABLE IF NOT EXISTS history_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            """;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM history_schema";
        int version = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (version > Migrations.Length)
        {
            throw new InvalidOperationException($"The history in {Location} has schema version {version}, newer than this dashboard's {Migrations.Length}: use a newer dashboard or another database");
        }

        for (int next = version + 1; next <= Migrations.Length; next++)
        {
            command.CommandText = Migrations[next - 1] + $"\nINSERT INTO history_schema (version) VALUES ({next});";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (version < Migrations.Length)
        {
            LogMigrated(Location, version, Migrations.Length);
        }
    }

    private async Task LoadPartitionsAsync(CancellationToken cancellationToken)
    {
        foreach (var (_, day) in await PartitionsAsync(cancellationToken).ConfigureAwait(false))
        {
            _days[day] = true;
        }
    }

    /// <summary>The day partitions (name, first millisecond of the UTC day), from the catalog.</summary>
    private async Task<List<(string Name, long Day)>> PartitionsAsync(CancellationToken cancellationToken)
    {
        await using var command = _source.CreateCommand("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'scores'::regclass AND c.relname LIKE 'scores_d%'
            """);
        var result = new List<(string, long)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string name = reader.GetString(0);
            if (DateTime.TryParseExact(name["scores_d".Length..], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var day))
            {
                result.Add((name, new DateTimeOffset(day, TimeSpan.Zero).ToUnixTimeMilliseconds()));
            }
        }

        return result;
    }

    private static long Day(long atMs) => atMs - (((atMs % DayMs) + DayMs) % DayMs);

    private static string PartitionName(long day) => "scores_d" + DateTimeOffset.FromUnixTimeMilliseconds(day).ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private async Task EnsurePartitionsAsync(IEnumerable<long> days, CancellationToken cancellationToken)
    {
        long today = Day(_time.GetUtcNow().ToUnixTimeMilliseconds());
        foreach (long day in days)
        {
            if (_days.ContainsKey(day) || day < today - (PartitionDaysBack * DayMs) || day > today + (2 * DayMs))
            {
                continue;
            }

            string name = PartitionName(day);
            try
            {
                // Each on its own (not in a write's transaction): a refused partition must not abort a batch.
                await using var command = _source.CreateCommand(string.Create(
                    CultureInfo.InvariantCulture,
                    $"CREATE TABLE IF NOT EXISTS {name} PARTITION OF scores FOR VALUES FROM ({day}) TO ({day + DayMs})"));
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                LogPartitionCreated(name);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation)
            {
                // The default partition already holds rows of that day (written before it was in the window):
                // they stay there; retention deletes them in batches.
                LogPartitionRefused(name);
            }

            _days[day] = true;
        }
    }

    public async Task WriteAsync(IReadOnlyList<ScoreRow> scores, IReadOnlyList<FleetEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(events);
        if (scores.Count + events.Count == 0)
        {
            return;
        }

        if (scores.Count > 0)
        {
            await EnsurePartitionsAsync(scores.Select(s => Day(s.AtUnixMs)).Distinct().ToList(), cancellationToken).ConfigureAwait(false);
        }

        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (scores.Count > 0)
        {
            var vehicles = new int[scores.Count];
            var times = new long[scores.Count];
            var values = new float[scores.Count];
            for (int i = 0; i < scores.Count; i++)
            {
                (vehicles[i], times[i], values[i]) = (scores[i].Vehicle, scores[i].AtUnixMs, scores[i].Score);
            }

            await using var insert = new NpgsqlCommand(
                "INSERT INTO scores (vehicle, at_ms, score) SELECT * FROM unnest(@v, @t, @s) ON CONFLICT DO NOTHING", connection, transaction);
            insert.Parameters.Add(new NpgsqlParameter<int[]>("v", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = vehicles });
            insert.Parameters.Add(new NpgsqlParameter<long[]>("t", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = times });
            insert.Parameters.Add(new NpgsqlParameter<float[]>("s", NpgsqlDbType.Array | NpgsqlDbType.Real) { TypedValue = values });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (events.Count > 0)
        {
            // WITH ORDINALITY keeps the batch's order in the identity, which breaks ties of equal times.
            await using var insert = new NpgsqlCommand(
                "INSERT INTO events (at_ms, kind, subject, detail) SELECT t, k, s, d FROM unnest(@t, @k, @s, @d) WITH ORDINALITY AS e(t, k, s, d, n) ORDER BY n",
                connection,
                transaction);
            insert.Parameters.Add(new NpgsqlParameter<long[]>("t", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. events.Select(e => e.At.ToUnixTimeMilliseconds())] });
            insert.Parameters.Add(new NpgsqlParameter<string[]>("k", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. events.Select(e => e.Kind.ToString())] });
            insert.Parameters.Add(new NpgsqlParameter<string[]>("s", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. events.Select(e => e.Subject)] });
            insert.Parameters.Add(new NpgsqlParameter<string[]>("d", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. events.Select(e => e.Detail)] });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task WriteAlertsAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (alerts.Count == 0)
        {
            return;
        }

        // One statement per alert in one batch: an episode opened and resolved in the same flush is two
        // upserts of one row, which a single multi-row upsert would refuse.
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var alert in alerts)
        {
            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO alerts (vehicle, started_ms, resolved_ms, peak, threshold) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (vehicle, started_ms) DO UPDATE SET resolved_ms = excluded.resolved_ms, peak = GREATEST(alerts.peak, excluded.peak)
                """);
            upsert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = alert.Vehicle });
            upsert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = alert.StartedAt.ToUnixTimeMilliseconds() });
            upsert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = alert.ResolvedAt is { } resolved ? resolved.ToUnixTimeMilliseconds() : DBNull.Value });
            upsert.Parameters.Add(new NpgsqlParameter<double> { TypedValue = alert.Peak });
            upsert.Parameters.Add(new NpgsqlParameter<double> { TypedValue = alert.Threshold });
            batch.BatchCommands.Add(upsert);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Alert>> AlertsAsync(int limit, CancellationToken cancellationToken)
    {
        await using var query = _source.CreateCommand("SELECT vehicle, started_ms, resolved_ms, peak, threshold FROM alerts ORDER BY started_ms DESC LIMIT $1");
        query.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return await HistoryRows.ReadAlertsAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ScoreBucket>> ScoresAsync(int vehicle, long fromMs, long toMs, int maxPoints, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 1);
        if (toMs <= fromMs)
        {
            return [];
        }

        long width = Math.Max(1, (toMs - fromMs + maxPoints - 1) / maxPoints);
        await using var query = _source.CreateCommand("""
            SELECT (at_ms - $1) / $3 AS bucket, MIN(score), MAX(score), AVG(score), COUNT(*)
            FROM scores WHERE vehicle = $4 AND at_ms >= $1 AND at_ms < $2
            GROUP BY bucket ORDER BY bucket
            """);
        query.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
        query.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
        query.Parameters.Add(new NpgsqlParameter<long> { TypedValue = width });
        query.Parameters.Add(new NpgsqlParameter<int> { TypedValue = vehicle });
        var result = new List<ScoreBucket>();
        await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new ScoreBucket(fromMs + (reader.GetInt64(0) * width), reader.GetFloat(1), reader.GetFloat(2), (float)reader.GetDouble(3), (int)reader.GetInt64(4)));
        }

        return result;
    }

    public async Task<IReadOnlyList<FleetEvent>> EventsAsync(long fromMs, long toMs, int limit, string? subject, CancellationToken cancellationToken)
    {
        await using var query = _source.CreateCommand("""
            SELECT at_ms, kind, subject, detail FROM events
            WHERE at_ms >= $1 AND at_ms < $2 AND ($3::text IS NULL OR subject = $3)
            ORDER BY at_ms DESC, id DESC LIMIT $4
            """);
        query.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromMs });
        query.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toMs });
        query.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)subject ?? DBNull.Value });
        query.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        return await HistoryRows.ReadEventsAsync(query, cancellationToken).ConfigureAwait(false);
    }

    public async Task<EventPage> EventPageAsync(IReadOnlyCollection<FleetEventKind> kinds, int offset, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        string filter = kinds.Count == 0 ? string.Empty : "WHERE kind = ANY($1)";
        string[] names = [.. kinds.Select(k => k.ToString())];

        // Count and page in one snapshot, so the total matches the page.
        await using var connection = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM events {filter}", connection, transaction);
        await using var query = new NpgsqlCommand(
            $"SELECT at_ms, kind, subject, detail FROM events {filter} ORDER BY at_ms DESC, id DESC LIMIT {(kinds.Count == 0 ? "$1" : "$2")} OFFSET {(kinds.Count == 0 ? "$2" : "$3")}",
            connection,
            transaction);
        if (kinds.Count > 0)
        {
            count.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = names });
            query.Parameters.Add(new NpgsqlParameter<string[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, TypedValue = names });
        }

        query.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        query.Parameters.Add(new NpgsqlParameter<int> { TypedValue = offset });
        int total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        var items = await HistoryRows.ReadEventsAsync(query, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new EventPage(total, items);
    }

    /// <summary>
    /// Whole days before the cutoff go by dropping their partition; the rest (the day the cutoff falls in,
    /// the default partition, events) by deletes of at most 20,000 rows each, so no statement holds locks
    /// or builds WAL for long.
    /// </summary>
    public async Task<int> DeleteOlderThanAsync(long cutoffMs, CancellationToken cancellationToken)
    {
        int deleted = 0;
        var partitions = await PartitionsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (name, day) in partitions.Where(p => p.Day + DayMs <= cutoffMs))
        {
            await using var command = _source.CreateCommand($"SELECT COUNT(*) FROM {name}");
            int rows = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
            command.CommandText = $"DROP TABLE {name}";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _days.TryRemove(day, out _);
            deleted += rows;
            LogPartitionDropped(name, rows);
        }

        foreach (string table in partitions.Where(p => p.Day < cutoffMs && p.Day + DayMs > cutoffMs).Select(p => p.Name).Append("scores_default"))
        {
            deleted += await DeleteInBatchesAsync(
                $"DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {table} WHERE at_ms < $1 LIMIT {DeleteBatch}))", cutoffMs, cancellationToken).ConfigureAwait(false);
        }

        deleted += await DeleteInBatchesAsync(
            $"DELETE FROM events WHERE id IN (SELECT id FROM events WHERE at_ms < $1 ORDER BY at_ms LIMIT {DeleteBatch})", cutoffMs, cancellationToken).ConfigureAwait(false);
        deleted += await DeleteInBatchesAsync("DELETE FROM alerts WHERE resolved_ms < $1", cutoffMs, cancellationToken).ConfigureAwait(false);

        // Each pass (every ten minutes) also makes the next day's partition ahead of midnight.
        long today = Day(_time.GetUtcNow().ToUnixTimeMilliseconds());
        await EnsurePartitionsAsync([today, today + DayMs], cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    private async Task<int> DeleteInBatchesAsync(string sql, long cutoffMs, CancellationToken cancellationToken)
    {
        int total = 0;
        int rows;
        do
        {
            await using var command = _source.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = cutoffMs });
            rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            total += rows;
        }
        while (rows >= DeleteBatch);
        return total;
    }

    public async ValueTask DisposeAsync() => await _source.DisposeAsync().ConfigureAwait(false);

    [LoggerMessage(EventId = 5450, Level = LogLevel.Information, Message = "History schema in {Location} migrated from version {From} to {To}")]
    private partial void LogMigrated(string location, int from, int to);

    [LoggerMessage(EventId = 5451, Level = LogLevel.Debug, Message = "History partition {Partition} created")]
    private partial void LogPartitionCreated(string partition);

    [LoggerMessage(EventId = 5452, Level = LogLevel.Warning, Message = "History partition {Partition} not created: the default partition holds rows of that day, they stay there")]
    private partial void LogPartitionRefused(string partition);

    [LoggerMessage(EventId = 5453, Level = LogLevel.Information, Message = "History partition {Partition} dropped ({Rows} rows older than the retention)")]
    private partial void LogPartitionDropped(string partition, int rows);
}
