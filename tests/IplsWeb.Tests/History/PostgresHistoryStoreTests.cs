using System.Collections.Concurrent;
using IplsWeb.Fleet;
using IplsWeb.History;
using IplsWeb.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace IplsWeb.Tests.History;

/// <summary>The history contract on a real PostgreSQL server (one database per test), plus what only it has: schema versions and day partitions.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresHistoryStoreTests(PostgresServer server) : HistoryStoreContract
{
    private string? _connectionString;

    private async Task<string> ConnectionStringAsync() => _connectionString ??= await PostgresDatabases.CreateAsync(server);

    protected override async Task<IHistoryStore> CreateStoreAsync() =>
        new PostgresHistoryStore(await ConnectionStringAsync(), TimeProvider.System, NullLogger<PostgresHistoryStore>.Instance);

    [Fact]
    public async Task TheSchema_IsCreatedOnce_AtTheCurrentVersion_WithTheScoreTablePartitionedByDay()
    {
        await (await OpenAsync()).OpenAsync(CancellationToken.None); // a second dashboard, a second open: no second migration

        await using var source = NpgsqlDataSource.Create(await ConnectionStringAsync());
        await using var versions = source.CreateCommand("SELECT array_agg(version ORDER BY version) FROM history_schema");
        Assert.Equal(Enumerable.Range(1, PostgresHistoryStore.SchemaVersion), (int[])(await versions.ExecuteScalarAsync())!);
        await using var partitions = source.CreateCommand("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'scores'::regclass ORDER BY 1");
        var names = new List<string>();
        await using (var reader = await partitions.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }
        }

        // Made ahead: today and tomorrow (UTC), and the default for rows outside the window.
        var today = DateTimeOffset.UtcNow;
        Assert.Contains("scores_d" + today.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), names);
        Assert.Contains("scores_d" + today.AddDays(1).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), names);
        Assert.Contains("scores_default", names);
    }

    [Fact]
    public async Task Retention_DropsWholeDayPartitions_AndDeletesThePartialDay()
    {
        long today = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 86_400_000 * 86_400_000;
        long first = today - (3 * 86_400_000L);
        await Store.WriteAsync([.. Enumerable.Range(0, 3 * 24).Select(h => new ScoreRow(1, first + (h * 3_600_000L), 0.1f))], [], CancellationToken.None);
        string oldest = "scores_d" + DateTimeOffset.FromUnixTimeMilliseconds(first).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await TableExistsAsync(oldest));

        int deleted = await Store.DeleteOlderThanAsync(first + 86_400_000 + (6 * 3_600_000L), CancellationToken.None);

        Assert.Equal(24 + 6, deleted);
        Assert.False(await TableExistsAsync(oldest));
        Assert.Equal((3 * 24) - 30, (await Store.ScoresAsync(1, 0, long.MaxValue / 2, 10_000, CancellationToken.None)).Sum(b => b.Count));
    }

    [Fact]
    public async Task AnUnreachableServer_IsRetriedForTheStartTimeout_ThenTheStartFailsNamingHostAndDatabase_NeverThePassword()
    {
        int port = DashboardHost.TwoFreePorts().First;
        const string password = "unreachable-secret-7f3a";
        var (writer, logs, loggers) = Writer($"Host=127.0.0.1;Port={port};Database=ipls;Username=ipls;Password={password}", TimeSpan.FromSeconds(2));
        using var disposeWriter = writer;
        using var disposeLoggers = loggers;

        var error = await Assert.ThrowsAsync<DashboardConfigurationException>(() => writer.StartAsync(CancellationToken.None));

        Assert.Contains($"postgres://127.0.0.1:{port}/ipls", error.Message, StringComparison.Ordinal);
        Assert.Contains("could not be opened", error.Message, StringComparison.Ordinal);
        Assert.Contains(logs, l => l.Contains("not reachable yet", StringComparison.Ordinal)); // retried first
        Assert.DoesNotContain(password, error.ToString(), StringComparison.Ordinal);
        Assert.All(logs, l => Assert.DoesNotContain(password, l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AWrongPassword_FailsTheStartAtOnce_WithTheServersReason_AndNeitherPasswordInLogOrError()
    {
        var builder = new NpgsqlConnectionStringBuilder(await ConnectionStringAsync()) { Password = "wrong-password-c41d" };
        var (writer, logs, loggers) = Writer(builder.ConnectionString, TimeSpan.FromMinutes(1));
        using var disposeWriter = writer;
        using var disposeLoggers = loggers;
        var started = DateTime.UtcNow;

        var error = await Assert.ThrowsAsync<DashboardConfigurationException>(() => writer.StartAsync(CancellationToken.None));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "an authentication failure is not retried for the whole StartTimeout");
        Assert.Contains("password authentication failed", error.Message, StringComparison.Ordinal);
        string realPassword = new NpgsqlConnectionStringBuilder(server.ConnectionString).Password!;
        foreach (string text in logs.Append(error.ToString()))
        {
            Assert.DoesNotContain("wrong-password-c41d", text, StringComparison.Ordinal);
            Assert.DoesNotContain(realPassword, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ConnectionStringProblems_AreNamed_WithoutEchoingTheString()
    {
        static IReadOnlyList<string> Problems(string? connectionString, HistoryProvider provider = HistoryProvider.Postgres) =>
            new DashboardOptions { History = new HistoryOptions { Provider = provider, ConnectionString = connectionString } }.Problems();

        Assert.Contains(Problems(null), p => p.Contains("ConnectionString: required with Provider = Postgres", StringComparison.Ordinal));
        var bad = Problems("Host=db;Passwrd=hunter2-secret;Port=notanumber");
        Assert.Contains(bad, p => p.Contains("not a valid Npgsql connection string", StringComparison.Ordinal) && p.Contains("Passwrd", StringComparison.Ordinal));
        Assert.All(bad, p => Assert.DoesNotContain("hunter2-secret", p, StringComparison.Ordinal));
        Assert.Contains(Problems("Database=ipls;Password=x"), p => p.Contains("no Host", StringComparison.Ordinal));
        Assert.Contains(Problems("Host=db", HistoryProvider.Sqlite), p => p.Contains("Provider is Sqlite", StringComparison.Ordinal));
        Assert.Empty(Problems("Host=db;Database=ipls;Username=ipls;Password=x"));
        Assert.DoesNotContain("hunter2", new HistoryOptions { ConnectionString = "Host=db;Password=hunter2" }.ToString(), StringComparison.Ordinal);
    }

    private static (HistoryWriter Writer, ConcurrentQueue<string> Logs, ILoggerFactory Loggers) Writer(string connectionString, TimeSpan startTimeout)
    {
        var logs = new ConcurrentQueue<string>();
        var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new QueueLoggerProvider(logs)));
        var options = new DashboardOptions { DataDirectory = Path.GetTempPath(), History = new HistoryOptions { Provider = HistoryProvider.Postgres, ConnectionString = connectionString, StartTimeout = startTimeout } };
        var store = HistoryStores.Create(options, TimeProvider.System, factory);
        return (new HistoryWriter(new FleetState(TimeProvider.System), store, new RuntimeSettings(options), options, TimeProvider.System, factory.CreateLogger<HistoryWriter>()), logs, factory);
    }

    private async Task<bool> TableExistsAsync(string name)
    {
        await using var source = NpgsqlDataSource.Create(await ConnectionStringAsync());
        await using var command = source.CreateCommand("SELECT to_regclass($1) IS NOT NULL");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    private sealed class QueueLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new QueueLogger(lines);

        public void Dispose()
        {
        }
    }

    private sealed class QueueLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + (exception is null ? string.Empty : " " + exception));
    }
}
