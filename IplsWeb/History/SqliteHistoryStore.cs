using IplsWeb.Fleet;
using Microsoft.Data.Sqlite;

namespace IplsWeb.History;

/// <summary>
/// Score and event history in one SQLite file (WAL). Writes come in batches, one transaction each;
/// long score ranges are downsampled in SQL into equal time buckets (min, max, mean) so a chart can
/// zoom over hours without shipping every 250 ms sample.
/// </summary>
public sealed class SqliteHistoryStore : IHistoryStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _opened;

    public SqliteHistoryStore(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    public string Path { get; }

    public string Location => Path;

    private SqliteConnection Connection => _opened ?? throw new InvalidOperationException($"The history in {Path} is not open yet");

    /// <summary>A store on <paramref name="path"/>, opened.</summary>
    public static async Task<SqliteHistoryStore> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var store = new SqliteHistoryStore(path);
        await store.OpenAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (_opened is not null)
        {
            return;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await CreateSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _opened = connection;
    }

    private static async Task CreateSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                CREATE TABLE IF NOT EXISTS scores (vehicle INTEGER NOT NULL, at_ms INTEGER NOT NULL, score REAL NOT NULL);
                CREATE INDEX IF NOT EXISTS scores_vehicle_at ON scores (vehicle, at_ms);
                CREATE TABLE IF NOT EXISTS events (at_ms INTEGER NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS events_at ON events (at_ms);
                CREATE TABLE IF NOT EXISTS alerts (vehicle INTEGER NOT NULL, started_ms INTEGER NOT NULL, resolved_ms INTEGER, peak REAL NOT NULL, threshold REAL NOT NULL, PRIMARY KEY (vehicle, started_ms));
                """;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = connection.CreateCommand())
        {
            // A QoS 1 redelivery is the same score at the same produced time: one row. Files from before
            // this index are de-duplicated once, when it is made.
            command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'scores_unique'";
            if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                command.CommandText = """
                    DELETE FROM scores WHERE rowid NOT IN (SELECT MIN(rowid) FROM scores GROUP BY vehicle, at_ms, score);
                    CREATE UNIQUE INDEX scores_unique ON scores (vehicle, at_ms, score);
                    """;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task WriteAsync(IReadOnlyList<ScoreRow> scores, IReadOnlyList<FleetEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(events);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var transaction = (SqliteTransaction)await Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (scores.Count > 0)
            {
                await using var insert = Connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT OR IGNORE INTO scores (vehicle, at_ms, score) VALUES ($v, $t, $s)";
                var v = insert.Parameters.Add("$v", SqliteType.Integer);
                var t = insert.Parameters.Add("$t", SqliteType.Integer);
                var s = insert.Parameters.Add("$s", SqliteType.Real);
                await insert.PrepareAsync(cancellationToken).ConfigureAwait(false);
                foreach (var row in scores)
                {
                    v.Value = row.Vehicle;
                    t.Value = row.AtUnixMs;
                    s.Value = (double)row.Score;
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            if (events.Count > 0)
            {
                await using var insert = Connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO events (at_ms, kind, subject, detail) VALUES ($t, $k, $s, $d)";
                var t = insert.Parameters.Add("$t", SqliteType.Integer);
                var k = insert.Parameters.Add("$k", SqliteType.Text);
                var s = insert.Parameters.Add("$s", SqliteType.Text);
                var d = insert.Parameters.Add("$d", SqliteType.Text);
                foreach (var e in events)
                {
                    t.Value = e.At.ToUnixTimeMilliseconds();
                    k.Value = e.Kind.ToString();
                    s.Value = e.Subject;
                    d.Value = e.Detail;
                    await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stores alerts (an episode is one row: opened, then updated when it resolves).</summary>
    public async Task WriteAlertsAsync(IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (alerts.Count == 0)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var transaction = (SqliteTransaction)await Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var upsert = Connection.CreateCommand();
            upsert.Transaction = transaction;
            upsert.CommandText = """
                INSERT INTO alerts (vehicle, started_ms, resolved_ms, peak, threshold) VALUES ($v, $s, $r, $p, $t)
                ON CONFLICT (vehicle, started_ms) DO UPDATE SET resolved_ms = excluded.resolved_ms, peak = MAX(peak, excluded.peak)
                """;
            var v = upsert.Parameters.Add("$v", SqliteType.Integer);
            var s = upsert.Parameters.Add("$s", SqliteType.Integer);
            var r = upsert.Parameters.Add("$r", SqliteType.Integer);
            var p = upsert.Parameters.Add("$p", SqliteType.Real);
            var t = upsert.Parameters.Add("$t", SqliteType.Real);
            foreach (var alert in alerts)
            {
                v.Value = alert.Vehicle;
                s.Value = alert.StartedAt.ToUnixTimeMilliseconds();
                r.Value = alert.ResolvedAt is { } resolved ? resolved.ToUnixTimeMilliseconds() : DBNull.Value;
                p.Value = alert.Peak;
                t.Value = alert.Threshold;
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The newest alerts, newest first.</summary>
    public async Task<IReadOnlyList<Alert>> AlertsAsync(int limit, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var query = Connection.CreateCommand();
            query.CommandText = "SELECT vehicle, started_ms, resolved_ms, peak, threshold FROM alerts ORDER BY started_ms DESC LIMIT $limit";
            query.Parameters.AddWithValue("$limit", limit);
            return await HistoryRows.ReadAlertsAsync(query, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Scores of a vehicle in [from, to), in at most <paramref name="maxPoints"/> equal time buckets, oldest first.</summary>
    public async Task<IReadOnlyList<ScoreBucket>> ScoresAsync(int vehicle, long fromMs, long toMs, int maxPoints, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 1);
        if (toMs <= fromMs)
        {
            return [];
        }

        long width = Math.Max(1, (toMs - fromMs + maxPoints - 1) / maxPoints);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var query = Connection.CreateCommand();
            query.CommandText = """
                SELECT (at_ms - $from) / $w AS bucket, MIN(score), MAX(score), AVG(score), COUNT(*)
                FROM scores WHERE vehicle = $v AND at_ms >= $from AND at_ms < $to
                GROUP BY bucket ORDER BY bucket
                """;
            query.Parameters.AddWithValue("$from", fromMs);
            query.Parameters.AddWithValue("$to", toMs);
            query.Parameters.AddWithValue("$w", width);
            query.Parameters.AddWithValue("$v", vehicle);
            var result = new List<ScoreBucket>();
            await using var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new ScoreBucket(fromMs + (reader.GetInt64(0) * width), (float)reader.GetDouble(1), (float)reader.GetDouble(2), (float)reader.GetDouble(3), reader.GetInt32(4)));
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Events in [from, to), newest first, optionally of one subject.</summary>
    public async Task<IReadOnlyList<FleetEvent>> EventsAsync(long fromMs, long toMs, int limit, string? subject, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var query = Connection.CreateCommand();
            query.CommandText = "SELECT at_ms, kind, subject, detail FROM events WHERE at_ms >= $from AND at_ms < $to AND ($s IS NULL OR subject = $s) ORDER BY at_ms DESC, rowid DESC LIMIT $limit";
            query.Parameters.AddWithValue("$from", fromMs);
            query.Parameters.AddWithValue("$to", toMs);
            query.Parameters.AddWithValue("$s", (object?)subject ?? DBNull.Value);
            query.Parameters.AddWithValue("$limit", limit);
            return await HistoryRows.ReadEventsAsync(query, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Events of the given kinds (all when empty), newest first, skipping <paramref name="offset"/>.</summary>
    public async Task<EventPage> EventPageAsync(IReadOnlyCollection<FleetEventKind> kinds, int offset, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        string filter = kinds.Count == 0 ? string.Empty : "WHERE kind IN (" + string.Join(", ", kinds.Select((_, i) => $"$k{i}")) + ")";
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var count = Connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM events {filter}";
            await using var query = Connection.CreateCommand();
            query.CommandText = $"SELECT at_ms, kind, subject, detail FROM events {filter} ORDER BY at_ms DESC, rowid DESC LIMIT $limit OFFSET $offset";
            int i = 0;
            foreach (var kind in kinds)
            {
                count.Parameters.AddWithValue($"$k{i}", kind.ToString());
                query.Parameters.AddWithValue($"$k{i}", kind.ToString());
                i++;
            }

            query.Parameters.AddWithValue("$limit", limit);
            query.Parameters.AddWithValue("$offset", offset);
            int total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            return new EventPage(total, await HistoryRows.ReadEventsAsync(query, cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes scores and events older than the cutoff; returns how many rows went.</summary>
    public async Task<int> DeleteOlderThanAsync(long cutoffMs, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var command = Connection.CreateCommand();
            command.CommandText = "DELETE FROM scores WHERE at_ms < $c; DELETE FROM events WHERE at_ms < $c; DELETE FROM alerts WHERE resolved_ms < $c;";
            command.Parameters.AddWithValue("$c", cutoffMs);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_opened is not null)
        {
            await _opened.DisposeAsync().ConfigureAwait(false);
        }

        _gate.Dispose();
    }
}
