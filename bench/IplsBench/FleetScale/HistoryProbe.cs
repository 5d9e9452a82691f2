using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace IplsBench.FleetScale;

/// <summary>
/// Reads the dashboard's score history from outside, in the store itself (SQLite file or PostgreSQL):
/// whether one score (vehicle, produced time) is recorded yet, and how many were recorded in a window.
/// Both providers keep scores as <c>scores(vehicle, at_ms, score)</c>; the SQL is the same for both.
/// </summary>
internal sealed class HistoryProbe : IAsyncDisposable
{
    private readonly DbConnection _connection;

    private HistoryProbe(DbConnection connection) => _connection = connection;

    /// <summary>The SQLite history in the dashboard's data directory (opened once the dashboard has made it).</summary>
    public static async Task<HistoryProbe> SqliteAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        string path = Path.Combine(dataDirectory, "history.db");
        for (int attempt = 0; !File.Exists(path); attempt++)
        {
            if (attempt > 300)
            {
                throw new InvalidOperationException($"the dashboard made no history database at {path}");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        // Read-write without create: WAL readers need the shared-memory file; nothing is ever written.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return new HistoryProbe(connection);
    }

    /// <summary>The PostgreSQL history, once the dashboard has created its <c>scores</c> table (it does at start).</summary>
    public static async Task<HistoryProbe> PostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        for (int attempt = 0; ; attempt++)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT to_regclass('scores') IS NOT NULL";
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                return new HistoryProbe(connection);
            }

            if (attempt > 300)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw new InvalidOperationException("the dashboard made no scores table in PostgreSQL within 30 s (does this build have Dashboard:History:Provider=Postgres?)");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<bool> HasScoreAsync(int vehicle, long atMs, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM scores WHERE vehicle = @v AND at_ms = @t";
        Add(command, "v", vehicle);
        Add(command, "t", atMs);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>Scores produced within [<paramref name="fromMs"/>, <paramref name="toMs"/>] that are recorded.</summary>
    public async Task<long> CountAsync(long fromMs, long toMs, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM scores WHERE at_ms >= @f AND at_ms <= @t";
        command.CommandTimeout = 120;
        Add(command, "f", fromMs);
        Add(command, "t", toMs);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private static void Add(DbCommand command, string name, long value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
