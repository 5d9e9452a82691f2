using IplsWeb.Fleet;
using IplsWeb.History;
using IplsWeb.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace IplsWeb.Tests.History;

/// <summary>The writer inside the real dashboard: live scores and events end up in SQLite.</summary>
public sealed class HistoryWriterTests
{
    [Fact]
    public async Task DemoFleetScoresAndEvents_ReachTheDatabase_AndAStopFlushesTheRest()
    {
        var host = await DashboardHost.StartAsync(peers: 1, bootstrappers: 0);
        host.KeepDataDirectory = true;
        string dbPath;
        await using (host)
        {
            var writer = host.Services.GetRequiredService<HistoryWriter>();
            var store = await writer.Store;
            dbPath = store.Path;
            await Eventually.TrueAsync(
                async () => (await store.ScoresAsync(1, 0, long.MaxValue / 2, 10, CancellationToken.None)).Sum(b => b.Count) > 20,
                "scores of vehicle 1 are in the history");
            Assert.Contains(await store.EventsAsync(0, long.MaxValue, 100, "vehicle-1", CancellationToken.None), e => e.Kind == FleetEventKind.Joined);
            Assert.Equal(0, writer.Dropped + writer.Lost);

            host.Fleet.Raise(FleetEventKind.Command, "test", "raised just before the stop");
        }

        // The dashboard stopped; the event raised at the last moment was flushed.
        await using (var reopened = await HistoryStore.OpenAsync(dbPath, CancellationToken.None))
        {
            Assert.Contains(await reopened.EventsAsync(0, long.MaxValue, 10, "test", CancellationToken.None), e => e.Detail == "raised just before the stop");
        }

        Directory.Delete(host.DataDirectory, recursive: true);
    }

    [Fact]
    public async Task AFullQueue_DropsAndCounts_WithoutBlockingTheCaller()
    {
        var options = new DashboardOptions { DataDirectory = Path.GetTempPath(), History = new HistoryOptions { QueueCapacity = 10 } };
        var fleet = new FleetState(TimeProvider.System);
        using var writer = new HistoryWriter(fleet, new RuntimeSettings(options), options, TimeProvider.System, NullLogger<HistoryWriter>.Instance);

        // Not started: nothing drains the queue, so the 11th row on is dropped.
        for (int i = 0; i < 25; i++)
        {
            fleet.Raise(FleetEventKind.Command, "test", $"event {i}");
        }

        Assert.Equal(15, writer.Dropped);
        Assert.Equal(0, writer.Written);
    }

    [Fact]
    public void HistoryOptions_OutOfRange_AreNamed()
    {
        Assert.Contains(new DashboardOptions { History = new HistoryOptions { QueueCapacity = 0 } }.Problems(), p => p.Contains("History:QueueCapacity", StringComparison.Ordinal));
        Assert.Contains(new DashboardOptions { History = new HistoryOptions { FlushInterval = TimeSpan.Zero } }.Problems(), p => p.Contains("FlushInterval", StringComparison.Ordinal));
    }
}
