using System.Collections.Concurrent;
using IplsWeb.History;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace IplsWeb.Tests.History;

/// <summary>The dashboard's history in PostgreSQL: the same tests, plus restart and secrecy of the connection string.</summary>
[Collection(PostgresTests.Name)]
public sealed class PostgresDashboardHistoryTests(PostgresServer server) : DashboardHistoryContract
{
    private string? _connectionString;

    private async Task<string> ConnectionStringAsync() => _connectionString ??= await PostgresDatabases.CreateAsync(server);

    protected override async Task<string[]> HistoryArgsAsync() =>
        ["--Dashboard:History:Provider=Postgres", $"--Dashboard:History:ConnectionString={await ConnectionStringAsync()}"];

    protected override IHistoryStore SameHistory(string dataDirectory) =>
        new PostgresHistoryStore(_connectionString!, TimeProvider.System, NullLogger<PostgresHistoryStore>.Instance);

    [Fact]
    public async Task ARestartedDashboard_ReadsWhatTheFirstWrote_AndDebugLogsNeverHoldThePassword()
    {
        string password = new NpgsqlConnectionStringBuilder(server.ConnectionString).Password!;
        var lines = new ConcurrentQueue<string>();
        void Logging(IServiceCollection services) => services.AddLogging(b => b.AddProvider(new LineLoggerProvider(lines)));
        string[] args = [.. await HistoryArgsAsync(), "--Logging:LogLevel:Default=Debug"];

        await using (var first = await DashboardHost.StartAsync(Logging, peers: 1, bootstrappers: 0, extra: args))
        {
            var store = first.Services.GetRequiredService<IHistoryStore>();
            await Eventually.TrueAsync(
                async () => (await store.ScoresAsync(1, 0, long.MaxValue / 2, 10, CancellationToken.None)).Sum(b => b.Count) > 10,
                "scores of vehicle 1 are in the history");
        }

        await using (var second = await DashboardHost.StartAsync(Logging, peers: 0, bootstrappers: 0, extra: args))
        {
            var store = second.Services.GetRequiredService<IHistoryStore>();
            Assert.True((await store.ScoresAsync(1, 0, long.MaxValue / 2, 10, CancellationToken.None)).Sum(b => b.Count) > 10);
            Assert.Contains(await store.EventsAsync(0, long.MaxValue, 100, "vehicle-1", CancellationToken.None), e => e.Kind == IplsWeb.Fleet.FleetEventKind.Joined);
        }

        Assert.Contains(lines, l => l.Contains("History: Postgres in postgres://127.0.0.1:", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.DoesNotContain(password, l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADatabaseThatGoesAwayAndComesBack_LosesNoRows_TheHeldBatchIsWrittenAfterwards()
    {
        var direct = new NpgsqlConnectionStringBuilder(await ConnectionStringAsync());
        using var cutter = new TcpCutter(direct.Port);
        string viaCutter = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Port = cutter.Port }.ConnectionString;
        await using var host = await DashboardHost.StartAsync(peers: 1, bootstrappers: 0, extra: ["--Dashboard:History:Provider=Postgres", $"--Dashboard:History:ConnectionString={viaCutter}"]);
        var writer = host.Services.GetRequiredService<HistoryWriter>();
        var store = host.Services.GetRequiredService<IHistoryStore>();
        await Eventually.TrueAsync(async () => (await store.ScoresAsync(1, 0, long.MaxValue / 2, 10, CancellationToken.None)).Sum(b => b.Count) > 10, "scores of vehicle 1 are in the history");

        cutter.Cut();
        long cutAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Task.Delay(TimeSpan.FromSeconds(4)); // several flushes fail meanwhile
        long restoredAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        cutter.Restore();

        await Eventually.TrueAsync(
            async () => (await store.ScoresAsync(1, cutAt, restoredAt, 1, CancellationToken.None)).Sum(b => b.Count) > 20,
            "the scores of the outage reach the history once it is back");
        Assert.Equal(0, writer.Lost + writer.Dropped);
    }

    private sealed class LineLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new LineLogger(lines);

        public void Dispose()
        {
        }
    }

    private sealed class LineLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception) + (exception is null ? string.Empty : " " + exception));
    }
}
